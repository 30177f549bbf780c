using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Arena.Admin;

/// <summary>What one run of the time job did.</summary>
public sealed record TrialClockRun(IReadOnlyList<Guid> Opened, IReadOnlyList<Guid> Finished, int Refused);

/// <summary>
/// The arena's time job (issue 11, item 1): opens auto-open drafts whose window has opened and finishes ongoing trials
/// past their end (which queues their scoring), by <see cref="ArenaAdminRules.DueMove"/>. It runs with nobody signed in,
/// so each move acts as the trial's creator through the same <see cref="ArenaAdminService"/> an admin uses (same
/// checks, same row lock, same single enqueue); if the creator is no longer an admin, as the longest-standing admin.
/// </summary>
public sealed class ArenaTrialClock(
    IDbContextFactory<StarStudioDbContext> factory, TimeProvider clock, ITrialScoringQueue scoring, ActingUser acting, ILogger<ArenaTrialClock> log)
{
    /// <summary>Most trials one run moves; the next run (a minute later) takes the rest.</summary>
    public const int BatchSize = 200;

    public async Task<TrialClockRun> RunAsync(CancellationToken ct = default)
    {
        var admins = await AdminsAsync(ct);
        if (admins.Count == 0)
        {
            // Drafts are visible to admins only and every move needs one: with no admin there is nothing the job may do.
            return new TrialClockRun([], [], 0);
        }

        var now = clock.GetUtcNow();
        var reader = new StarStudioDb(factory, new FixedCurrentUser(UserContext.For(admins[0], RoleNames.Admin)));
        var candidates = await reader.RunAsync((ctx, _) => ctx.StarTrials.AsNoTracking()
            .Where(t => (t.Status == TrialStatus.Draft && t.AutoOpen && t.OpensAt <= now && t.EndsAt > now)
                || (t.Status == TrialStatus.Ongoing && t.EndsAt <= now))
            .OrderBy(t => t.EndsAt).ThenBy(t => t.Id)
            .Take(BatchSize)
            .ToListAsync(ct), ct);

        var opened = new List<Guid>();
        var finished = new List<Guid>();
        var refused = 0;
        foreach (var trial in candidates)
        {
            var move = ArenaAdminRules.DueMove(trial, now);
            if (move == TrialMove.None)
            {
                continue;
            }

            var actor = UserContext.For(admins.Contains(trial.CreatedBy) ? trial.CreatedBy : admins[0], RoleNames.Admin);
            var service = new ArenaAdminService(new StarStudioDb(factory, new FixedCurrentUser(actor)), clock, scoring);
            Result<TrialAdminView> result;
            // The scope's acting user too, so that the scoring queue records who finished the trial (and scoring acts as them).
            acting.User = actor;
            try
            {
                result = move == TrialMove.Open ? await service.OpenAsync(trial.Id, ct) : await service.FinishNowAsync(trial.Id, ct);
            }
            finally
            {
                acting.User = null;
            }

            if (result.Succeeded)
            {
                (move == TrialMove.Open ? opened : finished).Add(trial.Id);
            }
            else
            {
                // An invalid auto-open draft (say, an empty prompt) stays a draft until an admin fixes it; a trial another
                // admin moved meanwhile is refused as no longer in that status, which is what should happen.
                refused++;
                log.LogWarning("Arena time job: cannot {Move} trial {TrialId}: {Reasons}", move, trial.Id,
                    string.Join(", ", result.Errors.Select(e => e.Field + " " + e.Code)));
            }
        }

        return new TrialClockRun(opened, finished, refused);
    }

    /// <summary>Every admin, longest-standing first (<c>user_roles</c> is readable by the app role; writes are not).</summary>
    private async Task<List<Guid>> AdminsAsync(CancellationToken ct)
    {
        await using var ctx = await factory.CreateDbContextAsync(ct);
        return await ctx.UserRoles.Join(ctx.Roles.Where(r => r.Name == RoleNames.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(ctx.Users, id => id, u => u.Id, (id, u) => new { id, u.CreatedAt })
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.id)
            .Select(a => a.id)
            .ToListAsync(ct);
    }
}
