namespace StarStudio.Core.Training;

/// <summary>Leases, re-drive and external-trainer timing of training jobs (configuration <c>StarStudio:Training:Jobs</c>).</summary>
public sealed class TrainingJobOptions
{
    public const string Section = "StarStudio:Training:Jobs";

    /// <summary>How long a run holds its job without renewing; a dead run's job is free again after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often a run renews its lease (a third of the lease).</summary>
    public TimeSpan RenewEvery => LeaseDuration / 3;

    /// <summary>How long after a job was queued the re-driver may queue it again when nobody holds it.</summary>
    public TimeSpan RedriveAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the re-driver looks for unfinished jobs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs that may die under one job before it is failed.</summary>
    public int MaxInterruptedRuns { get; set; } = 3;

    /// <summary>How often an external trainer's job is polled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request to an external trainer may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an external trainer may take in all, from the job's start, before the job fails as hung.</summary>
    public TimeSpan ExternalDeadline { get; set; } = TimeSpan.FromHours(12);
}
