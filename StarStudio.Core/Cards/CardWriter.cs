using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StarStudio.Core.Cards;

/// <summary>Writes a <see cref="CharacterCard"/> as a V2 (<c>chara_card_v2</c>, 2.0) or V3 (<c>chara_card_v3</c>, 3.0)
/// card: the spec's fields from the card, then every field of <see cref="CharacterCard.ExtrasJson"/> as it came in,
/// <c>extensions</c> with StarStudio's own key (the star's domain) added. Macros are written verbatim.</summary>
public static class CardWriter
{
    /// <summary>The key under <c>extensions</c> where StarStudio keeps what a card has no field for (the domain).</summary>
    public const string OwnExtension = "starstudio";

    public static byte[] Write(CharacterCard card, CardSpec spec, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (spec == CardSpec.V1)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "StarStudio exports V2 and V3 cards.");
        }

        using var extrasDocument = card.ExtrasJson is { Length: > 0 } json ? JsonDocument.Parse(json) : null;
        var extras = extrasDocument?.RootElement is { ValueKind: JsonValueKind.Object } root ? root : (JsonElement?)null;

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("spec", spec == CardSpec.V3 ? "chara_card_v3" : "chara_card_v2");
            writer.WriteString("spec_version", spec == CardSpec.V3 ? "3.0" : "2.0");
            writer.WriteStartObject("data");
            HashSet<string> written =
            [
                "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt",
                "alternate_greetings", "tags", "extensions", "character_book", "assets",
            ];
            writer.WriteString("name", card.Name);
            writer.WriteString("description", card.Description);
            writer.WriteString("personality", card.Personality);
            writer.WriteString("scenario", card.Scenario);
            writer.WriteString("first_mes", card.FirstMessage);
            writer.WriteString("mes_example", card.ExampleMessages);
            writer.WriteString("creator_notes", card.CreatorNotes);
            writer.WriteString("system_prompt", card.SystemPrompt);
            Strings(writer, "alternate_greetings", card.AlternateGreetings);
            Strings(writer, "tags", card.Tags);

            // Required by the specs; an imported card's own values come from the extras below.
            string[] required = spec == CardSpec.V3
                ? ["post_history_instructions", "creator", "character_version", "group_only_greetings"]
                : ["post_history_instructions", "creator", "character_version"];
            foreach (var name in required)
            {
                if (extras is { } e && e.TryGetProperty(name, out var value))
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
                else if (name == "group_only_greetings")
                {
                    Strings(writer, name, []);
                }
                else
                {
                    writer.WriteString(name, "");
                }

                written.Add(name);
            }

            if (extras is { } rest)
            {
                foreach (var property in rest.EnumerateObject().Where(p => !written.Contains(p.Name)))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteStartObject("extensions");
            if (extras is { } x && x.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in extensions.EnumerateObject().Where(p => p.Name != OwnExtension))
                {
                    property.WriteTo(writer);
                }
            }

            if (card.Domain is { Length: > 0 } domain)
            {
                writer.WriteStartObject(OwnExtension);
                writer.WriteString("domain", domain);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();

            var book = extras is { } bx && bx.TryGetProperty("character_book", out var b) && b.ValueKind == JsonValueKind.Object ? b : (JsonElement?)null;
            if (book is not null || card.LoreEntries.Count > 0)
            {
                WriteBook(writer, book, card.LoreEntries);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteBook(Utf8JsonWriter writer, JsonElement? book, List<CardLoreEntry> entries)
    {
        writer.WriteStartObject("character_book");
        var hasExtensions = false;
        if (book is { } own)
        {
            foreach (var property in own.EnumerateObject().Where(p => p.Name != "entries"))
            {
                property.WriteTo(writer);
                hasExtensions |= property.Name == "extensions";
            }
        }

        if (!hasExtensions)
        {
            writer.WriteStartObject("extensions");
            writer.WriteEndObject();
        }

        writer.WriteStartArray("entries");
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            Strings(writer, "keys", entry.Keys);
            writer.WriteString("content", entry.Content);
            writer.WriteBoolean("enabled", entry.Enabled);
            writer.WriteNumber("insertion_order", entry.InsertionOrder);
            writer.WriteBoolean("constant", entry.Constant);
            writer.WriteBoolean("selective", entry.Selective);
            Strings(writer, "secondary_keys", entry.SecondaryKeys);
            writer.WriteString("comment", entry.Comment);
            var entryExtensions = false;
            if (entry.ExtrasJson is { Length: > 0 } json)
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        property.WriteTo(writer);
                        entryExtensions |= property.Name == "extensions";
                    }
                }
            }

            if (!entryExtensions)
            {
                writer.WriteStartObject("extensions");
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A safe file name for a download: the star's name without path or control characters.</summary>
    public static string FileName(string starName, CardExportFormat format)
    {
        var name = new StringBuilder();
        foreach (var c in starName)
        {
            name.Append(char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\' or '"' or ':' or '*' or '?' or '<' or '>' or '|' ? '_' : c);
        }

        var stem = name.ToString().Trim().Trim('.');
        if (stem.Length == 0)
        {
            stem = "star";
        }

        if (stem.Length > 60)
        {
            stem = stem[..60];
        }

        return format switch
        {
            CardExportFormat.V2Json => stem + ".v2.json",
            CardExportFormat.V3Json => stem + ".v3.json",
            _ => stem + ".png",
        };
    }
}
