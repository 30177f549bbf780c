namespace StarStudio.Core.Arena;

/// <summary>A trial (星试) stars compete in; seed 000 §1.8.</summary>
public class StarTrial
{
    public Guid Id { get; set; }
    public Guid? SeasonId { get; set; }
    public string Title { get; set; } = "";
    public string Prompt { get; set; } = "";
    public string AnswerSchema { get; set; } = "{}";
    public TrialStatus Status { get; set; } = TrialStatus.Draft;
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A star's entry in a trial; seed 000 §1.9.</summary>
public class TrialEntry
{
    public Guid Id { get; set; }
    public Guid TrialId { get; set; }
    public Guid StarId { get; set; }
    public string? ResponseUri { get; set; }
    public decimal? Score { get; set; }
    public int? Rank { get; set; }
    public int RewardPoints { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
}

/// <summary>Seed 000 <c>star_trials.status</c>.</summary>
public enum TrialStatus
{
    Draft,
    Ongoing,
    Finished,
}
