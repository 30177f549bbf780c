using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Chat.Attachments;

/// <summary>
/// A file a player attached to a conversation (seed 001 <c>files</c>, linked to the message it was sent with;
/// docs/chat-attachments.md). Its bytes are in the object store; the text the parser worker read from it is kept here as
/// chunks, for that conversation's answers only, never the star's knowledge.
/// </summary>
public class ChatAttachment
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    /// <summary>The conversation's user, who attached it; only they read it (row-level security).</summary>
    public Guid UserId { get; set; }
    /// <summary>The user message it was sent with; null while it waits in the composer for the next message.</summary>
    public Guid? MessageId { get; set; }
    public string FileName { get; set; } = "";
    /// <summary>One of <see cref="ChatAttachmentKinds"/>.</summary>
    public string Kind { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public long SizeBytes { get; set; }
    public string Sha256 { get; set; } = "";
    /// <summary>The object's key in <see cref="Storage.Buckets.KnowledgeRaw"/> (<c>chat-attachments/&lt;conversation&gt;/&lt;id&gt;</c>).</summary>
    public string ObjectKey { get; set; } = "";
    /// <summary>One of <see cref="ChatAttachmentStatuses"/>.</summary>
    public string Status { get; set; } = ChatAttachmentStatuses.Parsing;
    /// <summary>Why it failed: a resource key (<c>Knowledge.Parse.*</c>, <c>Chat.Attachment.*</c>).</summary>
    public string? Error { get; set; }
    public int PageCount { get; set; }
    /// <summary>Characters of text kept (at most <see cref="ChatAttachmentRules.MaxTextChars"/>).</summary>
    public int TextChars { get; set; }
    /// <summary>Whether the text was longer than <see cref="ChatAttachmentRules.MaxTextChars"/> and cut.</summary>
    public bool Truncated { get; set; }
    /// <summary>The text's chunks as JSON (<see cref="AttachmentChunk"/>[]), empty for images and until parsed.</summary>
    public string Chunks { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A chunk of an attachment's text, with the id answers cite it by.</summary>
public sealed record AttachmentChunk(Guid Id, int Seq, string Text, int? Page);

/// <summary>States of <see cref="ChatAttachment.Status"/>.</summary>
public static class ChatAttachmentStatuses
{
    public const string Parsing = "parsing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>Kinds of attachment.</summary>
public static class ChatAttachmentKinds
{
    public const string Pdf = "pdf";
    public const string Docx = "docx";
    public const string Text = "text";
    public const string Markdown = "markdown";
    /// <summary>Stored and shown; never read by the model (the engine sends text only).</summary>
    public const string Image = "image";
}

/// <summary>An attachment as the chat shows it (a chip: name, size, state).</summary>
/// <param name="Error">A resource key, when <see cref="Status"/> is failed.</param>
public sealed record ChatAttachmentView(
    Guid Id, Guid ConversationId, Guid? MessageId, string FileName, string Kind, long SizeBytes, string Status, string? Error,
    int PageCount, bool Truncated)
{
    public bool IsImage => Kind == ChatAttachmentKinds.Image;
}

/// <summary>Limits and checks of attachments (docs/chat-attachments.md).</summary>
public static class ChatAttachmentRules
{
    /// <summary>The largest file, 10 MB: enough for a paper or a photo, small enough to read in one request.</summary>
    public const long MaxBytes = 10L * 1024 * 1024;

    /// <summary>Files waiting for one message.</summary>
    public const int MaxPerMessage = 5;

    /// <summary>Text kept per file (about 50,000 tokens); the rest is cut and the chip says so.</summary>
    public const int MaxTextChars = 200_000;

    /// <summary>Passages of the conversation's attachments offered to the model per answer (the prompt's budget may take fewer).</summary>
    public const int MaxPromptPassages = 6;

    /// <summary>A parse still running after this long was interrupted (the page closed, the app restarted) and shows as failed.</summary>
    public static readonly TimeSpan ParseAbandonedAfter = TimeSpan.FromMinutes(5);

    public const int FileNameMax = 200;

    /// <summary>Extensions accepted, lower case with the dot.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".pdf", ".docx", ".txt", ".md", ".markdown", ".png", ".jpg", ".jpeg", ".gif", ".webp"];

    /// <summary>The <c>accept</c> attribute of the file picker.</summary>
    public static string Accept => string.Join(",", Extensions);

    /// <summary>
    /// The kind of <paramref name="fileName"/> when its first bytes agree with its extension (documents as the knowledge
    /// pipeline checks them, images by their signature), with the parser's kind for documents.
    /// Codes (field <c>File</c>): <c>Chat.Attachment.Unsupported</c>, <c>Knowledge.File.Mismatch</c>, <c>Knowledge.File.Empty</c>.
    /// </summary>
    public static Result<(string Kind, KnowledgeFileKind? ParseAs, string ContentType)> Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (!Extensions.Contains(extension))
        {
            return Result<(string, KnowledgeFileKind?, string)>.Invalid("File", "Chat.Attachment.Unsupported", extension.Length == 0 ? "?" : extension);
        }

        if (head.IsEmpty)
        {
            return Result<(string, KnowledgeFileKind?, string)>.Invalid("File", "Knowledge.File.Empty");
        }

        if (ImageType(extension) is { } imageType)
        {
            return ImageMatches(extension, head)
                ? Result<(string, KnowledgeFileKind?, string)>.Ok((ChatAttachmentKinds.Image, null, imageType))
                : Result<(string, KnowledgeFileKind?, string)>.Invalid("File", "Knowledge.File.Mismatch", extension);
        }

        var detected = KnowledgeFileKinds.Detect(fileName!, head);
        if (!detected.Succeeded)
        {
            return Result<(string, KnowledgeFileKind?, string)>.Invalid(detected.Errors);
        }

        return Result<(string, KnowledgeFileKind?, string)>.Ok(detected.Value switch
        {
            KnowledgeFileKind.Pdf => (ChatAttachmentKinds.Pdf, KnowledgeFileKind.Pdf, "application/pdf"),
            KnowledgeFileKind.Docx => (ChatAttachmentKinds.Docx, KnowledgeFileKind.Docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            KnowledgeFileKind.Markdown => (ChatAttachmentKinds.Markdown, KnowledgeFileKind.Markdown, "text/markdown"),
            _ => (ChatAttachmentKinds.Text, KnowledgeFileKind.Text, "text/plain"),
        });
    }

    /// <summary>A file name as stored and shown: the last path segment, control characters removed, at most <see cref="FileNameMax"/>.</summary>
    public static string CleanFileName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0)
        {
            name = "file";
        }

        if (name.Length > FileNameMax)
        {
            var ext = Path.GetExtension(name);
            name = name[..(FileNameMax - ext.Length)] + ext;
        }

        return name;
    }

    /// <summary>The state a stored row shows: a parse that has run past <see cref="ParseAbandonedAfter"/> was interrupted.</summary>
    public static (string Status, string? Error) StateOf(ChatAttachment a, DateTimeOffset now) =>
        a.Status == ChatAttachmentStatuses.Parsing && now - a.UpdatedAt > ParseAbandonedAfter
            ? (ChatAttachmentStatuses.Failed, "Chat.Attachment.Interrupted")
            : (a.Status, a.Error);

    public static ChatAttachmentView ToView(ChatAttachment a, DateTimeOffset now)
    {
        var (status, error) = StateOf(a, now);
        return new ChatAttachmentView(a.Id, a.ConversationId, a.MessageId, a.FileName, a.Kind, a.SizeBytes, status, error, a.PageCount, a.Truncated);
    }

    /// <summary>A size for a chip: <c>812 B</c>, <c>14.2 KB</c>, <c>3.1 MB</c>.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };

    private static string? ImageType(string extension) => extension switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => null,
    };

    private static bool ImageMatches(string extension, ReadOnlySpan<byte> head) => extension switch
    {
        ".png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ".jpg" or ".jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ".gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        ".webp" => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };
}

/// <summary>Which attachment passages an answer gets (pure; docs/chat-attachments.md).</summary>
public static class AttachmentPassages
{
    /// <summary>A ready attachment with its chunks, and whether it came with the message being answered.</summary>
    public sealed record Source(Guid AttachmentId, string FileName, IReadOnlyList<AttachmentChunk> Chunks, bool WithThisMessage, DateTimeOffset CreatedAt);

    /// <summary>
    /// The passages for <paramref name="question"/>, best first, at most <paramref name="max"/>: chunks scored by how many
    /// of the question's terms (<see cref="SearchText.QueryTerms"/>: words, CJK bigrams) they contain, plus one for the files
    /// sent with this message (so "summarise this" still gets their opening); ties go to newer files, then earlier chunks.
    /// Chunks of older files that share no term with the question are left out.
    /// </summary>
    public static IReadOnlyList<RetrievedPassage> For(string question, IReadOnlyList<Source> sources, int max = ChatAttachmentRules.MaxPromptPassages)
    {
        var terms = SearchText.QueryTerms(question).ToHashSet(StringComparer.Ordinal);
        var scored = new List<(double Score, DateTimeOffset Created, int Seq, Source Source, AttachmentChunk Chunk)>();
        foreach (var source in sources)
        {
            foreach (var chunk in source.Chunks)
            {
                var hits = terms.Count == 0 ? 0 : SearchText.Tokens(chunk.Text).Where(terms.Contains).Distinct().Count();
                if (hits == 0 && !source.WithThisMessage)
                {
                    continue;
                }

                scored.Add((hits + (source.WithThisMessage ? 1 : 0), source.CreatedAt, chunk.Seq, source, chunk));
            }
        }

        return scored
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Created).ThenBy(x => x.Seq)
            .Take(Math.Max(0, max))
            .Select(x => new RetrievedPassage(x.Chunk.Text, x.Score, null, null, null,
                new Citation(x.Source.AttachmentId, x.Chunk.Id, x.Source.FileName, x.Chunk.Page, [], 0, x.Chunk.Text.Length) { FromAttachment = true }))
            .ToList();
    }
}

/// <summary>Files attached to conversations: upload, parse in the parser worker, list, remove. Every call acts as the current user.</summary>
public interface IChatAttachmentService
{
    /// <summary>
    /// Stores a file for the next message of the user's own conversation: checked (kind by content, size, count), put in the
    /// object store, and recorded as <c>parsing</c> (an image as <c>ready</c>). Then <see cref="ProcessAsync"/> reads it.
    /// </summary>
    Task<Result<ChatAttachmentView>> UploadAsync(Guid conversationId, string fileName, Stream content, CancellationToken ct = default);

    /// <summary>Reads a <c>parsing</c> attachment's text in the parser worker (never in the app's process); returns its final state.</summary>
    Task<Result<ChatAttachmentView>> ProcessAsync(Guid attachmentId, CancellationToken ct = default);

    /// <summary>The conversation's attachments, oldest first (empty unless it is the current user's conversation).</summary>
    Task<IReadOnlyList<ChatAttachmentView>> ListAsync(Guid conversationId, CancellationToken ct = default);

    /// <summary>Removes an attachment not yet sent with a message (its object too).</summary>
    Task<Result<bool>> RemoveAsync(Guid attachmentId, CancellationToken ct = default);
}
