namespace StarStudio.Core.Knowledge;

/// <summary>
/// How knowledge tasks survive a process that dies: the task row is the outbox (a pending task is work to do whether or not
/// its background job was ever saved), a run holds a lease it renews while it works, and a re-driver queues a job again for
/// every unfinished task that nobody holds. Bound from <c>StarStudio:Knowledge:Jobs</c>.
/// </summary>
public sealed class KnowledgeJobOptions
{
    public const string Section = "StarStudio:Knowledge:Jobs";

    /// <summary>How long a run holds its task without renewing; a dead run's task is free again after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long after a job was queued the re-driver may queue another one for a task nobody holds.</summary>
    public TimeSpan RedriveAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the re-driver looks for unfinished tasks.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs that may die under one task before it is failed (a document that kills its worker again and again).</summary>
    public int MaxInterruptedRuns { get; set; } = 3;

    /// <summary>How often a run renews its lease: a third of the lease, so two missed renewals still keep it.</summary>
    public TimeSpan RenewEvery => LeaseDuration / 3;
}

/// <summary>
/// When a claimed knowledge task is given up. The claim itself is one conditional UPDATE in the job (unfinished, lease
/// run out; a task still <c>processing</c> counts one more interrupted run), so that it is atomic across instances.
/// </summary>
public static class KnowledgeTaskRuns
{
    /// <summary>The error of a task given up after <see cref="KnowledgeJobOptions.MaxInterruptedRuns"/> interrupted runs.</summary>
    public const string InterruptedError = "Knowledge.Failed.Interrupted";

    /// <summary>Whether a claimed task with this many interrupted runs (this claim counted) is failed instead of run again.</summary>
    public static bool ShouldGiveUp(int interruptedRuns, int maxInterruptedRuns) => interruptedRuns >= maxInterruptedRuns;
}
