using System.Text.Json;
using System.Text.Json.Serialization;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Creation;

/// <summary>How much a finding matters: a blocking one keeps the publish gate closed, a warning only advises.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    Blocking,
    Warning,
}

/// <summary>A quality finding on a session's anchors and drafts.</summary>
/// <param name="Code">Stable code (snake_case), e.g. <c>missing_boundaries</c>.</param>
/// <param name="Field">The anchor or card it is about: name, domain, persona, tone, audience, boundaries, sample_questions, greeting, examples.</param>
/// <param name="ResourceKey">The <c>Creation.Finding.*</c> key the UI shows, formatted with <paramref name="Args"/>.</param>
public sealed record CreationFinding(string Code, FindingSeverity Severity, string Field, string ResourceKey, IReadOnlyList<string> Args)
{
    public bool IsBlocking => Severity == FindingSeverity.Blocking;
}

/// <summary>
/// The quality rules of the creation assistant (docs/creation-assistant.md). Pure: the same anchors and drafts always
/// give the same findings, in a fixed order; they are recomputed on every change and stored as JSON.
/// </summary>
public static class CreationQualityRules
{
    /// <summary>A persona card shorter than this (in characters) says too little to answer as.</summary>
    public const int PersonaMin = 40;

    /// <summary>The persona anchor is a concept line, not the paragraph: shorter than this it says nothing.</summary>
    public const int AnchorPersonaMin = 10;

    /// <summary>A tone of this many characters or fewer is too vague to steer answers (幽默, 严肃 alone).</summary>
    public const int ToneVagueMax = 2;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The findings for the anchors and, once drafted, the cards.</summary>
    public static IReadOnlyList<CreationFinding> Evaluate(CreationAnchors anchors, CreationDrafts? drafts)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var a = anchors.Normalized();
        var d = drafts ?? CreationDrafts.Empty;
        var findings = new List<CreationFinding>();

        if (a.Boundaries.Length == 0)
        {
            findings.Add(new("missing_boundaries", FindingSeverity.Blocking, "boundaries", "Creation.Finding.MissingBoundaries", []));
        }

        if (IsVagueTone(a.Tone))
        {
            findings.Add(new("vague_tone", FindingSeverity.Warning, "tone", "Creation.Finding.VagueTone", [a.Tone]));
        }

        var persona = d.Persona.Trim().Length > 0 ? d.Persona.Trim() : a.Persona;
        var personaField = d.Persona.Trim().Length > 0 ? "persona_card" : "persona";
        if (persona.Length > 0 && a.Domain.Length > 0)
        {
            var own = CreationDomains.Find(a.Domain);
            var lower = persona.ToLowerInvariant();
            var namesOwn = lower.Contains(a.Domain.ToLowerInvariant(), StringComparison.Ordinal)
                || (own is not null && CreationDomains.Hits(lower, own).Hits > 0);
            if (!namesOwn)
            {
                var other = CreationDomains.Named(persona).FirstOrDefault(x => x.Key != own?.Key);
                findings.Add(other is not null
                    ? new("persona_other_domain", FindingSeverity.Blocking, personaField, "Creation.Finding.PersonaOtherDomain", [a.Domain, other.Zh])
                    : new("persona_misses_domain", FindingSeverity.Warning, personaField, "Creation.Finding.PersonaMissesDomain", [a.Domain]));
            }
        }

        var min = personaField == "persona_card" ? PersonaMin : AnchorPersonaMin;
        if (persona.Length > 0 && StarRules.Length(persona) < min)
        {
            findings.Add(new("persona_too_short", FindingSeverity.Warning, personaField, "Creation.Finding.PersonaTooShort", [min.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }

        if (!d.IsEmpty && d.Greeting.Trim().Length == 0)
        {
            findings.Add(new("no_greeting", FindingSeverity.Blocking, "greeting", "Creation.Finding.NoGreeting", []));
        }

        if (a.SampleQuestions.Count == 0)
        {
            findings.Add(new("no_sample_questions", FindingSeverity.Warning, "sample_questions", "Creation.Finding.NoSampleQuestions", []));
        }

        return findings;
    }

    /// <summary>Empty, at most <see cref="ToneVagueMax"/> characters, or only generic words (友好, 专业, friendly …).</summary>
    public static bool IsVagueTone(string? tone)
    {
        var t = (tone ?? "").Trim();
        if (StarRules.Length(t) <= ToneVagueMax)
        {
            return true;
        }

        var rest = t.ToLowerInvariant();
        foreach (var word in CreationDomains.GenericToneWords.OrderByDescending(w => w.Length))
        {
            rest = rest.Replace(word, " ", StringComparison.Ordinal);
        }

        rest = rest.Replace("and", " ", StringComparison.Ordinal).Replace("又", " ", StringComparison.Ordinal).Replace("且", " ", StringComparison.Ordinal).Replace("的", " ", StringComparison.Ordinal);
        return !rest.Any(c => char.IsLetterOrDigit(c));
    }

    /// <summary>How many findings concern a draft card (its <c>warning_count</c>).</summary>
    public static int CountFor(IReadOnlyList<CreationFinding> findings, string cardKind) => cardKind switch
    {
        "persona" => findings.Count(f => f.Field is "persona_card"),
        "greeting" => findings.Count(f => f.Field == "greeting"),
        "examples" => findings.Count(f => f.Field == "sample_questions"),
        _ => 0,
    };

    public static string ToJson(IReadOnlyList<CreationFinding> findings) => JsonSerializer.Serialize(findings, Json);

    public static IReadOnlyList<CreationFinding> FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<CreationFinding>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
