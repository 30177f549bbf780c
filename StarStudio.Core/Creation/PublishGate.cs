using System.Text.Json;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Creation;

/// <summary>One thing that keeps a session from publishing, with the field it is about and its resource key.</summary>
public sealed record GateBlocker(string Field, string ResourceKey, IReadOnlyList<string> Args);

/// <summary>The publish gate of a session: open, or exactly what blocks it.</summary>
public sealed record PublishGateResult(IReadOnlyList<GateBlocker> Blockers)
{
    public bool Open => Blockers.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(new { open = Open, blockers = Blockers }, CreationQualityRules.Json);

    public static PublishGateResult FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new PublishGateResult([]);
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("blockers", out var b)
                ? new PublishGateResult(b.Deserialize<List<GateBlocker>>(CreationQualityRules.Json) ?? [])
                : new PublishGateResult([]);
        }
        catch (JsonException)
        {
            return new PublishGateResult([]);
        }
    }
}

/// <summary>
/// What still blocks publishing (docs/creation-assistant.md), as a list in a fixed order: the stage, the required
/// fields (name, domain, persona card, greeting card), the star's own limits (<see cref="StarRules"/>) on the star that
/// would be created, and every blocking finding. Empty list = publishable.
/// </summary>
public static class PublishGate
{
    public static PublishGateResult Evaluate(CreationStage stage, CreationAnchors anchors, CreationDrafts drafts, IReadOnlyList<CreationFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(drafts);
        ArgumentNullException.ThrowIfNull(findings);
        var a = anchors.Normalized();
        var blockers = new List<GateBlocker>();
        if (stage == CreationStage.Published)
        {
            return new PublishGateResult([new GateBlocker("stage", "Creation.Gate.AlreadyPublished", [])]);
        }

        if (stage == CreationStage.CollectingAnchors || drafts.IsEmpty)
        {
            blockers.Add(new GateBlocker("stage", "Creation.Gate.NotDrafted", []));
        }

        Required(blockers, "name", a.Name, "Creation.Gate.NameRequired");
        Required(blockers, "domain", a.Domain, "Creation.Gate.DomainRequired");
        if (!drafts.IsEmpty)
        {
            Required(blockers, "persona_card", drafts.Persona, "Creation.Gate.PersonaRequired");
            Required(blockers, "greeting", drafts.Greeting, "Creation.Gate.GreetingRequired");
        }

        // The star's own limits, except "required", said above in the assistant's words.
        foreach (var e in StarRules.Validate(CreationPublishing.ToStarDraft(a, drafts)).Where(e => !e.Code.EndsWith(".Required", StringComparison.Ordinal)))
        {
            blockers.Add(new GateBlocker(FieldOf(e.Field), e.Code, e.Args.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()));
        }

        foreach (var f in findings.Where(f => f.IsBlocking))
        {
            // A missing greeting is already said once as a required field.
            if (f.Code == "no_greeting" && blockers.Any(b => b.Field == "greeting"))
            {
                continue;
            }

            blockers.Add(new GateBlocker(f.Field, f.ResourceKey, f.Args));
        }

        return new PublishGateResult(blockers);
    }

    private static void Required(List<GateBlocker> blockers, string field, string value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            blockers.Add(new GateBlocker(field, key, []));
        }
    }

    /// <summary>The session field a <see cref="StarDraft"/> field comes from.</summary>
    private static string FieldOf(string starField) => starField switch
    {
        nameof(StarDraft.Name) => "name",
        nameof(StarDraft.Domain) => "domain",
        nameof(StarDraft.Persona) => "persona_card",
        nameof(StarDraft.Tone) => "tone",
        nameof(StarDraft.Tags) => "domain",
        nameof(StarDraft.Greeting) => "greeting",
        nameof(StarDraft.ExampleDialogues) => "examples",
        nameof(StarDraft.SystemPrompt) => "boundaries",
        _ => starField.ToLowerInvariant(),
    };
}

/// <summary>The star a session publishes.</summary>
public static class CreationPublishing
{
    /// <summary>
    /// The full star draft from the anchors and cards: the persona card is the persona, the greeting and example cards
    /// the card fields, the boundaries the system prompt (so boundaries written after drafting still reach the model),
    /// the domain its tag (when short enough to be one); version source <see cref="PersonaVersionSource.Assistant"/>.
    /// </summary>
    public static StarDraft ToStarDraft(CreationAnchors anchors, CreationDrafts drafts)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(drafts);
        var a = anchors.Normalized();
        var english = OfflineCreationDrafter.IsEnglish(string.Join(" ", a.Name, a.Domain, a.Persona, a.Tone, a.Audience));
        return new StarDraft
        {
            Name = a.Name,
            Domain = a.Domain,
            Persona = drafts.Persona.Trim(),
            Tone = a.Tone,
            Tags = a.Domain.Length == 0 || StarRules.Length(a.Domain) > StarRules.TagMax ? [] : [a.Domain],
            Greeting = drafts.Greeting.Trim(),
            ExampleDialogues = drafts.Examples.Trim(),
            SystemPrompt = SystemPromptOf(a.Boundaries, english),
            VersionSource = PersonaVersionSource.Assistant,
            ChangeLog = english ? "Created with the creation assistant" : "由创作助手创建",
        };
    }

    /// <summary>The boundaries as a standing instruction, or empty.</summary>
    public static string SystemPromptOf(string boundaries, bool english) =>
        string.IsNullOrWhiteSpace(boundaries) ? "" : (english ? "Boundaries (always keep): " : "边界（必须遵守）：") + boundaries.Trim();
}
