namespace StarStudio.Core.Knowledge.Semantic;

/// <summary>
/// How far the background semantic indexer is with a star's knowledge. <see cref="Indexed"/> chunks have a semantic
/// vector; <see cref="Pending"/> chunks of completed tasks have not been looked at yet (some of them may turn out not to
/// be English and get none).
/// </summary>
public sealed record SemanticIndexProgress(bool Enabled, int Indexed, int Pending)
{
    public static readonly SemanticIndexProgress Off = new(false, 0, 0);

    public int Total => Indexed + Pending;

    public bool Running => Enabled && Pending > 0;

    /// <summary>Percent done, 0–100.</summary>
    public int Percent => Total == 0 ? 100 : (int)(100L * Indexed / Total);
}

/// <summary>Reads the semantic indexer's progress for a star, as the current user (row-level security applies).</summary>
public interface ISemanticIndexStatus
{
    Task<SemanticIndexProgress> GetAsync(Guid starId, CancellationToken ct = default);
}
