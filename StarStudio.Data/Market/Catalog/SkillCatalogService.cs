using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Catalog;

/// <summary>
/// <see cref="ISkillCatalogService"/> over PostgreSQL as the current user. The search is <c>market_catalog_search</c>
/// (published versions of published skills only, see <see cref="CatalogSearchSql"/>); the detail reads through row-level
/// security and shows a skill only while it is published.
/// </summary>
internal sealed class SkillCatalogService(StarStudioDb db) : ISkillCatalogService
{
    public async Task<Result<CatalogPage>> SearchAsync(CatalogQuery query, CancellationToken ct = default)
    {
        var normalized = query.Normalize();
        if (!normalized.Succeeded)
        {
            return Result<CatalogPage>.Invalid(normalized.Errors);
        }

        var page = await db.RunAsync((ctx, _) => CatalogSearchSql.SearchAsync(ctx, normalized.Value!, ct), ct);
        return Result<CatalogPage>.Ok(page);
    }

    public Task<Result<SkillDetail>> DetailAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var skill = await PublishedAsync(ctx, skillId, ct);
            var version = skill is null ? null : await ctx.SkillVersions.AsNoTracking()
                .FirstOrDefaultAsync(v => v.Id == skill.PublishedVersionId && v.Status == SkillVersionStatus.Published, ct);
            if (skill is null || version is null)
            {
                return Result<SkillDetail>.NotFound();
            }

            var versions = await ctx.SkillVersions.AsNoTracking()
                .Where(v => v.SkillId == skillId && v.Status == SkillVersionStatus.Published)
                .OrderByDescending(v => v.ReviewedAt).ThenByDescending(v => v.SubmittedAt)
                .Select(v => new SkillVersionEntry(v.Id, v.Version, v.ChangeLog, v.ReviewedAt))
                .ToListAsync(ct);
            var counts = await ctx.SkillReviews.AsNoTracking().Where(r => r.SkillId == skillId)
                .GroupBy(r => r.Rating).Select(g => new { Rating = g.Key, Count = g.Count() }).ToListAsync(ct);
            var ratingCounts = Enumerable.Range(ReviewRules.MinRating, ReviewRules.MaxRating)
                .Select(star => counts.FirstOrDefault(c => c.Rating == star)?.Count ?? 0).ToList();
            var reviews = await ReviewPageAsync(ctx, skillId, 1, ct);
            var me = user.UserId;
            var mine = me is { } id
                ? (await Reviews(ctx).Where(r => r.SkillId == skillId && r.UserId == id).ToListAsync(ct)).Select(View).FirstOrDefault()
                : null;
            var isMaker = me is not null && skill.OwnerId == me;
            var card = new SkillCard(skill.Id, version.Name, version.Icon, version.Description, version.DescriptionEn, version.Category,
                version.PricingType, version.Price, skill.RatingAvg, skill.RatingCount, skill.SubscriberCount, skill.CallCount, skill.PublishedAt, 0);
            return Result<SkillDetail>.Ok(new SkillDetail(card, version.Id, version.Version, version.InputSchema, version.OutputSchema,
                Examples(version.Examples), SkillPlans.For(version.PricingType), versions, ratingCounts, reviews, mine, isMaker,
                me is not null && !isMaker));
        }, ct);

    public Task<Result<ReviewPage>> ReviewsAsync(Guid skillId, int page, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            if (page < 1 || await PublishedAsync(ctx, skillId, ct) is null)
            {
                return Result<ReviewPage>.NotFound();
            }

            return Result<ReviewPage>.Ok(await ReviewPageAsync(ctx, skillId, page, ct));
        }, ct);

    private static Task<Skill?> PublishedAsync(StarStudioDbContext ctx, Guid skillId, CancellationToken ct) =>
        ctx.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Id == skillId && s.Status == SkillStatus.Published && s.PublishedVersionId != null, ct);

    private static async Task<ReviewPage> ReviewPageAsync(StarStudioDbContext ctx, Guid skillId, int page, CancellationToken ct)
    {
        var rows = await Reviews(ctx).Where(r => r.SkillId == skillId)
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip((page - 1) * ReviewRules.PageSize).Take(ReviewRules.PageSize + 1)
            .ToListAsync(ct);
        var more = rows.Count > ReviewRules.PageSize;
        return new ReviewPage(rows.Take(ReviewRules.PageSize).Select(View).ToList(), page, more);
    }

    /// <summary>Reviews with their author's display name (users are readable by the app role; only the name is taken).</summary>
    internal static IQueryable<ReviewRow> Reviews(StarStudioDbContext ctx) =>
        from r in ctx.SkillReviews.AsNoTracking()
        join u in ctx.Users on r.UserId equals u.Id
        select new ReviewRow
        {
            Id = r.Id, SkillId = r.SkillId, UserId = r.UserId, Author = u.DisplayName, Rating = r.Rating, Body = r.Body, MakerReply = r.MakerReply,
            RepliedAt = r.RepliedAt, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
        };

    internal static ReviewView View(ReviewRow r) =>
        new(r.Id, r.UserId, r.Author, r.Rating, r.Body, r.MakerReply, r.RepliedAt, r.CreatedAt, r.UpdatedAt);

    private static List<SkillExample> Examples(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var indented = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            return doc.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => new SkillExample(
                    e.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : "",
                    e.TryGetProperty("arguments", out var a) ? JsonSerializer.Serialize(a, indented) : "{}",
                    e.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>A review row with its author's name (a class with setters, so EF can still filter and order after the projection).</summary>
internal sealed class ReviewRow
{
    public Guid Id { get; init; }
    public Guid SkillId { get; init; }
    public Guid UserId { get; init; }
    public string Author { get; init; } = "";
    public int Rating { get; init; }
    public string Body { get; init; } = "";
    public string? MakerReply { get; init; }
    public DateTimeOffset? RepliedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
