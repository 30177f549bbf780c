using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;

namespace StarStudio.Data.Market.Catalog;

/// <summary>
/// The catalog search's SQL, public so the benchmark runs exactly what <see cref="SkillCatalogService"/> runs: one call of
/// <c>market_catalog_search</c> (migration <c>MarketCatalogSearch</c>) on the unit of work's connection and transaction.
/// </summary>
public static class CatalogSearchSql
{
    public const string Query = """
        SELECT skill_id, name, icon, description, description_en, category, pricing_type::text, price, rating_avg, rating_count,
               subscriber_count, call_count, published_at, rank
        FROM market_catalog_search(@terms, @category, @pricing::skill_pricing_type, @min_rating, @sort, @offset, @limit, @budget)
        """;

    /// <summary>Runs a normalized <paramref name="query"/> and reads one page (one row more than a page tells whether another follows).</summary>
    public static async Task<CatalogPage> SearchAsync(DbContext ctx, CatalogQuery query, CancellationToken ct = default)
    {
        if (query.Text is not null && query.Terms.Count == 0)
        {
            return new CatalogPage([], 1, false); // text without a searchable word matches nothing (not everything)
        }

        var conn = (NpgsqlConnection)ctx.Database.GetDbConnection();
        var tx = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();
        if (conn.State != System.Data.ConnectionState.Open)
        {
            await ctx.Database.OpenConnectionAsync(ct);
        }

        await using var cmd = new NpgsqlCommand(Query, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Terms.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("category", NpgsqlDbType.Text) { Value = (object?)query.Category ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("pricing", NpgsqlDbType.Text) { Value = query.Pricing is { } p ? PricingLabel(p) : DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("min_rating", NpgsqlDbType.Numeric) { Value = (object?)query.MinRating ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("sort", NpgsqlDbType.Text) { Value = CatalogQuery.SortKey(query.Sort) });
        cmd.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = query.Offset });
        cmd.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = CatalogQuery.PageSize + 1 });
        cmd.Parameters.Add(new NpgsqlParameter("budget", NpgsqlDbType.Integer) { Value = CatalogQuery.RankBudget });
        var items = new List<SkillCard>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(new SkillCard(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), ParsePricing(reader.GetString(6)), reader.GetDecimal(7),
                    reader.GetDecimal(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt64(11),
                    reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12), reader.GetDouble(13)));
            }
        }

        var more = items.Count > CatalogQuery.PageSize;
        return new CatalogPage(more ? items.GetRange(0, CatalogQuery.PageSize) : items, Math.Clamp(query.Page, 1, CatalogQuery.MaxPage), more);
    }

    /// <summary>The PostgreSQL label of <see cref="SkillPricingType"/> (snake_case, as <c>MapEnums</c> maps it).</summary>
    public static string PricingLabel(SkillPricingType pricing) => pricing switch
    {
        SkillPricingType.Subscription => "subscription",
        SkillPricingType.Usage => "usage",
        _ => "free",
    };

    private static SkillPricingType ParsePricing(string label) => label switch
    {
        "subscription" => SkillPricingType.Subscription,
        "usage" => SkillPricingType.Usage,
        _ => SkillPricingType.Free,
    };
}
