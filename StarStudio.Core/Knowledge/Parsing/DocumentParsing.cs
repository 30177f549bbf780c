namespace StarStudio.Core.Knowledge.Parsing;

/// <summary>The kinds of file the knowledge pipeline reads.</summary>
public enum KnowledgeFileKind
{
    Pdf,
    Docx,
    Text,
    Markdown,
    Html,
}

/// <summary>A piece of a parsed document: a page (PDF) or a section under a heading (DOCX, Markdown, HTML).</summary>
/// <param name="Text">The unit's plain text; chunk offsets are relative to it.</param>
/// <param name="Page">1-based page number, when the format has pages.</param>
/// <param name="HeadingPath">The headings above the unit, outermost first (empty at the top level).</param>
public sealed record DocumentUnit(string Text, int? Page, IReadOnlyList<string> HeadingPath);

/// <summary>A document reduced to ordered text units.</summary>
public sealed record ParsedDocument(IReadOnlyList<DocumentUnit> Units, int PageCount);

/// <summary>Turns raw file content of a known kind into text units.</summary>
public interface IDocumentParser
{
    /// <summary>Parses <paramref name="content"/>; a document that cannot be read throws <see cref="DocumentParseException"/>.</summary>
    Task<ParsedDocument> ParseAsync(KnowledgeFileKind kind, Stream content, CancellationToken ct = default);
}

/// <summary>A document that cannot be turned into text, with a resource key for the reason.</summary>
/// <remarks>Codes (<see cref="DocumentParseCodes"/>): <c>Knowledge.Parse.Encrypted</c>, <c>.Corrupt</c>, <c>.Empty</c>,
/// <c>.TooLarge</c> (a bomb, or over the worker's memory cap), <c>.TooDeep</c>, <c>.Timeout</c>, <c>.Crashed</c>.</remarks>
public sealed class DocumentParseException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
