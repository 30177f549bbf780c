namespace StarStudio.Core.Market.Maker;

/// <summary>One field a pending version changes against the published one, as text for the reviewer.</summary>
public sealed record SkillFieldChange(string Field, string? Before, string? After);

/// <summary>What a pending version changes against the skill's last published version: the fields a reviewer must look at.</summary>
public static class SkillVersionDiff
{
    /// <summary>The fields compared, in the order the review page lists them.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "Name", "Description", "DescriptionEn", "Category", "Icon", "ApiEndpoint", "InputSchema", "OutputSchema", "PricingType", "Price", "Examples",
    ];

    /// <summary>
    /// The changed fields; against no published version (a first submission) every non-empty field is a change. JSON
    /// fields are compared as written after trimming, so a reformatted schema shows as changed (the reviewer sees both).
    /// </summary>
    public static IReadOnlyList<SkillFieldChange> Between(SkillVersion? published, SkillVersion pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var changes = new List<SkillFieldChange>();
        foreach (var field in Fields)
        {
            var after = Value(pending, field);
            var before = published is null ? null : Value(published, field);
            if (!string.Equals(Norm(before), Norm(after), StringComparison.Ordinal) && !(published is null && string.IsNullOrEmpty(Norm(after))))
            {
                changes.Add(new SkillFieldChange(field, before, after));
            }
        }

        return changes;
    }

    private static string? Norm(string? s) => s?.Trim();

    private static string? Value(SkillVersion v, string field) => field switch
    {
        "Name" => v.Name,
        "Description" => v.Description,
        "DescriptionEn" => v.DescriptionEn,
        "Category" => v.Category,
        "Icon" => v.Icon,
        "ApiEndpoint" => v.ApiEndpoint,
        "InputSchema" => v.InputSchema,
        "OutputSchema" => v.OutputSchema,
        "PricingType" => v.PricingType.ToString(),
        "Price" => v.Price.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
        "Examples" => v.Examples,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
