using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.Core.Creation;

/// <summary>
/// The anchors of a creation session (seed 003's anchor pack, narrowed to a star): what the star is before any card is
/// drafted. Stored as <c>creation_agent_sessions.anchors</c> (snake_case JSON).
/// </summary>
public sealed class CreationAnchors
{
    public const int NameMax = 80;
    public const int DomainMax = 120;
    public const int PersonaMax = 2000;
    public const int ToneMax = 40;
    public const int AudienceMax = 200;
    public const int BoundariesMax = 2000;
    public const int SampleQuestionsMax = 10;
    public const int SampleQuestionMax = 300;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>星域: the field the star knows about.</summary>
    [JsonPropertyName("domain")]
    public string Domain { get; set; } = "";

    /// <summary>Who the star is, in a sentence or two (the persona card grows it into a paragraph).</summary>
    [JsonPropertyName("persona")]
    public string Persona { get; set; } = "";

    [JsonPropertyName("tone")]
    public string Tone { get; set; } = "";

    [JsonPropertyName("audience")]
    public string Audience { get; set; } = "";

    /// <summary>What the star will not do (advice it must not give, topics it declines).</summary>
    [JsonPropertyName("boundaries")]
    public string Boundaries { get; set; } = "";

    [JsonPropertyName("sample_questions")]
    public List<string> SampleQuestions { get; set; } = [];

    public CreationAnchors Clone() => new()
    {
        Name = Name,
        Domain = Domain,
        Persona = Persona,
        Tone = Tone,
        Audience = Audience,
        Boundaries = Boundaries,
        SampleQuestions = [.. SampleQuestions],
    };

    /// <summary>Trims every field and drops blank sample questions, the way they are stored.</summary>
    public CreationAnchors Normalized() => new()
    {
        Name = (Name ?? "").Trim(),
        Domain = (Domain ?? "").Trim(),
        Persona = (Persona ?? "").Trim(),
        Tone = (Tone ?? "").Trim(),
        Audience = (Audience ?? "").Trim(),
        Boundaries = (Boundaries ?? "").Trim(),
        SampleQuestions = (SampleQuestions ?? []).Select(q => (q ?? "").Trim()).Where(q => q.Length > 0).Distinct(StringComparer.Ordinal).ToList(),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the stored JSON; anything unreadable reads as empty anchors (the column defaults to <c>{}</c>).</summary>
    public static CreationAnchors FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new CreationAnchors();
        }

        try
        {
            return (JsonSerializer.Deserialize<CreationAnchors>(json, Json) ?? new CreationAnchors()).Normalized();
        }
        catch (JsonException)
        {
            return new CreationAnchors();
        }
    }
}

/// <summary>The four draft cards of a session (<c>creation_draft_cards.kind</c>), as text.</summary>
/// <param name="Persona">A paragraph: who the star is, what it knows, how it speaks, what it will not do.</param>
/// <param name="Greeting">The first message of a new chat.</param>
/// <param name="Examples">SillyTavern example dialogues: <c>&lt;START&gt;</c> blocks of <c>{{user}}:</c> / <c>{{char}}:</c> lines.</param>
/// <param name="KnowledgePlan">A checklist of what to upload to the star's knowledge base.</param>
public sealed record CreationDrafts(string Persona, string Greeting, string Examples, string KnowledgePlan)
{
    public static readonly CreationDrafts Empty = new("", "", "", "");

    public bool IsEmpty => Persona.Length == 0 && Greeting.Length == 0 && Examples.Length == 0 && KnowledgePlan.Length == 0;
}
