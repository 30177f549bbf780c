namespace StarStudio.Core.Stars;

/// <summary>What a star owner types into the star editor; validated by <see cref="StarRules"/>.</summary>
public sealed class StarDraft
{
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Persona { get; set; } = "";
    public string Tone { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public string SystemPrompt { get; set; } = "";
    public string Greeting { get; set; } = "";
    public List<string> AlternateGreetings { get; set; } = [];
    public string ExampleDialogues { get; set; } = "";
    public string Scenario { get; set; } = "";
    public string CreatorNotes { get; set; } = "";

    /// <summary>How the persona version this save makes came about; null: create for a new star, edit otherwise.</summary>
    public PersonaVersionSource? VersionSource { get; set; }

    /// <summary>The owner's note on what changed, kept with the version.</summary>
    public string ChangeLog { get; set; } = "";

    public static StarDraft From(Star star) => PersonaSnapshot.Of(star).ToDraft();
}
