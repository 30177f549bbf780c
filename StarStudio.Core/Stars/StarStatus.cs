namespace StarStudio.Core.Stars;

/// <summary>Seed 000 <c>stars.status</c>.</summary>
public enum StarStatus
{
    Active,
    Paused,
    Archived,
}
