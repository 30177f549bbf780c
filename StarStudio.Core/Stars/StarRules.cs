using System.Text;
using StarStudio.Core.Common;

namespace StarStudio.Core.Stars;

/// <summary>The domain rules of a star: field limits (seed 000 column sizes), tags and status moves.</summary>
public static class StarRules
{
    public const int NameMax = 80;
    public const int DomainMax = 120;
    public const int ToneMax = 40;
    public const int PersonaMax = 8000;
    public const int TagMax = 24;
    public const int TagsMax = 10;
    public const int SystemPromptMax = 8000;
    public const int GreetingMax = 4000;
    public const int AlternateGreetingsMax = 10;
    public const int ExampleDialoguesMax = 8000;
    public const int ScenarioMax = 4000;
    public const int CreatorNotesMax = 4000;
    public const int ChangeLogMax = 500;

    /// <summary>Trims and de-duplicates tags the way they will be stored.</summary>
    public static List<string> NormalizeTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>Parses a comma, 、 or ， separated tag line as a user types it.</summary>
    public static List<string> ParseTags(string? line) =>
        NormalizeTags((line ?? "").Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Validates a draft; returns every field error at once so the form can show them all.</summary>
    public static IReadOnlyList<FieldError> Validate(StarDraft draft)
    {
        var errors = new List<FieldError>();
        Required(errors, nameof(StarDraft.Name), draft.Name, NameMax, "Star.Name");
        Required(errors, nameof(StarDraft.Domain), draft.Domain, DomainMax, "Star.Domain");
        Required(errors, nameof(StarDraft.Persona), draft.Persona, PersonaMax, "Star.Persona");
        if (Length(draft.Tone) > ToneMax)
        {
            errors.Add(new FieldError(nameof(StarDraft.Tone), "Star.Tone.TooLong", ToneMax));
        }

        var tags = NormalizeTags(draft.Tags);
        if (tags.Count > TagsMax)
        {
            errors.Add(new FieldError(nameof(StarDraft.Tags), "Star.Tags.TooMany", TagsMax));
        }
        else if (tags.FirstOrDefault(t => Length(t) > TagMax) is { } longTag)
        {
            errors.Add(new FieldError(nameof(StarDraft.Tags), "Star.Tags.TooLong", TagMax, longTag));
        }

        Optional(errors, nameof(StarDraft.SystemPrompt), draft.SystemPrompt, SystemPromptMax);
        Optional(errors, nameof(StarDraft.Greeting), draft.Greeting, GreetingMax);
        Optional(errors, nameof(StarDraft.ExampleDialogues), draft.ExampleDialogues, ExampleDialoguesMax);
        Optional(errors, nameof(StarDraft.Scenario), draft.Scenario, ScenarioMax);
        Optional(errors, nameof(StarDraft.CreatorNotes), draft.CreatorNotes, CreatorNotesMax);
        Optional(errors, nameof(StarDraft.ChangeLog), draft.ChangeLog, ChangeLogMax);
        var greetings = NormalizeGreetings(draft.AlternateGreetings);
        if (greetings.Count > AlternateGreetingsMax)
        {
            errors.Add(new FieldError(nameof(StarDraft.AlternateGreetings), "Star.AlternateGreetings.TooMany", AlternateGreetingsMax));
        }
        else if (greetings.Any(g => Length(g) > GreetingMax))
        {
            errors.Add(new FieldError(nameof(StarDraft.AlternateGreetings), "Star.Field.TooLong", GreetingMax));
        }

        return errors;
    }

    /// <summary>Whether an owner may move a star from one status to another.</summary>
    /// <remarks>Archived stars come back only as paused, so a restored star never goes live by accident.</remarks>
    public static bool CanMove(StarStatus from, StarStatus to) => (from, to) switch
    {
        _ when from == to => false,
        (StarStatus.Active, StarStatus.Paused) => true,
        (StarStatus.Paused, StarStatus.Active) => true,
        (StarStatus.Active or StarStatus.Paused, StarStatus.Archived) => true,
        (StarStatus.Archived, StarStatus.Paused) => true,
        _ => false,
    };

    /// <summary>Length as PostgreSQL's <c>varchar(n)</c> counts it: in characters (code points), not UTF-16 units.</summary>
    public static int Length(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>Alternate greetings as stored: trimmed, empty ones dropped, order kept.</summary>
    public static List<string> NormalizeGreetings(IEnumerable<string>? greetings) =>
        (greetings ?? []).Select(g => (g ?? "").Trim()).Where(g => g.Length > 0).ToList();

    private static void Optional(List<FieldError> errors, string field, string? value, int max)
    {
        if (Length(value?.Trim()) > max)
        {
            errors.Add(new FieldError(field, "Star.Field.TooLong", max));
        }
    }

    private static void Required(List<FieldError> errors, string field, string? value, int max, string prefix)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            errors.Add(new FieldError(field, prefix + ".Required"));
        }
        else if (Length(trimmed) > max)
        {
            errors.Add(new FieldError(field, prefix + ".TooLong", max));
        }
    }
}
