using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Cards;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;

namespace StarStudio.Data.Cards;

/// <summary>Character cards in and out, as the current user: files are parsed in the parser worker, the star is made
/// through <see cref="IStarService"/> (so its rules, persona version and ownership apply) and the lore through
/// <see cref="IKnowledgeService"/> (so retrieval finds it); RLS guards every row.</summary>
internal sealed class CardService(
    StarStudioDb db,
    ICurrentUser currentUser,
    ICardParser parser,
    IStarService stars,
    IKnowledgeService knowledge,
    TimeProvider clock) : ICardService
{
    private const string FileField = "File";

    public async Task<Result<CardImportPlan>> PreviewAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        var parsed = await ParseAsync(content, ct);
        return parsed.Value is { } card ? CardImportMapping.Plan(card) : Fail<CardImportPlan>(parsed);
    }

    public async Task<Result<CardImportResult>> ImportAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        var parsed = await ParseAsync(content, ct);
        if (parsed.Value is not { } card)
        {
            return Fail<CardImportResult>(parsed);
        }

        var planned = CardImportMapping.Plan(card);
        if (planned.Value is not { } plan)
        {
            return Result<CardImportResult>.Invalid(planned.Errors);
        }

        var created = await stars.CreateAsync(CardImportMapping.ToDraft(plan.Star, plan.Spec), ct);
        if (created.Value is not { } star)
        {
            return created.Kind == ResultKind.Invalid ? Result<CardImportResult>.Invalid(created.Errors) : Result<CardImportResult>.Forbidden();
        }

        var dropped = plan.Dropped.ToList();
        if (plan.ExtrasJson is { } extras)
        {
            await db.RunAsync((ctx, _) => ctx.Stars.Where(s => s.Id == star.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.CardExtras, extras), ct), ct);
            star.CardExtras = extras;
        }

        if (card.Avatar is { } avatar)
        {
            var saved = await stars.SetAvatarAsync(star.Id, new MemoryStream(avatar), avatar.Length, ct);
            if (saved.Value is { } withAvatar)
            {
                star = withAvatar;
            }
            else
            {
                dropped.Add(new CardDrop("avatar", "Cards.Dropped.AvatarNotImage"));
            }
        }

        Guid? noteTask = null;
        if (plan.LoreEntries.Count > 0)
        {
            noteTask = await AddLoreNoteAsync(star, plan.LoreEntries, ct);
            await InsertLoreEntriesAsync(star.Id, noteTask, plan.LoreEntries, ct);
        }

        return Result<CardImportResult>.Ok(new CardImportResult(star, plan.LoreEntries.Count, noteTask, dropped));
    }

    public async Task<Result<CardFile>> ExportAsync(Guid starId, CardExportFormat format, CancellationToken ct = default)
    {
        var found = await stars.GetAsync(starId, ct);
        if (found.Value is not { } star)
        {
            return found.Kind == ResultKind.Forbidden ? Result<CardFile>.Forbidden() : Result<CardFile>.NotFound();
        }

        var entries = await db.RunAsync(
            (ctx, _) => ctx.LoreEntries.AsNoTracking().Where(e => e.StarId == starId).OrderBy(e => e.EntryOrder).ToListAsync(ct), ct);
        var card = CardImportMapping.ToCard(PersonaSnapshot.Of(star), entries.Select(ToCardEntry), star.CardExtras);
        var fileName = CardWriter.FileName(star.Name, format);
        switch (format)
        {
            case CardExportFormat.V2Json:
                return Result<CardFile>.Ok(new CardFile(CardWriter.Write(card, CardSpec.V2), fileName, "application/json"));
            case CardExportFormat.V3Json:
                return Result<CardFile>.Ok(new CardFile(CardWriter.Write(card, CardSpec.V3), fileName, "application/json"));
            default:
                var avatar = await ReadAvatarAsync(star, ct);
                var png = PngCardWriter.Write(avatar, CardWriter.Write(card, CardSpec.V2, indented: false), CardWriter.Write(card, CardSpec.V3, indented: false));
                return Result<CardFile>.Ok(new CardFile(png, fileName, "image/png"));
        }
    }

    /// <summary>All entries in one INSERT … SELECT over a jsonb array (one round trip, one RLS check per row in the
    /// server): 500 entries through EF's batched inserts took about 1 s on the loaded test machine, this a few tens of ms.</summary>
    private Task InsertLoreEntriesAsync(Guid starId, Guid? noteTask, IReadOnlyList<CardLoreEntry> entries, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                writer.WriteStartObject();
                writer.WriteNumber("entry_order", i);
                Strings(writer, "keys", e.Keys);
                Strings(writer, "secondary_keys", e.SecondaryKeys);
                writer.WriteString("content", e.Content);
                writer.WriteString("comment", e.Comment);
                writer.WriteBoolean("enabled", e.Enabled);
                writer.WriteNumber("insertion_order", e.InsertionOrder);
                writer.WriteBoolean("constant", e.Constant);
                writer.WriteBoolean("selective", e.Selective);
                writer.WritePropertyName("extras");
                if (e.ExtrasJson is { Length: > 0 } extras)
                {
                    writer.WriteRawValue(extras);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var rows = new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) };
        var star = new NpgsqlParameter("star", NpgsqlDbType.Uuid) { Value = starId };
        var task = new NpgsqlParameter("task", NpgsqlDbType.Uuid) { Value = noteTask is { } id ? id : DBNull.Value };
        var now = new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = clock.GetUtcNow() };
        return db.RunAsync((ctx, _) => ctx.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO knowledge_lore_entries (star_id, knowledge_task_id, entry_order, keys, secondary_keys, content, comment, enabled, insertion_order, constant, selective, extras, created_at)
            SELECT @star, @task, r.entry_order, coalesce(r.keys, ARRAY[]::text[]), coalesce(r.secondary_keys, ARRAY[]::text[]), r.content, r.comment, r.enabled, r.insertion_order, r.constant, r.selective, r.extras, @now
            FROM jsonb_to_recordset(@rows) AS r(entry_order int, keys text[], secondary_keys text[], content text, comment text, enabled boolean, insertion_order int, constant boolean, selective boolean, extras jsonb)
            """,
            [rows, star, task, now],
            ct), ct);
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

    /// <summary>The card file read (bounded) and parsed in the worker; a refusal as its <c>Cards.Parse.*</c> error.</summary>
    private async Task<Result<CardParseResult>> ParseAsync(Stream content, CancellationToken ct)
    {
        if ((await currentUser.GetAsync(ct)).UserId is null)
        {
            return Result<CardParseResult>.Forbidden();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > CardImportMapping.MaxUploadBytes)
            {
                return Result<CardParseResult>.Invalid(FileField, "Cards.Parse.FileTooLarge", CardImportMapping.MaxUploadBytes / 1024 / 1024);
            }
        }

        try
        {
            return Result<CardParseResult>.Ok(await parser.ParseAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct));
        }
        catch (CardParseException ex)
        {
            return Result<CardParseResult>.Invalid(FileField, ex.Code, [.. ex.Args]);
        }
    }

    /// <summary>One Markdown document of the enabled entries: a note when it fits a note, else the same Markdown as an
    /// uploaded file (a note holds at most <see cref="KnowledgeService.NoteMaxChars"/> characters).</summary>
    private async Task<Guid?> AddLoreNoteAsync(Star star, IReadOnlyList<CardLoreEntry> entries, CancellationToken ct)
    {
        var markdown = CardImportMapping.LoreNote(star.Name, entries);
        if (markdown.Length == 0)
        {
            return null;
        }

        var title = $"{star.Name} · lorebook";
        if (title.Length > KnowledgeService.NoteTitleMax)
        {
            title = title[..KnowledgeService.NoteTitleMax];
        }

        Result<KnowledgeTask> task;
        if (markdown.Length <= KnowledgeService.NoteMaxChars)
        {
            task = await knowledge.AddNoteAsync(star.Id, title, markdown, ct);
        }
        else
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(markdown);
            task = await knowledge.UploadAsync(star.Id, title + ".md", new MemoryStream(bytes), bytes.Length, ct);
        }

        return task.Value?.Id;
    }

    private async Task<byte[]?> ReadAvatarAsync(Star star, CancellationToken ct)
    {
        if (star.AvatarKey is null)
        {
            return null;
        }

        await using var stored = await stars.OpenAvatarAsync(star.Id, ct);
        if (stored is null || stored.Length > AvatarRules.MaxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static CardLoreEntry ToCardEntry(LoreEntry e) => new()
    {
        Keys = e.Keys,
        SecondaryKeys = e.SecondaryKeys,
        Content = e.Content,
        Comment = e.Comment,
        Enabled = e.Enabled,
        InsertionOrder = e.InsertionOrder,
        Constant = e.Constant,
        Selective = e.Selective,
        ExtrasJson = e.Extras,
    };

    private static Result<T> Fail<T>(Result<CardParseResult> failed) =>
        failed.Kind == ResultKind.Forbidden ? Result<T>.Forbidden() : Result<T>.Invalid(failed.Errors);
}
