using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Explore;

/// <summary>
/// <see cref="IGalleryService"/> over PostgreSQL as the current user (signed in or not). Pages and facets come from
/// definer functions that return listed stars only; profiles and history read through row-level security.
/// </summary>
internal sealed class GalleryService(StarStudioDb db) : IGalleryService
{
    /// <summary>Most 星域 and tags offered as filters.</summary>
    public const int FacetLimit = 30;

    public async Task<Result<GalleryPage>> SearchAsync(GalleryQuery query, CancellationToken ct = default)
    {
        var normalized = query.Normalize();
        if (!normalized.Succeeded)
        {
            return Result<GalleryPage>.Invalid(normalized.Errors);
        }

        var q = normalized.Value!;
        var words = GallerySql.Words(q.Text);
        if (q.Text is not null && words.Count == 0)
        {
            // Only punctuation or symbols: nothing to search for, which matches nothing (not everything).
            return Result<GalleryPage>.Ok(new GalleryPage([], q.Page, false, NoSearchableWords: true));
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            var (items, more) = await GallerySql.PageAsync(ctx, q, words, ct);
            var liked = await LikedAsync(ctx, user.UserId, items.Select(i => i.StarId).ToList(), ct);
            return Result<GalleryPage>.Ok(new GalleryPage(items.Select(i => i with { LikedByMe = liked.Contains(i.StarId) }).ToList(), q.Page, more));
        }, ct);
    }

    public Task<GalleryFacets> FacetsAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, _) =>
        {
            var rows = await ctx.Database
                .SqlQuery<FacetRow>($"SELECT kind, value, stars FROM star_gallery_facets({FacetLimit})")
                .ToListAsync(ct);
            return new GalleryFacets(
                rows.Where(r => r.Kind == "domain").Select(r => new FacetValue(r.Value, r.Stars)).ToList(),
                rows.Where(r => r.Kind == "tag").Select(r => new FacetValue(r.Value, r.Stars)).ToList());
        }, ct);

    public Task<Result<StarProfile>> ProfileAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            // Readable when listed, or by the owner (and admins): row-level security decides.
            var stats = await ctx.Set<StarGalleryStats>().AsNoTracking().FirstOrDefaultAsync(g => g.StarId == starId, ct);
            var me = user.UserId;
            var isOwner = stats is not null && me is not null && stats.OwnerId == me;
            if (stats is null || !(stats.Listed || isOwner))
            {
                return Result<StarProfile>.NotFound();
            }

            // The viewer's content filter (docs/preferences.md): a star above it is not shown, and the page says why.
            if (!isOwner && !user.IsAdmin && stats.ContentRank > await ContentMaxRankAsync(ctx, ct))
            {
                return Result<StarProfile>.Invalid("StarId", "ContentFilter.Profile.Hidden");
            }

            // What players get (docs/persona-versions.md): the approved public version's greeting and dialogues.
            var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId)
                .Select(s => new { s.Greeting, s.ExampleDialogues, s.PublicVersionId, s.PersonaVersionId }).FirstOrDefaultAsync(ct);
            var greeting = star?.Greeting ?? "";
            var dialogues = star?.ExampleDialogues ?? "";
            var versionId = isOwner ? star?.PersonaVersionId : star?.PublicVersionId ?? star?.PersonaVersionId;
            if (versionId is { } vid
                && await ctx.StarPersonaVersions.AsNoTracking().Where(v => v.Id == vid)
                    .Select(v => new { v.Greeting, v.ExampleDialogues }).FirstOrDefaultAsync(ct) is { } version)
            {
                greeting = version.Greeting;
                dialogues = version.ExampleDialogues;
            }

            var likers = await ctx.Database
                .SqlQuery<string>($"SELECT display_name AS \"Value\" FROM star_recent_likers({starId}, {5})")
                .ToListAsync(ct);
            var liked = await LikedAsync(ctx, me, [starId], ct);
            var card = Card(stats, liked.Contains(starId));
            return Result<StarProfile>.Ok(new StarProfile(card, greeting, StarProfileRules.SampleQuestions(dialogues), stats.Plays7d, likers, isOwner, stats.Listed));
        }, ct);

    public async Task<IReadOnlyList<RecentlyChatted>> RecentlyChattedAsync(int take, CancellationToken ct = default)
    {
        take = Math.Clamp(take, 1, 24);
        return await db.RunAsync<IReadOnlyList<RecentlyChatted>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            // Own history only (RLS); a star made private since drops out (its read-model row is no longer readable), and so
            // does one above the viewer's content filter.
            var max = await ContentMaxRankAsync(ctx, ct);
            var rows = await (
                    from h in ctx.Set<UserBrowseHistory>().AsNoTracking()
                    join g in ctx.Set<StarGalleryStats>().AsNoTracking() on h.StarId equals g.StarId
                    where h.UserId == me && (g.Listed || g.OwnerId == me) && (g.ContentRank <= max || g.OwnerId == me)
                    orderby h.LastChattedAt descending, h.StarId
                    select new { g, h.LastChattedAt })
                .Take(take)
                .ToListAsync(ct);
            var liked = await LikedAsync(ctx, me, rows.Select(r => r.g.StarId).ToList(), ct);
            return rows.Select(r => new RecentlyChatted(Card(r.g, liked.Contains(r.g.StarId)), r.LastChattedAt)).ToList();
        }, ct);
    }

    private static GalleryCard Card(StarGalleryStats g, bool liked) =>
        new(g.StarId, g.Name, g.Domain, g.Tone, g.Tags, g.HasAvatar, g.MagnitudeLevel, g.LikeCount, g.PlayCount, g.Heat, g.StarCreatedAt, liked);

    private static async Task<HashSet<Guid>> LikedAsync(StarStudioDbContext ctx, Guid? me, List<Guid> starIds, CancellationToken ct)
    {
        if (me is not { } userId || starIds.Count == 0)
        {
            return [];
        }

        return (await ctx.Set<StarLike>().AsNoTracking().Where(l => l.UserId == userId && starIds.Contains(l.StarId))
            .Select(l => l.StarId).ToListAsync(ct)).ToHashSet();
    }

    /// <summary>The highest content rank the current viewer is shown (<c>app_content_max_rank()</c>: their level, or mild).</summary>
    internal static async Task<short> ContentMaxRankAsync(StarStudioDbContext ctx, CancellationToken ct) =>
        (await ctx.Database.SqlQuery<short>($"SELECT app_content_max_rank() AS \"Value\"").ToListAsync(ct)).Single();

    private sealed record FacetRow(string Kind, string Value, long Stars);
}
