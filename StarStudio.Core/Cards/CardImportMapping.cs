using System.Globalization;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Cards;

/// <summary>One line of the preview: a card field, the StarStudio field it fills, and how much text it carries.</summary>
public sealed record CardFieldMapping(string CardField, string StarField, int Length, string Sample);

/// <summary>What importing a card would do: the star's fields, the lore entries, the extras kept for export, what maps
/// where and what is dropped (and why).</summary>
public sealed record CardImportPlan(
    PersonaSnapshot Star,
    IReadOnlyList<CardLoreEntry> LoreEntries,
    string? ExtrasJson,
    IReadOnlyList<CardFieldMapping> Mapped,
    IReadOnlyList<CardDrop> Dropped,
    IReadOnlyList<string> ExtraFields,
    CardSpec Spec,
    CardContainer Container,
    bool HasAvatar,
    bool UsesMacros);

/// <summary>Card ⇄ star: what each card field becomes (docs/cards.md has the table), the limits it must fit, and the
/// way back for export.</summary>
/// <remarks>Required star fields that are too long (name, persona) are cut and said so; optional ones are dropped and
/// said so, since a half greeting reads worse than none.</remarks>
public static class CardImportMapping
{
    /// <summary>A card has no domain (星域); this is the one a star imported from a non-StarStudio card starts with.</summary>
    public const string DefaultDomain = "角色扮演";

    /// <summary>The largest card file the import page sends (and the worker's default <c>CardLimits.MaxFileBytes</c>).</summary>
    public const long MaxUploadBytes = 20L * 1024 * 1024;

    /// <summary>The longest lore entry content kept (longer entries are dropped with the reason).</summary>
    public const int LoreContentMax = 8000;

    /// <summary>Maps a parsed card; field errors only when nothing usable is there (no name, no description at all).</summary>
    public static Result<CardImportPlan> Plan(CardParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var card = parsed.Card;
        var dropped = new List<CardDrop>(parsed.Dropped);
        var mapped = new List<CardFieldMapping>();

        var name = card.Name.Trim();
        if (name.Length == 0)
        {
            return Result<CardImportPlan>.Invalid("File", "Cards.Import.NoName");
        }

        name = Cut(name, StarRules.NameMax, "name", dropped);
        mapped.Add(Map("name", nameof(StarDraft.Name), name));

        // The card's personality is the star's tone when it is as short as a tone; otherwise it joins the persona.
        var personality = card.Personality.Trim();
        var tone = "";
        var persona = card.Description.Trim();
        if (personality.Length > 0 && StarRules.Length(personality) <= StarRules.ToneMax)
        {
            tone = personality;
            mapped.Add(Map("personality", nameof(StarDraft.Tone), tone));
        }
        else if (personality.Length > 0)
        {
            persona = persona.Length == 0 ? personality : persona + "\n\n" + personality;
            mapped.Add(Map("personality", nameof(StarDraft.Persona), personality));
        }

        if (persona.Length == 0)
        {
            return Result<CardImportPlan>.Invalid("File", "Cards.Import.NoDescription");
        }

        if (card.Description.Trim().Length > 0)
        {
            mapped.Add(Map("description", nameof(StarDraft.Persona), card.Description.Trim()));
        }

        persona = Cut(persona, StarRules.PersonaMax, "description", dropped);

        var tags = StarRules.NormalizeTags(card.Tags);
        var keptTags = new List<string>();
        foreach (var tag in tags)
        {
            if (StarRules.Length(tag) > StarRules.TagMax)
            {
                dropped.Add(new CardDrop("tags", "Cards.Dropped.TagTooLong", tag.Length > 40 ? tag[..40] + "…" : tag, Number(StarRules.TagMax)));
            }
            else if (keptTags.Count >= StarRules.TagsMax)
            {
                dropped.Add(new CardDrop("tags", "Cards.Dropped.TooManyTags", tag, Number(StarRules.TagsMax)));
            }
            else
            {
                keptTags.Add(tag);
            }
        }

        if (keptTags.Count > 0)
        {
            mapped.Add(new CardFieldMapping("tags", nameof(StarDraft.Tags), keptTags.Count, string.Join(", ", keptTags)));
        }

        var domain = card.Domain is { Length: > 0 } own && StarRules.Length(own) <= StarRules.DomainMax ? own : DefaultDomain;
        var scenario = Optional(card.Scenario, "scenario", "Scenario", StarRules.ScenarioMax, mapped, dropped);
        var greeting = Optional(card.FirstMessage, "first_mes", "Greeting", StarRules.GreetingMax, mapped, dropped);
        var examples = Optional(card.ExampleMessages, "mes_example", "ExampleDialogues", StarRules.ExampleDialoguesMax, mapped, dropped);
        var notes = Optional(card.CreatorNotes, "creator_notes", "CreatorNotes", StarRules.CreatorNotesMax, mapped, dropped);
        var system = Optional(card.SystemPrompt, "system_prompt", "SystemPrompt", StarRules.SystemPromptMax, mapped, dropped);

        var greetings = new List<string>();
        for (var i = 0; i < card.AlternateGreetings.Count; i++)
        {
            var text = card.AlternateGreetings[i].Trim();
            var field = $"alternate_greetings[{i}]";
            if (text.Length == 0)
            {
                continue;
            }

            if (StarRules.Length(text) > StarRules.GreetingMax)
            {
                dropped.Add(new CardDrop(field, "Cards.Dropped.FieldTooLong", field, Number(StarRules.Length(text)), Number(StarRules.GreetingMax)));
            }
            else if (greetings.Count >= StarRules.AlternateGreetingsMax)
            {
                dropped.Add(new CardDrop(field, "Cards.Dropped.TooManyGreetings", Number(StarRules.AlternateGreetingsMax)));
            }
            else
            {
                greetings.Add(text);
            }
        }

        if (greetings.Count > 0)
        {
            mapped.Add(new CardFieldMapping("alternate_greetings", "AlternateGreetings", greetings.Count, Sample(greetings[0])));
        }

        var entries = new List<CardLoreEntry>();
        for (var i = 0; i < card.LoreEntries.Count; i++)
        {
            var entry = card.LoreEntries[i];
            if (StarRules.Length(entry.Content) > LoreContentMax)
            {
                dropped.Add(new CardDrop($"character_book.entries[{i}]", "Cards.Dropped.LoreEntryTooLong", Number(i + 1), Number(StarRules.Length(entry.Content)), Number(LoreContentMax)));
                continue;
            }

            entries.Add(entry);
        }

        if (entries.Count > 0)
        {
            mapped.Add(new CardFieldMapping("character_book", "Lore", entries.Count, Sample(string.Join(", ", entries[0].Keys))));
        }

        if (parsed.Avatar is not null)
        {
            mapped.Add(new CardFieldMapping("avatar", "Avatar", parsed.Avatar.Length, parsed.AvatarType ?? ""));
        }

        var extraFields = ExtraFieldNames(card.ExtrasJson);
        var fields = new PersonaSnapshot(name, domain, persona, tone, keptTags, system, greeting, greetings, examples, scenario, notes);
        var usesMacros = new[] { persona, greeting, scenario, examples, system }.Concat(greetings).Any(PersonaMacros.HasMacros);
        return Result<CardImportPlan>.Ok(new CardImportPlan(
            fields, entries, card.ExtrasJson, mapped, dropped, extraFields, card.Spec, parsed.Container, parsed.Avatar is not null, usesMacros));
    }

    /// <summary>The draft the star is created from (its persona version's source: import).</summary>
    public static StarDraft ToDraft(PersonaSnapshot star, CardSpec spec)
    {
        var draft = star.ToDraft();
        draft.VersionSource = PersonaVersionSource.Import;
        draft.ChangeLog = $"Imported from a character card ({spec}).";
        return draft;
    }

    /// <summary>The card an export writes for a star: its fields, its lore entries and the extras its import kept.</summary>
    public static CharacterCard ToCard(PersonaSnapshot star, IEnumerable<CardLoreEntry> entries, string? extrasJson) => new()
    {
        Spec = CardSpec.V3,
        Name = star.Name,
        Description = star.Persona,
        Personality = star.Tone,
        Scenario = star.Scenario,
        FirstMessage = star.Greeting,
        ExampleMessages = star.ExampleDialogues,
        CreatorNotes = star.CreatorNotes,
        SystemPrompt = star.SystemPrompt,
        AlternateGreetings = [.. star.AlternateGreetings],
        Tags = [.. star.Tags],
        Domain = star.Domain,
        LoreEntries = [.. entries],
        ExtrasJson = extrasJson,
    };

    /// <summary>The Markdown note that makes the lore entries findable by retrieval: one section per enabled entry,
    /// headed by its keys (in book order).</summary>
    public static string LoreNote(string starName, IEnumerable<CardLoreEntry> entries)
    {
        var note = new StringBuilder();
        note.Append("# ").Append(Escape(starName)).Append(" · lorebook\n\n");
        var n = 0;
        foreach (var entry in entries.Where(e => e.Enabled && !string.IsNullOrWhiteSpace(e.Content)))
        {
            n++;
            var keys = entry.Keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
            var title = keys.Count > 0 ? string.Join(" / ", keys) : entry.Comment.Trim().Length > 0 ? entry.Comment.Trim() : $"Entry {n}";
            note.Append("## ").Append(Escape(title.ReplaceLineEndings(" "))).Append("\n\n");
            note.Append(entry.Content.Trim()).Append("\n\n");
        }

        return n == 0 ? "" : note.ToString();
    }

    private static string Escape(string heading) => heading.Replace("#", "\\#", StringComparison.Ordinal);

    private static string Optional(string value, string cardField, string starField, int max, List<CardFieldMapping> mapped, List<CardDrop> dropped)
    {
        // Trimmed as the star service stores it, so an export and a second import give the same text.
        value = value.Trim();
        if (value.Length == 0)
        {
            return "";
        }

        var length = StarRules.Length(value);
        if (length > max)
        {
            dropped.Add(new CardDrop(cardField, "Cards.Dropped.FieldTooLong", cardField, Number(length), Number(max)));
            return "";
        }

        mapped.Add(Map(cardField, starField, value));
        return value;
    }

    private static string Cut(string value, int max, string cardField, List<CardDrop> dropped)
    {
        var length = StarRules.Length(value);
        if (length <= max)
        {
            return value;
        }

        dropped.Add(new CardDrop(cardField, "Cards.Dropped.Truncated", cardField, Number(length), Number(max)));
        var runes = value.EnumerateRunes().Take(max);
        var cut = new StringBuilder();
        foreach (var rune in runes)
        {
            cut.Append(rune.ToString());
        }

        return cut.ToString();
    }

    private static CardFieldMapping Map(string cardField, string starField, string value) =>
        new(cardField, starField, StarRules.Length(value), Sample(value));

    private static string Sample(string value)
    {
        var line = value.ReplaceLineEndings(" ").Trim();
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static List<string> ExtraFieldNames(string? extrasJson)
    {
        if (string.IsNullOrEmpty(extrasJson))
        {
            return [];
        }

        using var document = JsonDocument.Parse(extrasJson);
        return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.EnumerateObject().Select(p => p.Name).ToList() : [];
    }
}
