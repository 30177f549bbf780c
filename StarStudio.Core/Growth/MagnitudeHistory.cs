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
