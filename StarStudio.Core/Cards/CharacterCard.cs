namespace StarStudio.Core.Cards;

/// <summary>Which character card specification a card follows.</summary>
public enum CardSpec
{
    /// <summary>SillyTavern / TavernAI V1: a flat object (name, description, personality, scenario, first_mes, mes_example).</summary>
    V1,

    /// <summary><c>chara_card_v2</c>, spec 2.0.</summary>
    V2,

    /// <summary><c>chara_card_v3</c>, spec 3.0.</summary>
    V3,
}

/// <summary>The container a card arrived in.</summary>
public enum CardContainer
{
    Json,
    Png,
    Charx,
}

/// <summary>The export formats.</summary>
public enum CardExportFormat
{
    V2Json,
    V3Json,
    Png,
}

/// <summary>
/// A character card normalised to what StarStudio keeps: the fields it has columns for, the lorebook entries, and
/// <see cref="ExtrasJson"/> holding every other field of the card's <c>data</c> (creator, character_version,
/// <c>extensions</c>, V3-only fields, the book's own fields under <c>character_book</c>) so an export writes them back.
/// </summary>
/// <remarks>Crosses the parser worker's pipe as JSON, hence a plain settable class.</remarks>
public sealed class CharacterCard
{
    public CardSpec Spec { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public string Personality { get; set; } = "";

    public string Scenario { get; set; } = "";

    public string FirstMessage { get; set; } = "";

    public string ExampleMessages { get; set; } = "";

    public string CreatorNotes { get; set; } = "";

    public string SystemPrompt { get; set; } = "";

    public List<string> AlternateGreetings { get; set; } = [];

    public List<string> Tags { get; set; } = [];

    /// <summary>The star's domain when the card came from a StarStudio export (<c>extensions.starstudio.domain</c>).</summary>
    public string? Domain { get; set; }

    /// <summary>The lorebook's entries in book order, at most <c>CardLimits.MaxLoreEntries</c>.</summary>
    public List<CardLoreEntry> LoreEntries { get; set; } = [];

    /// <summary>How many entries past the limit the book had (dropped, in book order).</summary>
    public int LoreEntriesOverLimit { get; set; }

    /// <summary>A JSON object with the card's other <c>data</c> fields, or null when there are none.</summary>
    public string? ExtrasJson { get; set; }
}

/// <summary>One <c>character_book</c> entry: the fields StarStudio has columns for, the rest in <see cref="ExtrasJson"/>
/// (id, name, priority, position, case_sensitive, use_regex, extensions …).</summary>
public sealed class CardLoreEntry
{
    public List<string> Keys { get; set; } = [];

    public List<string> SecondaryKeys { get; set; } = [];

    public string Content { get; set; } = "";

    public string Comment { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public int InsertionOrder { get; set; }

    public bool Constant { get; set; }

    public bool Selective { get; set; }

    public string? ExtrasJson { get; set; }
}

/// <summary>Something of a card that is not imported, with the reason as a resource key (<c>Cards.Dropped.*</c>) and
/// its arguments (numbers and names, already formatted).</summary>
public sealed record CardDrop(string CardField, string Code, params string[] Args);

/// <summary>What the parser worker read from a card file: the card, the avatar (or none) and what it dropped.</summary>
public sealed class CardParseResult
{
    public CharacterCard Card { get; set; } = new();

    public CardContainer Container { get; set; }

    /// <summary>The avatar's bytes (a PNG card is its own avatar; CHARX: the main icon asset), or null.</summary>
    public byte[]? Avatar { get; set; }

    /// <summary>The avatar's sniffed content type.</summary>
    public string? AvatarType { get; set; }

    public List<CardDrop> Dropped { get; set; } = [];
}

/// <summary>A card file the parser refused, with a resource key (<c>Cards.Parse.*</c>) and a message in English for logs.</summary>
public sealed class CardParseException(string code, string message, params string[] args) : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyList<string> Args { get; } = args;
}

/// <summary>Reads an untrusted card file (JSON, PNG or CHARX) somewhere a crash costs nothing (the parser worker).</summary>
public interface ICardParser
{
    /// <summary>The card, or a <see cref="CardParseException"/> with a <c>Cards.Parse.*</c> code.</summary>
    Task<CardParseResult> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default);
}
