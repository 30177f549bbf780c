using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Explore;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Explore;

/// <summary>Plays and "recently chatted" through <c>star_play_record</c> (definer, migration <c>Explore</c>).</summary>
internal sealed class StarPlayRecorder(StarStudioDb db, TimeProvider clock) : IStarPlayRecorder
{
    public Task<bool> RecordAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is null)
            {
                return false;
            }

            var at = clock.GetUtcNow();
            return await ctx.Database.SqlQuery<bool>($"SELECT star_play_record({starId}, {at}) AS \"Value\"").SingleAsync(ct);
        }, ct);
}
