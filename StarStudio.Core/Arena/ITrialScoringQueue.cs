namespace StarStudio.Core.Arena;

/// <summary>
/// Queues the scoring of a finished trial (implemented by the scoring job). Called once per finish: by an admin's
/// "finish now" or by the time job, after the transaction that moved the trial to <c>finished</c> has committed.
/// </summary>
public interface ITrialScoringQueue
{
    Task EnqueueAsync(Guid trialId, CancellationToken ct);
}
