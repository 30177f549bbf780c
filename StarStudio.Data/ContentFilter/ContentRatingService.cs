using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.ContentFilter;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.ContentFilter;

/// <summary>
/// <see cref="IContentRatingService"/>: the owner (or an admin) sets a star's rating; an admin sets a floor, audited in
/// the same transaction. The read model follows through the stars trigger (<c>star_gallery_refresh</c>).
/// </summary>
internal sealed class ContentRatingService(StarStudioDb db, IClientAddress? clientAddress = null) : IContentRatingService
{
    public Task<Result<StarContentRating>> GetAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) => await ReadAsync(ctx, user, starId, ct) is { } r ? Result<StarContentRating>.Ok(r) : Result<StarContentRating>.NotFound(), ct);

    public Task<Result<StarContentRating>> SetAsync(Guid starId, string rating, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (await ReadAsync(ctx, user, starId, ct) is not { } current)
            {
                return Result<StarContentRating>.NotFound();
            }

            if (ContentRatings.Validate(rating, "ContentRating") is { } error)
            {
                return Result<StarContentRating>.Invalid([error]);
            }

            // Below an admin's floor is refused with a reason rather than silently raised.
            if (current.AdminFloor is { } floor && ContentRatings.Rank(rating) < ContentRatings.Rank(floor))
            {
                return Result<StarContentRating>.Invalid("ContentRating", "ContentFilter.Rating.BelowFloor", floor);
            }

            await ctx.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ContentRating, rating), ct);
            return Result<StarContentRating>.Ok((await ReadAsync(ctx, user, starId, ct))!);
        }, ct);

    public Task<Result<StarContentRating>> SetAdminFloorAsync(Guid starId, string? floor, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<StarContentRating>.Forbidden();
            }

            if (await ReadAsync(ctx, user, starId, ct) is not { } current)
            {
                return Result<StarContentRating>.NotFound();
            }

            if (floor is not null && ContentRatings.Validate(floor, "AdminFloor") is { } error)
            {
                return Result<StarContentRating>.Invalid([error]);
            }

            await ctx.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.AdminContentRating, floor), ct);
            var name = await ctx.Stars.Where(s => s.Id == starId).Select(s => s.Name).FirstAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(AuditActions.ContentRatingFloorSet, "star", starId.ToString(), name,
                Before: new { floor = current.AdminFloor, effective = current.Effective }, After: new { floor }), clientAddress?.Get(), ct);
            return Result<StarContentRating>.Ok((await ReadAsync(ctx, user, starId, ct))!);
        }, ct);

    private static async Task<StarContentRating?> ReadAsync(StarStudioDbContext ctx, UserContext user, Guid starId, CancellationToken ct)
    {
        if (user.UserId is not { } me)
        {
            return null;
        }

        var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId)
            .Select(s => new { s.OwnerId, s.ContentRating, s.AdminContentRating, s.Tags }).FirstOrDefaultAsync(ct);
        if (star is null || (star.OwnerId != me && !user.IsAdmin))
        {
            return null;
        }

        var effective = ContentRatings.Effective(star.ContentRating, star.AdminContentRating, star.Tags);
        var byTag = ContentRatings.Effective(null, null, star.Tags) == ContentRatings.Adult;
        return new StarContentRating(starId, star.ContentRating, star.AdminContentRating, effective, byTag);
    }
}
