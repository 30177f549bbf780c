using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Recommendations;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Recommendations;

/// <summary>
/// Recommendations as the signed-in user, under row-level security: the user's own likes, chats and dismissals, the
/// precomputed neighbours of those stars, and candidates from the gallery's read model (only listed stars, which RLS
/// enforces too); what <see cref="Recommender"/> picks is checked once more against <c>stars</c> and logged.
/// </summary>
internal sealed class RecommendationService(StarStudioDb db, TimeProvider clock) : IRecommendationService
{
    /// <summary>Seeds per kind (newest first): enough for a taste, few enough to keep the neighbour lookup small.</summary>
    private const int SeedLimit = 50;
    private const int PopularLimit = 60;
    private const int PerDomainLimit = 20;
    private const int NewLimit = 24;

    public Task<IReadOnlyList<ShownRecommendation>> ShowAsync(int count, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<ShownRecommendation>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me || count <= 0)
            {
                return [];
            }

            var input = await LoadInputAsync(ctx, me, ct);
            var picked = Recommender.Recommend(input, count);
            if (picked.Count == 0)
            {
                return [];
            }

            // The read model follows the stars by trigger; the star itself is still the authority at show time.
            var ids = picked.Select(p => p.Star.StarId).ToList();
            var showable = (await ctx.Stars.AsNoTracking()
                .Where(s => ids.Contains(s.Id) && s.IsPublic && s.Status == StarStatus.Active && s.OwnerId != me)
                .Select(s => s.Id).ToListAsync(ct)).ToHashSet();
            picked = picked.Where(p => showable.Contains(p.Star.StarId)).ToList();

            var now = clock.GetUtcNow();
            var since = now - RecommendationLogRules.ReuseWindow;
            var recent = await ctx.Set<RecommendationLog>()
                .Where(l => l.UserId == me && l.CreatedAt >= since && l.UserAction == null && ids.Contains(l.ItemId))
                .OrderByDescending(l => l.CreatedAt)
                .ToListAsync(ct);
            var shown = new List<ShownRecommendation>();
            foreach (var p in picked)
            {
                var code = RecommendationReason.Store(p.Reason.Code);
                var log = recent.FirstOrDefault(l => l.ItemId == p.Star.StarId && l.ReasonCode == code && l.ReasonArgs.SequenceEqual(p.Reason.Args));
                if (log is null)
                {
                    log = new RecommendationLog
                    {
                        Id = Guid.NewGuid(),
                        UserId = me,
                        ItemId = p.Star.StarId,
                        AlgorithmType = p.Algorithm,
                        ConfidenceScore = Math.Clamp(p.Confidence, 0, 1),
                        ReasonCode = code,
                        ReasonArgs = [.. p.Reason.Args],
                        CreatedAt = now,
                    };
                    ctx.Add(log);
                }

                shown.Add(new ShownRecommendation(log.Id, p.Star.StarId, p.Star.Name, p.Star.Domain, HasAvatar(input, p.Star.StarId), p.Reason, p.Algorithm));
            }

            await ctx.SaveChangesAsync(ct);
            return shown;
        }, ct);

    public Task<Result<Guid>> ClickAsync(Guid logId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<Guid>.Forbidden();
            }

            var log = await ctx.Set<RecommendationLog>().FirstOrDefaultAsync(l => l.Id == logId && l.UserId == me, ct);
            if (log is null)
            {
                return Result<Guid>.NotFound();
            }

            var now = clock.GetUtcNow();
            log.ClickedAt ??= now;
            if (log.UserAction is null or "clicked")
            {
                log.UserAction = RecommendationLogRules.Store(RecommendationAction.Clicked);
                log.FeedbackTime = now;
            }

            await ctx.SaveChangesAsync(ct);
            // The click is recorded either way (the admin page counts what players did); whether the star can still be
            // opened is the star's own rule, which RLS applies: a star made private or archived since is not visible.
            var open = await ctx.Stars.AsNoTracking().AnyAsync(s => s.Id == log.ItemId && s.IsPublic && s.Status == StarStatus.Active, ct);
            return open ? Result<Guid>.Ok(log.ItemId) : Result<Guid>.Invalid("Star", "Recs.Click.Unavailable");
        }, ct);

    public Task<Result<bool>> DismissAsync(Guid logId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<bool>.Forbidden();
            }

            var log = await ctx.Set<RecommendationLog>().FirstOrDefaultAsync(l => l.Id == logId && l.UserId == me, ct);
            if (log is null)
            {
                return Result<bool>.NotFound();
            }

            var now = clock.GetUtcNow();
            log.DismissedAt ??= now;
            log.UserAction = RecommendationLogRules.Store(RecommendationAction.Dismissed);
            log.FeedbackTime = now;
            await ctx.SaveChangesAsync(ct);
            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<IReadOnlyList<RecommendationReasonStats>>> StatsAsync(DateOnly from, DateOnly to, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<RecommendationReasonStats>>.Forbidden();
            }

            if (to < from)
            {
                return Result<IReadOnlyList<RecommendationReasonStats>>.Invalid("To", "Recs.Admin.Range.Reversed");
            }

            // Npgsql writes timestamptz parameters in UTC only.
            var start = BeijingTime.StartOf(from).ToUniversalTime();
            var end = BeijingTime.StartOf(to.AddDays(1)).ToUniversalTime();
            var rows = await ctx.Set<RecommendationLog>().AsNoTracking()
                .Where(l => l.CreatedAt >= start && l.CreatedAt < end)
                .GroupBy(l => l.ReasonCode)
                .Select(g => new
                {
                    Code = g.Key,
                    Shown = g.Count(),
                    Clicked = g.Count(l => l.ClickedAt != null),
                    Liked = g.Count(l => l.LikedAt != null),
                    Dismissed = g.Count(l => l.DismissedAt != null),
                })
                .ToListAsync(ct);
            IReadOnlyList<RecommendationReasonStats> stats = rows
                .Select(r => new RecommendationReasonStats(r.Code, r.Shown, r.Clicked, r.Liked, r.Dismissed))
                .OrderByDescending(r => r.Shown).ThenBy(r => r.ReasonCode, StringComparer.Ordinal)
                .ToList();
            return Result<IReadOnlyList<RecommendationReasonStats>>.Ok(stats);
        }, ct);

    private static bool HasAvatar(RecommendationInput input, Guid starId) =>
        input.Candidates is CandidateRows rows && rows.HasAvatar(starId);

    private static async Task<RecommendationInput> LoadInputAsync(StarStudioDbContext ctx, Guid me, CancellationToken ct)
    {
        // Seeds: the user's own likes and chats (RLS: own rows), named through the read model (RLS: listed stars only, so
        // a liked star made private since seeds nothing).
        var liked = await ctx.Database.SqlQuery<SeedRow>($"""
            SELECT g.star_id, g.name, g.domain
            FROM star_likes l JOIN star_gallery_stats g ON g.star_id = l.star_id
            WHERE l.user_id = {me} AND g.listed
            ORDER BY l.created_at DESC LIMIT {SeedLimit}
            """).ToListAsync(ct);
        var chatted = await ctx.Database.SqlQuery<SeedRow>($"""
            SELECT g.star_id, g.name, g.domain
            FROM user_browse_history h JOIN star_gallery_stats g ON g.star_id = h.star_id
            WHERE h.user_id = {me} AND g.listed
            ORDER BY h.last_chatted_at DESC LIMIT {SeedLimit}
            """).ToListAsync(ct);
        var dismissed = (await ctx.Set<RecommendationLog>().AsNoTracking()
            .Where(l => l.UserId == me && l.DismissedAt != null)
            .Select(l => l.ItemId).Distinct().ToListAsync(ct)).ToHashSet();

        var seedIds = liked.Select(s => s.StarId).Concat(chatted.Select(s => s.StarId)).Distinct().ToList();
        var neighbours = seedIds.Count == 0
            ? []
            : await ctx.Set<StarSimilarity>().AsNoTracking()
                .Where(s => seedIds.Contains(s.StarId))
                .Select(s => new SimilarPair(s.StarId, s.SimilarStarId, s.Score, s.Support))
                .ToListAsync(ct);
        var domains = liked.Select(s => s.Domain).Concat(chatted.Select(s => s.Domain)).Distinct().Take(Recommender.TopDomains * 4).ToArray();
        var neighbourIds = neighbours.Select(n => n.SimilarStarId).Distinct().ToArray();

        // Candidates: the neighbours, the hottest overall and per seed domain, the newest. Listed only, and only what the
        // viewer's content filter shows (docs/preferences.md).
        var candidates = await ctx.Database.SqlQuery<CandidateRow>($"""
            SELECT star_id, name, domain, owner_id, listed, star_created_at, heat, has_avatar FROM star_gallery_stats WHERE listed AND content_rank <= (SELECT app_content_max_rank()) AND star_id = ANY ({neighbourIds})
            UNION
            (SELECT star_id, name, domain, owner_id, listed, star_created_at, heat, has_avatar FROM star_gallery_stats WHERE listed AND content_rank <= (SELECT app_content_max_rank()) AND heat > 0 ORDER BY heat DESC, star_id LIMIT {PopularLimit})
            UNION
            SELECT star_id, name, domain, owner_id, listed, star_created_at, heat, has_avatar FROM (
                SELECT g.*, row_number() OVER (PARTITION BY g.domain ORDER BY g.heat DESC, g.star_id) AS rn
                FROM star_gallery_stats g WHERE g.listed AND g.content_rank <= (SELECT app_content_max_rank()) AND g.heat > 0 AND g.domain = ANY ({domains})) d WHERE rn <= {PerDomainLimit}
            UNION
            (SELECT star_id, name, domain, owner_id, listed, star_created_at, heat, has_avatar FROM star_gallery_stats WHERE listed AND content_rank <= (SELECT app_content_max_rank()) ORDER BY star_created_at DESC, star_id LIMIT {NewLimit})
            """).ToListAsync(ct);

        return new RecommendationInput(
            me,
            liked.Select(s => new SeedStar(s.StarId, s.Name, s.Domain)).ToList(),
            chatted.Select(s => new SeedStar(s.StarId, s.Name, s.Domain)).ToList(),
            dismissed,
            neighbours,
            new CandidateRows(candidates));
    }

    private sealed record SeedRow(Guid StarId, string Name, string Domain);

    private sealed record CandidateRow(Guid StarId, string Name, string Domain, Guid OwnerId, bool Listed, DateTimeOffset StarCreatedAt, double Heat, bool HasAvatar);

    /// <summary>The candidates as the recommender sees them, keeping the avatar flag for the strip.</summary>
    private sealed class CandidateRows(IReadOnlyList<CandidateRow> rows) : IReadOnlyCollection<CandidateStar>
    {
        private readonly List<CandidateStar> stars = rows.Select(r => new CandidateStar(r.StarId, r.Name, r.Domain, r.OwnerId, r.Listed, r.Listed, r.StarCreatedAt, r.Heat)).ToList();
        private readonly HashSet<Guid> withAvatar = rows.Where(r => r.HasAvatar).Select(r => r.StarId).ToHashSet();

        public bool HasAvatar(Guid id) => withAvatar.Contains(id);

        public int Count => stars.Count;

        public IEnumerator<CandidateStar> GetEnumerator() => stars.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
