using Hangfire;
using StarStudio.Core.Arena.Scoring;
using StarStudio.Core.Common;

namespace StarStudio.Web.Arena;

/// <summary>
/// Hangfire's entry point for scoring a finished trial. It acts as the admin who finished it (or, for the time job, the
/// trial's creator): scoring reads every vote and books rewards, which the policies allow admins only. A failed run is
/// kept with its reason and retried; a run that repeats books nothing twice.
/// </summary>
public sealed class TrialScoringJobRunner(ActingUser acting, ITrialScorer scorer, ILogger<TrialScoringJobRunner> log)
{
    [AutomaticRetry(Attempts = 3)]
    [Queue("default")]
    public async Task RunAsync(Guid trialId, Guid actingUserId, CancellationToken cancellationToken)
    {
        acting.User = UserContext.For(actingUserId);
        var result = await scorer.ScoreAsync(trialId, cancellationToken);
        if (!result.Succeeded)
        {
            // Shown in the jobs dashboard as the failure's reason.
            throw new InvalidOperationException(result.Kind switch
            {
                ResultKind.Forbidden => $"Scoring trial {trialId}: user {actingUserId} is not an admin (any more); an admin must finish or re-score it.",
                ResultKind.NotFound => $"Scoring trial {trialId}: the trial does not exist.",
                _ => $"Scoring trial {trialId} was refused: {string.Join(", ", result.Errors.Select(e => e.Code))}",
            });
        }

        var run = result.Value!;
        log.LogInformation("Trial {TrialId} scored: {Entries} entries, {Votes} votes, {Rewards} rewards booked ({Points} points)",
            trialId, run.Entries, run.Votes, run.RewardsBooked, run.PointsBooked);
    }
}
