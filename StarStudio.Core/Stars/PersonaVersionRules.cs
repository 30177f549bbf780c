namespace StarStudio.Core.Stars;

/// <summary>When a save makes a new persona version, and how versions are numbered (docs/persona-versions.md).</summary>
public static class PersonaVersionRules
{
    /// <summary>
    /// A save makes a new version only when a snapshotted field changed (or when the star has none yet): renaming a
    /// tag's case, re-saving an unchanged form or changing the avatar leaves the version list alone.
    /// </summary>
    public static bool NeedsNewVersion(PersonaSnapshot? latest, PersonaSnapshot current) =>
        latest is null || !latest.SameAs(current);

    /// <summary>Versions count 1, 2, 3 … per star; a rollback takes the next number too (it is a new version).</summary>
    public static int NextNumber(int? latestNumber) => (latestNumber ?? 0) + 1;
}

/// <summary>Limits of the publish review.</summary>
public static class StarReviewLimits
{
    /// <summary>The longest reject reason (what an owner reads, not an essay).</summary>
    public const int ReasonMax = 500;
}
