namespace StarStudio.Core.Knowledge;

/// <summary>
/// One entry of an imported character card's lorebook (<c>character_book.entries</c>), kept with its keys, order and
/// enabled flag so that export gives it back; its text is indexed through one knowledge note (docs/cards.md).
/// </summary>
public class LoreEntry
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    /// <summary>The knowledge note task that indexes the star's entries.</summary>
    public Guid? KnowledgeTaskId { get; set; }
    /// <summary>Position in the book (0, 1, …), unique per star.</summary>
    public int EntryOrder { get; set; }
    public List<string> Keys { get; set; } = [];
    public List<string> SecondaryKeys { get; set; } = [];
    public string Content { get; set; } = "";
    public string Comment { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public int InsertionOrder { get; set; }
    public bool Constant { get; set; }
    public bool Selective { get; set; }
    /// <summary>Raw JSON of the entry's other fields (id, priority, position, case_sensitive, extensions …).</summary>
    public string? Extras { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
