using Hangfire;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Arena.Scoring;
using StarStudio.Core.Common;

namespace StarStudio.Web.Arena;

/// <summary>
/// Hangfire's entry point for scoring a finished trial. It acts as the admin who finished it (the time job acts as the
/// trial's creator, or the longest-standing admin when the creator is no longer one): scoring reads every vote and books
/// rewards, which the policies allow admins only. A failed run is
/// kept with its reason and retried; a run that repeats books nothing twice.
/// </summary>
public sealed class TrialScoringJobRunner(ActingUser acting, ITrialScorer scorer, IArenaQueryService arena, ILogger<TrialScoringJobRunner> log)
{
    /// <param name="trialId">The finished trial.</param>
    /// <param name="actingUserId">The admin who finished it; null only for a job queued without one (the trial's creator acts).</param>
    /// <param name="cancellationToken">Hangfire's shutdown token.</param>
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid trialId, Guid? actingUserId, CancellationToken cancellationToken)
    {
        if (actingUserId is null)
        {
            // A finished trial is readable by anyone, so its creator can be looked up before acting as anyone.
            var trial = await arena.TrialAsync(trialId, cancellationToken);
            if (!trial.Succeeded)
            {
                throw new InvalidOperationException($"Scoring trial {trialId}: the trial cannot be read ({trial.Kind}).");
            }

            actingUserId = trial.Value!.Trial.CreatedBy;
        }

        acting.User = UserContext.For(actingUserId.Value);
        var result = await scorer.ScoreAsync(trialId, cancellationToken);
        if (!result.Succeeded)
        {
            // Shown in the jobs dashboard as the failure's reason.
            throw new InvalidOperationException(result.Kind switch
            {
                ResultKind.Forbidden => $"Scoring trial {trialId}: user {actingUserId} is not an admin (any more); an admin can re-run this job from the jobs dashboard after making them one, or finish the trial again.",
                ResultKind.NotFound => $"Scoring trial {trialId}: the trial does not exist.",
                _ => $"Scoring trial {trialId} was refused: {string.Join(", ", result.Errors.Select(e => e.Code))}",
            });
        }

        var run = result.Value!;
        log.LogInformation("Trial {TrialId} scored: {Entries} entries, {Votes} votes, {Rewards} rewards booked ({Points} points)",
            trialId, run.Entries, run.Votes, run.RewardsBooked, run.PointsBooked);
    }
}

/// <summary>Queues scoring on Hangfire as the signed-in admin who finished the trial (none for the time job).</summary>
internal sealed class HangfireTrialScoringQueue(IBackgroundJobClient client, ICurrentUser currentUser) : ITrialScoringQueue
{
    public async Task EnqueueAsync(Guid trialId, CancellationToken ct)
    {
        var user = await currentUser.GetAsync(ct);
        var actor = user.UserId;
        // Hangfire passes its shutdown token in place of CancellationToken.None.
        client.Enqueue<TrialScoringJobRunner>(r => r.RunAsync(trialId, actor, CancellationToken.None));
    }
}
