using System.Globalization;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Cards;

namespace StarStudio.Parsing.Cards;

/// <summary>Reads a card's JSON (V1 flat, V2 <c>chara_card_v2</c>, V3 <c>chara_card_v3</c>) into a
/// <see cref="CharacterCard"/>: the kept fields typed, everything else of <c>data</c> kept as raw JSON.</summary>
/// <remarks>Depth is checked by a streaming scan before any tree is built (the scan keeps a bit per level, never
/// recursing), then <see cref="JsonDocument"/> parses with duplicate property names refused, so a card cannot say two
/// different things under one name and have StarStudio pick one silently.</remarks>
internal static class CardJsonReader
{
    /// <summary>The fields of <c>data</c> StarStudio has columns for (not copied into the extras).</summary>
    private static readonly HashSet<string> KeptFields =
    [
        "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt",
        "alternate_greetings", "tags", "character_book", "extensions", "assets",
    ];

    private static readonly HashSet<string> KeptEntryFields =
        ["keys", "secondary_keys", "content", "comment", "enabled", "insertion_order", "constant", "selective"];

    /// <summary>The key StarStudio writes under <c>extensions</c> on export (the star's domain) and reads back.</summary>
    public const string OwnExtension = "starstudio";

    public static (CharacterCard Card, List<CardAsset> Assets, List<CardDrop> Dropped) Read(ReadOnlySpan<byte> json, CardLimits limits)
    {
        if (json.Length > limits.MaxJsonBytes)
        {
            throw new CardParseException(CardParseCodes.JsonTooLarge, $"The card's JSON is over {limits.MaxJsonBytes} bytes.", Mb(limits.MaxJsonBytes));
        }

        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        Scan(json, limits.MaxJsonDepth);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(
                json.ToArray(),
                new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth + 1, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            // The scan proved the syntax and the depth, so what is left is a repeated property name.
            throw new CardParseException(CardParseCodes.DuplicateKey, $"The card's JSON repeats a property name: {ex.Message}");
        }

        using (document)
        {
            return Read(document.RootElement, limits);
        }
    }

    /// <summary>One pass over the tokens: valid JSON, no deeper than <paramref name="maxDepth"/>.</summary>
    private static void Scan(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 8 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                {
                    throw new CardParseException(CardParseCodes.TooDeep, $"The card's JSON nests deeper than {maxDepth} levels.", maxDepth.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        catch (JsonException ex)
        {
            throw new CardParseException(CardParseCodes.InvalidJson, $"The card is not valid JSON: {ex.Message}");
        }
    }

    private static (CharacterCard, List<CardAsset>, List<CardDrop>) Read(JsonElement root, CardLimits limits)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CardParseException(CardParseCodes.NotACard, "The JSON is not an object, so not a character card.");
        }

        var spec = Text(root, "spec");
        JsonElement data;
        CardSpec version;
        if (spec is "chara_card_v3" or "chara_card_v2")
        {
            if (!root.TryGetProperty("data", out data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new CardParseException(CardParseCodes.NotACard, $"The {spec} card has no data object.");
            }

            version = spec == "chara_card_v3" ? CardSpec.V3 : CardSpec.V2;
        }
        else if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            data = root;
            version = CardSpec.V1;
        }
        else
        {
            throw new CardParseException(CardParseCodes.NotACard, "The JSON is neither a V2/V3 card (spec, data) nor a V1 card (name, description …).");
        }

        var dropped = new List<CardDrop>();
        var card = new CharacterCard
        {
            Spec = version,
            Name = Field(data, "name", dropped),
            Description = Field(data, "description", dropped),
            Personality = Field(data, "personality", dropped),
            Scenario = Field(data, "scenario", dropped),
            FirstMessage = Field(data, "first_mes", dropped),
            ExampleMessages = Field(data, "mes_example", dropped),
            CreatorNotes = Field(data, "creator_notes", dropped),
            SystemPrompt = Field(data, "system_prompt", dropped),
            AlternateGreetings = Strings(data, "alternate_greetings", dropped),
            Tags = Strings(data, "tags", dropped),
        };

        if (data.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object
            && extensions.TryGetProperty(OwnExtension, out var own) && own.ValueKind == JsonValueKind.Object
            && Text(own, "domain") is { Length: > 0 } domain)
        {
            card.Domain = domain;
        }

        JsonElement? book = data.TryGetProperty("character_book", out var b) && b.ValueKind == JsonValueKind.Object ? b : null;
        if (book is { } lorebook && lorebook.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (card.LoreEntries.Count >= limits.MaxLoreEntries)
                {
                    card.LoreEntriesOverLimit++;
                    continue;
                }

                if (entry.ValueKind == JsonValueKind.Object)
                {
                    card.LoreEntries.Add(Entry(entry));
                }
            }

            if (card.LoreEntriesOverLimit > 0)
            {
                dropped.Add(new CardDrop(
                    "character_book.entries",
                    CardParseCodes.LoreOverLimit,
                    card.LoreEntriesOverLimit.ToString("N0", CultureInfo.InvariantCulture),
                    limits.MaxLoreEntries.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        var assets = Assets(data);
        if (version == CardSpec.V1)
        {
            // A V1 card is flat: what is not one of its six fields is some tool's own (kept for export all the same).
            card.ExtrasJson = Extras(data, book, extensions: null, skip: ["spec", "spec_version"]);
        }
        else
        {
            card.ExtrasJson = Extras(data, book, data.TryGetProperty("extensions", out var ext) ? ext : null, skip: []);
        }

        return (card, assets, dropped);
    }

    private static CardLoreEntry Entry(JsonElement entry)
    {
        var ignored = new List<CardDrop>();
        var result = new CardLoreEntry
        {
            Keys = Strings(entry, "keys", ignored),
            SecondaryKeys = Strings(entry, "secondary_keys", ignored),
            Content = Field(entry, "content", ignored),
            Comment = Field(entry, "comment", ignored),
            Enabled = Bool(entry, "enabled") ?? true,
            InsertionOrder = Int(entry, "insertion_order"),
            Constant = Bool(entry, "constant") ?? false,
            Selective = Bool(entry, "selective") ?? false,
        };

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var any = false;
            foreach (var property in entry.EnumerateObject())
            {
                if (!KeptEntryFields.Contains(property.Name))
                {
                    WriteClean(writer, property);
                    any = true;
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            result.ExtrasJson = any ? Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
        }

        return result;
    }

    /// <summary>The extras: every field of <c>data</c> not kept, <c>extensions</c> without StarStudio's own key, and the
    /// book's own fields (without its entries) under <c>character_book</c>.</summary>
    private static string? Extras(JsonElement data, JsonElement? book, JsonElement? extensions, string[] skip)
    {
        using var buffer = new MemoryStream();
        var any = false;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in data.EnumerateObject())
            {
                if (!KeptFields.Contains(property.Name) && !skip.Contains(property.Name))
                {
                    WriteClean(writer, property);
                    any = true;
                }
            }

            if (extensions is { ValueKind: JsonValueKind.Object } ext)
            {
                writer.WriteStartObject("extensions");
                foreach (var property in ext.EnumerateObject())
                {
                    if (property.Name != OwnExtension)
                    {
                        WriteClean(writer, property);
                    }
                }

                writer.WriteEndObject();
                any = true;
            }

            if (book is { } lorebook)
            {
                writer.WriteStartObject("character_book");
                foreach (var property in lorebook.EnumerateObject())
                {
                    if (property.Name != "entries")
                    {
                        WriteClean(writer, property);
                    }
                }

                writer.WriteEndObject();
                any = true;
            }

            writer.WriteEndObject();
        }

        return any ? Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
    }

    /// <summary>Copies a property without NUL characters, which PostgreSQL's text and jsonb cannot hold (the depth is
    /// already bounded by the scan, so the recursion is too).</summary>
    private static void WriteClean(Utf8JsonWriter writer, JsonProperty property)
    {
        writer.WritePropertyName(Clean(property.Name));
        WriteClean(writer, property.Value);
    }

    private static void WriteClean(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    WriteClean(writer, property);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteClean(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Clean(value.GetString() ?? ""));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text;

    private static List<CardAsset> Assets(JsonElement data)
    {
        var assets = new List<CardAsset>();
        if (data.TryGetProperty("assets", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var asset in list.EnumerateArray())
            {
                if (asset.ValueKind == JsonValueKind.Object)
                {
                    assets.Add(new CardAsset(Text(asset, "type") ?? "", Text(asset, "uri") ?? "", Text(asset, "name") ?? "", Text(asset, "ext") ?? ""));
                }
            }
        }

        return assets;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A text field: missing or null is empty; another type is dropped and said so.</summary>
    private static string Field(JsonElement element, string name, List<CardDrop> dropped)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return Clean(value.GetString() ?? "");
        }

        dropped.Add(new CardDrop(name, CardParseCodes.WrongType, name));
        return "";
    }

    private static List<string> Strings(JsonElement element, string name, List<CardDrop> dropped)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            dropped.Add(new CardDrop(name, CardParseCodes.WrongType, name));
            return [];
        }

        return value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => Clean(v.GetString() ?? "")).ToList();
    }

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            ? (int)Math.Clamp(Math.Round(number), int.MinValue, int.MaxValue)
            : 0;

    internal static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>One V3 <c>assets</c> element.</summary>
internal sealed record CardAsset(string Type, string Uri, string Name, string Ext);
