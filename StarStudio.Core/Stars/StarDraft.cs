namespace StarStudio.Core.Stars;

/// <summary>What a star owner types into the star editor; validated by <see cref="StarRules"/>.</summary>
public sealed class StarDraft
{
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Persona { get; set; } = "";
    public string Tone { get; set; } = "";
    public List<string> Tags { get; set; } = [];

    public static StarDraft From(Star star) => new()
    {
        Name = star.Name,
        Domain = star.Domain,
        Persona = star.Persona,
        Tone = star.Tone,
        Tags = [.. star.Tags],
    };
}
