namespace StarStudio.Core.Arena;

/// <summary>Where a trial stands at a moment, from its status and window.</summary>
public enum TrialPhase
{
    /// <summary>Being written by admins; nobody else sees it.</summary>
    Draft,

    /// <summary>Published, its window not open yet.</summary>
    Upcoming,

    /// <summary>Stars enter (OpensAt ≤ now &lt; SubmitUntil).</summary>
    Submissions,

    /// <summary>Entries are shown; judges score and players vote in blind battles (SubmitUntil ≤ now &lt; EndsAt).</summary>
    Judging,

    /// <summary>Past its end but not finished yet (the job finishes it within a minute).</summary>
    Closing,

    /// <summary>Finished: scored (or being scored), ranks and rewards.</summary>
    Finished,
}

/// <summary>The trial's phase rule, one place for every service and page.</summary>
public static class TrialPhases
{
    public static TrialPhase Of(StarTrial trial, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.Status switch
        {
            TrialStatus.Draft => TrialPhase.Draft,
            TrialStatus.Finished => TrialPhase.Finished,
            _ when now < trial.OpensAt => TrialPhase.Upcoming,
            _ when now < trial.SubmitUntil => TrialPhase.Submissions,
            _ when now < trial.EndsAt => TrialPhase.Judging,
            _ => TrialPhase.Closing,
        };
    }

    /// <summary>Whether entries (and their answers) may be shown to everyone: the submission window has closed.</summary>
    public static bool EntriesPublic(StarTrial trial, DateTimeOffset now) =>
        Of(trial, now) is TrialPhase.Judging or TrialPhase.Closing or TrialPhase.Finished;
}
