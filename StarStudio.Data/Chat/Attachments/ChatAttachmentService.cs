using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Attachments;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Chat.Attachments;

/// <summary>
/// Attachments over PostgreSQL (<c>chat_attachments</c>, the conversation's user's rows only), the object store
/// (<see cref="Buckets.KnowledgeRaw"/>, seed 000 §4's bucket for raw uploads, under <c>chat-attachments/</c>) and the
/// knowledge pipeline's parser (<see cref="IDocumentParser"/>: the isolated parser worker process, never this one).
/// </summary>
internal sealed class ChatAttachmentService(
    StarStudioDb db,
    IObjectStore objects,
    IDocumentParser parser,
    ITokenCounter tokens,
    TimeProvider clock,
    ILogger<ChatAttachmentService> log) : IChatAttachmentService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<ChatAttachmentView>> UploadAsync(Guid conversationId, string fileName, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = ChatAttachmentRules.CleanFileName(fileName);
        var bytes = await StarStudio.Core.Storage.BoundedRead.ReadAtMostAsync(content, ChatAttachmentRules.MaxBytes, ct);
        if (bytes is null)
        {
            return Result<ChatAttachmentView>.Invalid("File", "Chat.Attachment.TooLarge", name, ChatAttachmentRules.MaxBytes / 1024 / 1024);
        }

        var detected = ChatAttachmentRules.Detect(name, bytes.AsSpan(0, Math.Min(bytes.Length, KnowledgeFileKinds.HeadLength)));
        if (!detected.Succeeded)
        {
            return Result<ChatAttachmentView>.Invalid(detected.Errors);
        }

        var (kind, _, contentType) = detected.Value;
        var check = await db.RunAsync<(FieldError? Error, Guid UserId)>(async (ctx, user) =>
        {
            var c = await ctx.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId && x.DeletedAt == null, ct);
            if (c is null || user.UserId is not { } me || c.UserId != me)
            {
                return (new FieldError("Conversation", "Chat.Conversation.Forbidden"), Guid.Empty);
            }

            if (c.Status == ConversationStatus.Closed)
            {
                return (new FieldError("Conversation", "Chat.Conversation.Closed"), me);
            }

            var waiting = await ctx.ChatAttachments.CountAsync(a => a.ConversationId == conversationId && a.MessageId == null, ct);
            return waiting >= ChatAttachmentRules.MaxPerMessage
                ? (new FieldError("File", "Chat.Attachment.TooMany", ChatAttachmentRules.MaxPerMessage), me)
                : (null, me);
        }, ct);
        if (check.Error is { } refused)
        {
            return refused.Code == "Chat.Conversation.Forbidden" ? Result<ChatAttachmentView>.Forbidden() : Result<ChatAttachmentView>.Invalid([refused]);
        }

        // The object first and the row last: a row never names a missing object (a crash between leaves an orphan object).
        var id = Guid.CreateVersion7();
        var key = $"chat-attachments/{conversationId:N}/{id:N}";
        await objects.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream(bytes, writable: false), contentType, ct);
        var now = clock.GetUtcNow();
        var row = new ChatAttachment
        {
            Id = id,
            ConversationId = conversationId,
            UserId = check.UserId,
            FileName = name,
            Kind = kind,
            ContentType = contentType,
            SizeBytes = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ObjectKey = key,
            // An image is stored and shown, never read: nothing to parse.
            Status = kind == ChatAttachmentKinds.Image ? ChatAttachmentStatuses.Ready : ChatAttachmentStatuses.Parsing,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.RunAsync(async (ctx, _) =>
        {
            ctx.ChatAttachments.Add(row);
            await ctx.SaveChangesAsync(ct);
        }, ct);
        return Result<ChatAttachmentView>.Ok(ChatAttachmentRules.ToView(row, now));
    }

    public async Task<Result<ChatAttachmentView>> ProcessAsync(Guid attachmentId, CancellationToken ct = default)
    {
        var row = await db.RunAsync((ctx, user) =>
            ctx.ChatAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.UserId == user.UserId, ct), ct);
        if (row is null)
        {
            return Result<ChatAttachmentView>.Forbidden();
        }

        if (row.Status != ChatAttachmentStatuses.Parsing || ParseKind(row.Kind) is not { } kind)
        {
            return Result<ChatAttachmentView>.Ok(ChatAttachmentRules.ToView(row, clock.GetUtcNow()));
        }

        string status;
        string? error = null;
        var chunks = new List<AttachmentChunk>();
        var pages = 0;
        var chars = 0;
        var truncated = false;
        try
        {
            await using var stored = await objects.GetAsync(Buckets.KnowledgeRaw, row.ObjectKey, ct)
                ?? throw new DocumentParseException("Chat.Attachment.Missing", "The attachment's object is missing.");
            var doc = await parser.ParseAsync(kind, stored.Content, ct);
            pages = doc.PageCount;
            foreach (var chunk in TextChunker.Chunk(doc, new ChunkingOptions(), tokens))
            {
                if (chars + chunk.Text.Length > ChatAttachmentRules.MaxTextChars)
                {
                    truncated = true;
                    break;
                }

                chars += chunk.Text.Length;
                chunks.Add(new AttachmentChunk(Guid.CreateVersion7(), chunk.Seq, chunk.Text, chunk.Page));
            }

            status = chunks.Count == 0 ? ChatAttachmentStatuses.Failed : ChatAttachmentStatuses.Ready;
            error = chunks.Count == 0 ? DocumentParseCodes.Empty : null;
        }
        catch (DocumentParseException e)
        {
            status = ChatAttachmentStatuses.Failed;
            error = e.Code;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Reading chat attachment {AttachmentId} failed", attachmentId);
            status = ChatAttachmentStatuses.Failed;
            error = "Chat.Attachment.ParseFailed";
        }

        var now = clock.GetUtcNow();
        var json = JsonSerializer.Serialize(chunks, Json);
        await db.RunAsync((ctx, _) => ctx.ChatAttachments
            .Where(a => a.Id == attachmentId && a.Status == ChatAttachmentStatuses.Parsing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, status)
                .SetProperty(a => a.Error, error)
                .SetProperty(a => a.Chunks, json)
                .SetProperty(a => a.PageCount, pages)
                .SetProperty(a => a.TextChars, chars)
                .SetProperty(a => a.Truncated, truncated)
                .SetProperty(a => a.UpdatedAt, now), CancellationToken.None), CancellationToken.None);
        // The row may have been removed while it was read (the user took the file back): nothing to show then.
        var updated = await db.RunAsync((ctx, _) => ctx.ChatAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, CancellationToken.None), CancellationToken.None);
        return updated is null ? Result<ChatAttachmentView>.NotFound() : Result<ChatAttachmentView>.Ok(ChatAttachmentRules.ToView(updated, now));
    }

    public Task<IReadOnlyList<ChatAttachmentView>> ListAsync(Guid conversationId, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<ChatAttachmentView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var now = clock.GetUtcNow();
            var rows = await ctx.ChatAttachments.AsNoTracking().Where(a => a.ConversationId == conversationId && a.UserId == me)
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct);
            return rows.ConvertAll(a => ChatAttachmentRules.ToView(a, now));
        }, ct);

    public async Task<Result<bool>> RemoveAsync(Guid attachmentId, CancellationToken ct = default)
    {
        var key = await db.RunAsync(async (ctx, user) =>
        {
            var row = await ctx.ChatAttachments.FirstOrDefaultAsync(a => a.Id == attachmentId && a.UserId == user.UserId && a.MessageId == null, ct);
            if (row is null)
            {
                return null;
            }

            ctx.ChatAttachments.Remove(row);
            await ctx.SaveChangesAsync(ct);
            return row.ObjectKey;
        }, ct);
        if (key is null)
        {
            return Result<bool>.Forbidden();
        }

        await objects.DeleteAsync(Buckets.KnowledgeRaw, key, ct);
        return Result<bool>.Ok(true);
    }

    /// <summary>Links the files waiting in the composer to the user message just stored (inside the caller's transaction).</summary>
    internal static Task<int> LinkWaitingAsync(StarStudioDbContext ctx, Guid conversationId, Guid userId, Guid messageId, CancellationToken ct) =>
        ctx.ChatAttachments.Where(a => a.ConversationId == conversationId && a.UserId == userId && a.MessageId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.MessageId, messageId), ct);

    /// <summary>
    /// What an answer to <paramref name="question"/> (the user message <paramref name="messageId"/>) gets from the
    /// conversation's sent attachments: the best passages of the ready documents, and the names of images it cannot see.
    /// </summary>
    internal static async Task<(IReadOnlyList<RetrievedPassage> Passages, IReadOnlyList<string> Images)> ForAnswerAsync(
        StarStudioDbContext ctx, Guid conversationId, Guid userId, Guid messageId, string question, CancellationToken ct)
    {
        var rows = await ctx.ChatAttachments.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && a.UserId == userId && a.MessageId != null && a.Status == ChatAttachmentStatuses.Ready)
            .OrderBy(a => a.CreatedAt)
            .Select(a => new { a.Id, a.FileName, a.Kind, a.Chunks, a.MessageId, a.CreatedAt })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return ([], []);
        }

        var sources = rows.Where(r => r.Kind != ChatAttachmentKinds.Image)
            .Select(r => new AttachmentPassages.Source(r.Id, r.FileName, JsonSerializer.Deserialize<List<AttachmentChunk>>(r.Chunks, Json) ?? [], r.MessageId == messageId, r.CreatedAt))
            .ToList();
        var images = rows.Where(r => r.Kind == ChatAttachmentKinds.Image).Select(r => r.FileName).ToList();
        return (AttachmentPassages.For(question, sources), images);
    }

    /// <summary>The text of an attachment's chunk, if the current user's conversation has it.</summary>
    internal static async Task<string?> ChunkTextAsync(StarStudioDbContext ctx, Guid conversationId, Guid chunkId, CancellationToken ct)
    {
        var needle = JsonSerializer.Serialize(new[] { new { id = chunkId } }, Json);
        // jsonb containment finds the row; the chunk is then picked from it.
        var rows = await ctx.ChatAttachments.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && EF.Functions.JsonContains(a.Chunks, needle))
            .Select(a => a.Chunks).ToListAsync(ct);
        return rows.SelectMany(r => JsonSerializer.Deserialize<List<AttachmentChunk>>(r, Json) ?? []).FirstOrDefault(c => c.Id == chunkId)?.Text;
    }

    private static KnowledgeFileKind? ParseKind(string kind) => kind switch
    {
        ChatAttachmentKinds.Pdf => KnowledgeFileKind.Pdf,
        ChatAttachmentKinds.Docx => KnowledgeFileKind.Docx,
        ChatAttachmentKinds.Markdown => KnowledgeFileKind.Markdown,
        ChatAttachmentKinds.Text => KnowledgeFileKind.Text,
        _ => null,
    };
}
