namespace StarStudio.Core.Stars;

/// <summary>
/// The fields of a star that a persona version snapshots (issue 14): what a player's chat is built from. Changing any
/// of them makes a new version; changing anything else (avatar, status, RAG settings) does not.
/// </summary>
public sealed record PersonaSnapshot(
    string Name,
    string Domain,
    string Persona,
    string Tone,
    IReadOnlyList<string> Tags,
    string SystemPrompt,
    string Greeting,
    IReadOnlyList<string> AlternateGreetings,
    string ExampleDialogues,
    string Scenario,
    string CreatorNotes)
{
    /// <summary>Field names in the order the comparison shows them (also the resource key suffix: Versions.Field.X).</summary>
    public static readonly IReadOnlyList<string> FieldNames =
    [
        nameof(Name), nameof(Domain), nameof(Persona), nameof(Tone), nameof(Tags), nameof(SystemPrompt), nameof(Greeting),
        nameof(AlternateGreetings), nameof(ExampleDialogues), nameof(Scenario), nameof(CreatorNotes),
    ];

    /// <summary>A field's value as the diff compares it: lists one item per line (alternate greetings separated by a rule).</summary>
    public string Text(string field) => field switch
    {
        nameof(Name) => Name,
        nameof(Domain) => Domain,
        nameof(Persona) => Persona,
        nameof(Tone) => Tone,
        nameof(Tags) => string.Join("\n", Tags),
        nameof(SystemPrompt) => SystemPrompt,
        nameof(Greeting) => Greeting,
        nameof(AlternateGreetings) => string.Join("\n---\n", AlternateGreetings),
        nameof(ExampleDialogues) => ExampleDialogues,
        nameof(Scenario) => Scenario,
        nameof(CreatorNotes) => CreatorNotes,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>The snapshotted fields of a star's working copy.</summary>
    public static PersonaSnapshot Of(Star s) =>
        new(s.Name, s.Domain, s.Persona, s.Tone, s.Tags, s.SystemPrompt, s.Greeting, s.AlternateGreetings, s.ExampleDialogues, s.Scenario, s.CreatorNotes);

    /// <summary>The snapshotted fields of a version.</summary>
    public static PersonaSnapshot Of(StarPersonaVersion v) =>
        new(v.Name, v.Domain, v.Persona, v.Tone, v.Tags, v.SystemPrompt, v.Greeting, v.AlternateGreetings, v.ExampleDialogues, v.Scenario, v.CreatorNotes);

    /// <summary>The editor's draft with these fields (the version source and change log left to the caller).</summary>
    public StarDraft ToDraft() => new()
    {
        Name = Name,
        Domain = Domain,
        Persona = Persona,
        Tone = Tone,
        Tags = [.. Tags],
        SystemPrompt = SystemPrompt,
        Greeting = Greeting,
        AlternateGreetings = [.. AlternateGreetings],
        ExampleDialogues = ExampleDialogues,
        Scenario = Scenario,
        CreatorNotes = CreatorNotes,
    };

    /// <summary>Value equality over every field, lists by content (a record's generated equality compares list references).</summary>
    public bool SameAs(PersonaSnapshot other) => FieldNames.All(f => Text(f) == other.Text(f))
        && Tags.Count == other.Tags.Count && AlternateGreetings.Count == other.AlternateGreetings.Count;
}

/// <summary>One field of a version comparison.</summary>
public sealed record PersonaFieldDiff(string Field, bool Changed, IReadOnlyList<DiffRun> Runs);

/// <summary>A field-by-field comparison of two persona snapshots.</summary>
public sealed record PersonaComparison(IReadOnlyList<PersonaFieldDiff> Fields)
{
    /// <summary>Compares every snapshotted field; unchanged fields carry a single equal run.</summary>
    public static PersonaComparison Of(PersonaSnapshot older, PersonaSnapshot newer) => new(
        PersonaSnapshot.FieldNames.Select(f =>
        {
            var (a, b) = (older.Text(f), newer.Text(f));
            return new PersonaFieldDiff(f, a != b, PersonaDiff.Compute(a, b));
        }).ToList());

    /// <summary>The fields that differ.</summary>
    public IEnumerable<PersonaFieldDiff> Changed => Fields.Where(f => f.Changed);
}
