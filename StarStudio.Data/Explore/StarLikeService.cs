using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Explore;

/// <summary>
/// Likes through <c>star_like_set</c> (definer, migration <c>Explore</c>): the row is unique per user and star, and the
/// counter moves in a trigger under the read-model row's lock, so concurrent clicks never count twice.
/// </summary>
internal sealed class StarLikeService(StarStudioDb db) : IStarLikeService
{
    public Task<Result<LikeState>> SetAsync(Guid starId, bool like, CancellationToken ct = default) => RunAsync(starId, like, ct);

    public Task<Result<LikeState>> ToggleAsync(Guid starId, CancellationToken ct = default) => RunAsync(starId, null, ct);

    private Task<Result<LikeState>> RunAsync(Guid starId, bool? like, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is null)
            {
                return Result<LikeState>.Forbidden();
            }

            var rows = like is { } set
                ? ctx.Database.SqlQuery<LikeRow>($"SELECT outcome, liked, like_count FROM star_like_set({starId}, {set})")
                : ctx.Database.SqlQuery<LikeRow>($"SELECT outcome, liked, like_count FROM star_like_set({starId}, NULL::boolean)");
            var row = await rows.SingleAsync(ct);
            return row.Outcome switch
            {
                "ok" => Result<LikeState>.Ok(new LikeState(row.Liked, row.LikeCount)),
                "not_public" => Result<LikeState>.Invalid("Star", "Explore.Like.NotPublic"),
                "signed_out" => Result<LikeState>.Forbidden(),
                _ => Result<LikeState>.NotFound(),
            };
        }, ct);

    private sealed record LikeRow(string Outcome, bool Liked, int LikeCount);
}
