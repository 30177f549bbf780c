using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Explore;
using StarStudio.Core.Growth;

namespace StarStudio.Data.Explore;

/// <summary>
/// The gallery page's SQL, public so the benchmark runs exactly what <see cref="GalleryService"/> runs: one call of
/// <c>star_gallery_page</c> (migration <c>Explore</c>) on the unit of work's connection and transaction.
/// </summary>
public static class GallerySql
{
    public const string Query = """
        SELECT star_id, name, domain, tone, tags, has_avatar, magnitude_level::text, like_count, play_count, heat, star_created_at
        FROM star_gallery_page(@words, @domain, @tag, @sort, @offset, @limit)
        """;

    /// <summary>The search words of a query text (jieba; letters and digits only), as the service computes them.</summary>
    public static IReadOnlyList<string> Words(string? text) => GallerySearchText.QueryWords(text);

    /// <summary>
    /// Runs a normalized <paramref name="query"/> with its <paramref name="words"/> and reads one page (one card more
    /// than a page tells whether another follows). Cards come back with <see cref="GalleryCard.LikedByMe"/> false.
    /// </summary>
    public static async Task<(List<GalleryCard> Items, bool HasMore)> PageAsync(DbContext ctx, GalleryQuery query, IReadOnlyList<string> words, CancellationToken ct = default)
    {
        var conn = (NpgsqlConnection)ctx.Database.GetDbConnection();
        var tx = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();
        if (conn.State != System.Data.ConnectionState.Open)
        {
            await ctx.Database.OpenConnectionAsync(ct);
        }

        await using var cmd = new NpgsqlCommand(Query, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = words.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("domain", NpgsqlDbType.Text) { Value = (object?)query.Domain ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = (object?)query.Tag ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("sort", NpgsqlDbType.Text) { Value = GalleryQuery.SortKey(query.Sort) });
        cmd.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = query.Offset });
        cmd.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = GalleryQuery.PageSize + 1 });
        var items = new List<GalleryCard>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(new GalleryCard(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4),
                    reader.GetBoolean(5), reader.IsDBNull(6) ? null : Enum.Parse<MagnitudeLevel>(reader.GetString(6)),
                    reader.GetInt32(7), reader.GetInt64(8), reader.GetDouble(9), reader.GetFieldValue<DateTimeOffset>(10), false));
            }
        }

        var more = items.Count > GalleryQuery.PageSize;
        return (more ? items.GetRange(0, GalleryQuery.PageSize) : items, more);
    }
}
