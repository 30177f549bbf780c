using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Storage;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Knowledge.Pipeline;

/// <summary>Sources → tasks → chunks and vectors → retrieval, through the real parsers, PostgreSQL and object store.</summary>
public sealed class KnowledgePipelineTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-knowledge-").FullName;
    private KnowledgeHarness? harness;

    private KnowledgeHarness H => harness ??= new KnowledgeHarness(pg, objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private static MemoryStream Bytes(byte[] b) => new(b);

    private async Task<(UserContext Owner, Guid Star, IKnowledgeService Knowledge)> OwnerWithStarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        return (owner, star, H.Service(owner));
    }

    private async Task<KnowledgeTask> IngestAsync(IKnowledgeService knowledge, Guid star, string name, byte[] content)
    {
        var result = await knowledge.UploadAsync(star, name, Bytes(content), content.Length);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        await H.RunQueuedAsync();
        return await H.TaskAsync(result.Value!.Id);
    }

    [Fact]
    public async Task Upload_ChineseText_CompletesWithChunksVectorsAndRawObject()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var text = KnowledgeDocuments.ChineseText(6000);

        var task = await IngestAsync(knowledge, star, "宣纸.txt", KnowledgeDocuments.Text(text));

        Assert.Equal(KnowledgeTaskStatus.Completed, task.Status);
        Assert.Equal(100, task.Progress);
        Assert.True(task.ChunkCount > 1);
        Assert.Equal("local-hash-384", task.EmbeddingModel);
        Assert.Equal(KnowledgeTask.EmbeddingIndexFor(star), task.EmbeddingIndex);
        Assert.NotNull(task.CompletedAt);
        Assert.Equal((task.ChunkCount, task.ChunkCount), await H.CountsAsync(task.Id));
        Assert.True(await H.Objects.ExistsAsync(Buckets.KnowledgeRaw, task.PayloadUri!));
    }

    [Fact]
    public async Task Upload_SameContentTwice_IsRecognisedAndNotIngestedAgain()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var bytes = KnowledgeDocuments.Text("同一份内容。The same content.");
        await IngestAsync(knowledge, star, "a.txt", bytes);

        var second = await knowledge.UploadAsync(star, "b.txt", Bytes(bytes), bytes.Length);

        Assert.Equal("Knowledge.Duplicate", Assert.Single(second.Errors).Code);
        Assert.Equal("a.txt", second.Errors[0].Args[0]);
        Assert.Equal(1, (await knowledge.ListTasksAsync(star, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task Upload_TextNamedPdf_IsRefusedAndStoresNothing()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var bytes = KnowledgeDocuments.Text("not a pdf");

        var result = await knowledge.UploadAsync(star, "report.pdf", Bytes(bytes), bytes.Length);

        Assert.Equal("Knowledge.File.Mismatch", Assert.Single(result.Errors).Code);
        Assert.Equal(0, (await knowledge.ListTasksAsync(star, 0, 10)).TotalCount);
        Assert.Empty(await H.Objects.ListAsync(Buckets.KnowledgeRaw, $"stars/{star:N}/").ToListAsync());
    }

    [Fact]
    public async Task Upload_OverTheConfiguredLimit_IsRefusedEvenWhenTheClientUnderstates()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.SystemConfigs.Where(c => c.Key == KnowledgeConfigKeys.MaxUploadFileSize).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "2048"));
        }

        try
        {
            var big = KnowledgeDocuments.Text(new string('a', 4096));
            var declared = await knowledge.UploadAsync(star, "big.txt", Bytes(big), big.Length);
            var understated = await knowledge.UploadAsync(star, "big.txt", Bytes(big), 10);

            Assert.Equal("Knowledge.File.TooLarge", Assert.Single(declared.Errors).Code);
            Assert.Equal("Knowledge.File.TooLarge", Assert.Single(understated.Errors).Code);
        }
        finally
        {
            await using var db = pg.OwnerContext();
            await db.SystemConfigs.Where(c => c.Key == KnowledgeConfigKeys.MaxUploadFileSize).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "104857600"));
        }
    }

    [Fact]
    public async Task Upload_EmptyFile_IsRefused()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();

        var result = await knowledge.UploadAsync(star, "empty.txt", Bytes([]), 0);

        Assert.Equal("Knowledge.File.Empty", Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData("encrypted", "Knowledge.Parse.Encrypted")]
    [InlineData("corrupt", "Knowledge.Parse.Corrupt")]
    [InlineData("scanned", "Knowledge.Parse.Empty")]
    [InlineData("zipbomb", "Knowledge.Parse.TooLarge")]
    public async Task Ingest_BadDocument_FailsWithAReadableReasonAndHarmsNothingElse(string kind, string code)
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var good = await IngestAsync(knowledge, star, "good.md", KnowledgeDocuments.Markdown(("修复", 1, "宣纸修复的第一步是除尘。")));
        var (name, bytes) = kind switch
        {
            "encrypted" => ("locked.pdf", KnowledgeDocuments.EncryptedPdf()),
            "corrupt" => ("broken.pdf", KnowledgeDocuments.CorruptPdf()),
            "scanned" => ("scan.pdf", KnowledgeDocuments.ScannedPdf()),
            _ => ("bomb.docx", KnowledgeDocuments.DocxZipBomb()),
        };

        var bad = await IngestAsync(knowledge, star, name, bytes);

        Assert.Equal(KnowledgeTaskStatus.Failed, bad.Status);
        Assert.Equal(code, bad.Error);
        Assert.Equal((0, 0), await H.CountsAsync(bad.Id));
        var stillGood = await H.TaskAsync(good.Id);
        Assert.Equal(KnowledgeTaskStatus.Completed, stillGood.Status);
        Assert.Equal((stillGood.ChunkCount, stillGood.ChunkCount), await H.CountsAsync(good.Id));
    }

    [Fact]
    public async Task Ingest_PdfAndDocx_KeepPagesAndHeadingsForCitations()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var pdf = await IngestAsync(knowledge, star, "manual.pdf", KnowledgeDocuments.Pdf(3, p => $"Page {p}: wheat starch paste is used for hinge repairs number {p}."));
        var docx = await IngestAsync(knowledge, star, "guide.docx", KnowledgeDocuments.Docx(("装帧", 1, "线装书的装订"), (null, 0, "线装书用丝线穿孔装订，常见四眼订法。")));

        var chunks = (await knowledge.ListChunksAsync(star, null, 0, 50)).Items;

        Assert.Equal(KnowledgeTaskStatus.Completed, pdf.Status);
        Assert.Equal(KnowledgeTaskStatus.Completed, docx.Status);
        Assert.Contains(chunks, c => c.Citation.SourceName == "manual.pdf" && c.Citation.Page == 2 && c.Text.Contains("number 2", StringComparison.Ordinal));
        Assert.Contains(chunks, c => c.Citation.SourceName == "guide.docx" && c.Citation.HeadingPath.Contains("装帧") && c.Text.Contains("四眼订法", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddNote_Markdown_BecomesKnowledgeFoundByAsk()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var note = await knowledge.AddNoteAsync(star, "修复笔记", "# 糨糊\n\n修复古籍时使用小麦淀粉糨糊，因为它可逆、无酸。\n\n# 托裱\n\n托裱能加固脆弱的书页。");
        await H.RunQueuedAsync();
        await IngestAsync(knowledge, star, "astronomy.txt", KnowledgeDocuments.Text("Saturn's rings are best seen through a telescope in autumn evenings."));

        var answer = await knowledge.AskAsync(new RetrievalQuery(star, "修复古籍用什么糨糊？"));

        Assert.True(note.Succeeded);
        Assert.Equal("修复笔记.md", note.Value!.SourceName);
        var top = answer.Value!.Passages[0];
        Assert.Contains("小麦淀粉糨糊", top.Text, StringComparison.Ordinal);
        Assert.Equal("修复笔记.md", top.Citation.SourceName);
        Assert.Equal(["糨糊"], top.Citation.HeadingPath);
    }

    [Fact]
    public async Task AddNote_BlankTitleAndBody_ReturnsBothFieldErrors()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();

        var result = await knowledge.AddNoteAsync(star, " ", "\n");

        Assert.Equal(["Knowledge.Note.Title.Required", "Knowledge.Note.Empty"], result.Errors.Select(e => e.Code));
    }

    [Fact]
    public async Task Shutdown_AfterChunksBeforeVectors_ResumesToTheSameStateWithoutDuplicates()
    {
        var (owner, star, knowledge) = await OwnerWithStarAsync();
        var upload = await knowledge.UploadAsync(star, "long.txt", Bytes(KnowledgeDocuments.Text(KnowledgeDocuments.EnglishText(20000))), 20000);
        Assert.True(H.Jobs.TryDequeue(out var queued));

        // The host shuts down right after the chunks were written: its token is cancelled.
        using var crash = new CancellationTokenSource();
        var db = pg.Db(owner);
        var dying = new CrashAfterUpsert(new PostgresKnowledgeChunkStore(db), crash);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => H.Job(dying).RunAsync(queued.TaskId, queued.ActingUserId, crash.Token));
        var interrupted = await H.TaskAsync(upload.Value!.Id);
        var (vectorsAfterCrash, chunksAfterCrash) = await H.CountsAsync(interrupted.Id);

        // Restart: the app re-queues unfinished tasks; the rerun replaces the half-written state.
        var resumed = await H.Redrive().RunAsync(TimeSpan.FromMinutes(2), atStart: true);
        await H.RunQueuedAsync();
        var done = await H.TaskAsync(interrupted.Id);

        // A shutdown gives the task back (pending, no lease) and is not counted as an interrupted run.
        Assert.Equal(KnowledgeTaskStatus.Pending, interrupted.Status);
        Assert.Null(interrupted.LeaseUntil);
        Assert.Equal(0, interrupted.InterruptedRuns);
        Assert.Equal(0, vectorsAfterCrash);
        Assert.True(chunksAfterCrash > 0);
        Assert.Equal([(interrupted.Id, owner.UserId!.Value)], resumed);
        Assert.Equal(KnowledgeTaskStatus.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal((done.ChunkCount, done.ChunkCount), await H.CountsAsync(done.Id));
        Assert.Equal(chunksAfterCrash, done.ChunkCount);
    }

    [Fact]
    public async Task Reindex_CompletedTask_ReplacesRowsWithTheSameIds()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var task = await IngestAsync(knowledge, star, "a.txt", KnowledgeDocuments.Text(KnowledgeDocuments.ChineseText(3000)));
        var before = (await knowledge.ListChunksAsync(star, task.Id, 0, 100)).Items.Select(c => c.ChunkId).ToList();

        Assert.True((await knowledge.ReindexAsync(task.Id)).Succeeded);
        await H.RunQueuedAsync();

        var after = (await knowledge.ListChunksAsync(star, task.Id, 0, 100)).Items.Select(c => c.ChunkId).ToList();
        Assert.Equal(before, after);
        Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(task.Id)).Status);
        Assert.Equal((before.Count, before.Count), await H.CountsAsync(task.Id));
    }

    [Fact]
    public async Task CancelPending_EndsFailedAsCancelled_AndRetryRunsItAgain()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var upload = await knowledge.UploadAsync(star, "c.txt", Bytes(KnowledgeDocuments.Text("取消与重试。")), 20);

        var cancelled = await knowledge.CancelAsync(upload.Value!.Id);
        await H.RunQueuedAsync();
        var afterCancel = await H.TaskAsync(upload.Value.Id);
        var retried = await knowledge.RetryAsync(upload.Value.Id);
        await H.RunQueuedAsync();

        Assert.True(cancelled.Succeeded);
        Assert.Equal(KnowledgeTaskStatus.Failed, afterCancel.Status);
        Assert.Equal(KnowledgeErrors.Cancelled, afterCancel.Error);
        Assert.True(retried.Succeeded);
        Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(upload.Value.Id)).Status);
    }

    [Fact]
    public async Task Delete_RemovesChunksVectorsRawObjectAndTask()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var task = await IngestAsync(knowledge, star, "d.txt", KnowledgeDocuments.Text(KnowledgeDocuments.ChineseText(2000)));

        Assert.True((await knowledge.DeleteAsync(task.Id)).Succeeded);

        Assert.Equal((0, 0), await H.CountsAsync(task.Id));
        Assert.False(await H.Objects.ExistsAsync(Buckets.KnowledgeRaw, task.PayloadUri!));
        Assert.Equal(0, (await knowledge.ListTasksAsync(star, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task OtherUser_CannotAddListAskOrDeleteAnotherStarsKnowledge()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var task = await IngestAsync(knowledge, star, "secret.txt", KnowledgeDocuments.Text("秘密配方：宣纸与糨糊。"));
        var other = H.Service(await pg.CreateUserAsync());

        var upload = await other.UploadAsync(star, "x.txt", Bytes(Encoding.UTF8.GetBytes("x")), 1);
        var list = await other.ListTasksAsync(star, 0, 10);
        var chunks = await other.ListChunksAsync(star, null, 0, 10);
        var ask = await other.AskAsync(new RetrievalQuery(star, "秘密配方"));
        var delete = await other.DeleteAsync(task.Id);

        Assert.Equal(ResultKind.NotFound, upload.Kind);
        Assert.Equal(0, list.TotalCount);
        Assert.Equal(0, chunks.TotalCount);
        Assert.Equal(ResultKind.NotFound, ask.Kind);
        Assert.Equal(ResultKind.NotFound, delete.Kind);
        Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Settings_PerStarChunkSize_IsValidatedStoredAndUsedByTheNextRun()
    {
        var (_, star, knowledge) = await OwnerWithStarAsync();
        var text = KnowledgeDocuments.Text(KnowledgeDocuments.EnglishText(12000));
        var before = await IngestAsync(knowledge, star, "a.txt", text);

        var invalid = await knowledge.UpdateSettingsAsync(star, 50, 400);
        var saved = await knowledge.UpdateSettingsAsync(star, 150, 10);
        Assert.True((await knowledge.ReindexAsync(before.Id)).Succeeded);
        await H.RunQueuedAsync();
        var after = await H.TaskAsync(before.Id);
        var cleared = await knowledge.UpdateSettingsAsync(star, null, null);

        Assert.Equal(["Knowledge.Settings.ChunkSize.Range", "Knowledge.Settings.ChunkOverlap.Range"], invalid.Errors.Select(e => e.Code));
        Assert.Equal((150, 10), (saved.Value!.ChunkSize, saved.Value.ChunkOverlap));
        Assert.True(after.ChunkCount > before.ChunkCount * 2, $"{before.ChunkCount} → {after.ChunkCount}");
        Assert.Null(cleared.Value!.ChunkSize);
        Assert.Equal(500, cleared.Value.DefaultChunkSize);
    }

    /// <summary>Writes the chunks, then pulls the plug.</summary>
    private sealed class CrashAfterUpsert(IKnowledgeChunkStore inner, CancellationTokenSource crash) : IKnowledgeChunkStore
    {
        public async Task UpsertManyAsync(IReadOnlyList<KnowledgeChunkDocument> chunks, CancellationToken ct = default)
        {
            await inner.UpsertManyAsync(chunks, CancellationToken.None);
            await crash.CancelAsync();
        }

        public Task<Page<KnowledgeChunkDocument>> ListAsync(Guid starId, Guid? taskId, int skip, int take, CancellationToken ct = default) => inner.ListAsync(starId, taskId, skip, take, ct);

        public Task<IReadOnlyList<KnowledgeChunkDocument>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) => inner.GetManyAsync(ids, ct);

        public Task<long> DeleteByTaskAsync(Guid taskId, CancellationToken ct = default) => inner.DeleteByTaskAsync(taskId, ct);
    }
}
