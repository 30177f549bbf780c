namespace StarStudio.Core.Growth;

/// <summary>One evaluation of a star's magnitude (星等); seed 000 §1.7.</summary>
public class MagnitudeHistory
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public decimal Depth { get; set; }
    public decimal Originality { get; set; }
    public decimal Consistency { get; set; }
    public decimal Utility { get; set; }
    public decimal Overall { get; set; }
    public MagnitudeLevel Level { get; set; }
    public DateTimeOffset EvaluatedAt { get; set; }

    // Not in the seed (docs/magnitude.md): the measured signals behind the scores, what triggered the evaluation,
    // and the PDF report once one was made.

    /// <summary>The signals and evidence counts the scores were computed from (JSON).</summary>
    public string Evidence { get; set; } = "{}";
    /// <summary><c>nightly</c>, <c>on_demand</c> or <c>training</c>.</summary>
    public string Trigger { get; set; } = "nightly";
    /// <summary>Object URI of the 星等报告 PDF in <c>exports</c>, once made.</summary>
    public string? ReportUri { get; set; }
}

/// <summary>Seed 000 <c>magnitude_history.level</c>; labels are <c>L1</c>…<c>L5</c> as written.</summary>
public enum MagnitudeLevel
{
    L1,
    L2,
    L3,
    L4,
    L5,
}
