using StarStudio.Core.Common;

namespace StarStudio.Core.Arena.Scoring;

/// <summary>What one scoring run did.</summary>
/// <param name="Entries">Entries scored.</param>
/// <param name="Votes">Votes counted.</param>
/// <param name="RewardsBooked">Rewards booked by this run (0 on a re-run: the first run's bookings stand).</param>
/// <param name="PointsBooked">Points those bookings credited.</param>
public sealed record TrialScoringRun(int Entries, int Votes, int RewardsBooked, long PointsBooked);

/// <summary>
/// Scores a finished trial (issue 11 item 4): Bradley–Terry over its votes with bootstrap intervals and style control,
/// rubric means, the final score, ranks with ranges, rewards booked to each owner's wallet once (key
/// <c>trial:{trialId}:entry:{entryId}</c>), season and all-time rating snapshots. Re-runnable: a second run writes the
/// same results and books nothing. Acts as the current user, who must be an admin (the job acts as the trial's creator).
/// </summary>
public interface ITrialScorer
{
    Task<Result<TrialScoringRun>> ScoreAsync(Guid trialId, CancellationToken ct = default);
}
