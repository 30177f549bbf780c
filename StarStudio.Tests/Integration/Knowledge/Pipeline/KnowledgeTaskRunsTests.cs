using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Storage;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Knowledge.Pipeline;

/// <summary>
/// Tasks outlive the process that took them: a task saved without its job, a job lost with a dead worker, a run that died
/// mid-way and a document that keeps killing its runs each end completed or failed with a reason, never pending forever.
/// </summary>
public sealed class KnowledgeTaskRunsTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly TimeSpan RedriveAfter = TimeSpan.FromMinutes(2);
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-taskruns-").FullName;
    private KnowledgeHarness? harness;

    private KnowledgeHarness H => harness ??= new KnowledgeHarness(pg, objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private async Task<(UserContext Owner, Guid Task)> UploadedAsync(string text = "讲述宣纸的制作与保存。Paper making and keeping.")
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        var bytes = KnowledgeDocuments.Text(text);
        var result = await H.Service(owner).UploadAsync(star, $"{Guid.NewGuid():N}.txt", new MemoryStream(bytes), bytes.Length);
        Assert.True(result.Succeeded);
        return (owner, result.Value!.Id);
    }

    /// <summary>Changes a task's row behind the services' back, as a dead process would have left it.</summary>
    private async Task ArrangeAsync(Guid task, string set)
    {
        await using var db = pg.OwnerContext();
        // The SET clause is a literal of this file's tests, never input.
#pragma warning disable EF1003
        await db.Database.ExecuteSqlRawAsync("UPDATE knowledge_tasks SET " + set + " WHERE id = @p0", task);
#pragma warning restore EF1003
    }

    [Fact]
    public async Task TaskSavedButJobNeverQueued_IsQueuedOnStart_AndCompletes()
    {
        var (owner, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out _); // the process died before Hangfire stored the job

        var queued = await H.Redrive().RunAsync(RedriveAfter, atStart: true);
        await H.RunQueuedAsync();

        Assert.Equal([(task, owner.UserId!.Value)], queued);
        Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(task)).Status);
    }

    [Fact]
    public async Task PendingTask_IsQueuedAgainOnlyAfterRedriveAfter_WhenNotStarting()
    {
        var (_, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out _);

        var fresh = await H.Redrive().RunAsync(RedriveAfter, atStart: false);
        await ArrangeAsync(task, "enqueued_at = now() - interval '3 minutes'");
        var overdue = await H.Redrive().RunAsync(RedriveAfter, atStart: false);
        var again = await H.Redrive().RunAsync(RedriveAfter, atStart: false);

        Assert.Empty(fresh);
        Assert.Equal([task], overdue.Select(q => q.TaskId));
        Assert.Empty(again); // queueing stamps enqueued_at, so one sweep does not queue it twice
        Assert.True((await H.TaskAsync(task)).EnqueuedAt > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task TaskHeldByALiveRun_IsNeitherRedrivenNorRunTwice()
    {
        var (owner, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out var job);
        await ArrangeAsync(task, "status = 'processing', lease_until = now() + interval '1 minute', attempts = 1");

        var queued = await H.Redrive().RunAsync(RedriveAfter, atStart: true);
        await H.Job().RunAsync(task, job.ActingUserId, CancellationToken.None); // a duplicate job
        var after = await H.TaskAsync(task);

        Assert.Empty(queued);
        Assert.Equal(KnowledgeTaskStatus.Processing, after.Status);
        Assert.Equal(1, after.Attempts);
        Assert.Equal(0, after.InterruptedRuns);
        Assert.Equal((0, 0), await H.CountsAsync(task));
        Assert.Equal(owner.UserId, job.ActingUserId);
    }

    [Fact]
    public async Task RunThatDied_IsRedrivenWhenItsLeaseRunsOut_CountedAsInterrupted_AndCompletes()
    {
        var (_, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out _);
        await ArrangeAsync(task, "status = 'processing', phase = 'embed', progress = 50, lease_until = now() - interval '1 second', attempts = 1, enqueued_at = now() - interval '10 minutes'");

        var queued = await H.Redrive().RunAsync(RedriveAfter, atStart: false);
        await H.RunQueuedAsync();
        var done = await H.TaskAsync(task);

        Assert.Equal([task], queued.Select(q => q.TaskId));
        Assert.Equal(KnowledgeTaskStatus.Completed, done.Status);
        Assert.Equal(1, done.InterruptedRuns);
        Assert.Equal(2, done.Attempts);
        Assert.Null(done.LeaseUntil);
        Assert.Equal((done.ChunkCount, done.ChunkCount), await H.CountsAsync(task));
    }

    [Fact]
    public async Task TaskWhoseRunsKeepDying_IsFailedWithAReason_NotRetriedForever()
    {
        var (_, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out var job);
        H.JobOptions = new KnowledgeJobOptions { MaxInterruptedRuns = 3 };
        await ArrangeAsync(task, "status = 'processing', lease_until = now() - interval '1 second', attempts = 3, interrupted_runs = 2");

        await H.Job().RunAsync(task, job.ActingUserId, CancellationToken.None);
        var failed = await H.TaskAsync(task);
        var queued = await H.Redrive().RunAsync(RedriveAfter, atStart: true);

        Assert.Equal(KnowledgeTaskStatus.Failed, failed.Status);
        Assert.Equal($"{KnowledgeTaskRuns.InterruptedError}: 3", failed.Error);
        Assert.Null(failed.LeaseUntil);
        Assert.Empty(queued);
        Assert.Equal((0, 0), await H.CountsAsync(task));
    }

    [Fact]
    public async Task Retry_AfterGivingUp_StartsTheCountAgain()
    {
        var (owner, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out _);
        await ArrangeAsync(task, $"status = 'failed', error = '{KnowledgeTaskRuns.InterruptedError}: 3', interrupted_runs = 3");

        var retried = await H.Service(owner).RetryAsync(task);
        await H.RunQueuedAsync();
        var done = await H.TaskAsync(task);

        Assert.True(retried.Succeeded);
        Assert.Equal(KnowledgeTaskStatus.Completed, done.Status);
        Assert.Equal(0, done.InterruptedRuns);
    }

    [Fact]
    public async Task TwoJobsForOneTask_AtOnce_IndexItOnce()
    {
        var (_, task) = await UploadedAsync(KnowledgeDocuments.EnglishText(20000));
        H.Jobs.TryDequeue(out var job);

        await Task.WhenAll(
            Task.Run(() => H.Job().RunAsync(task, job.ActingUserId, CancellationToken.None)),
            Task.Run(() => H.Job().RunAsync(task, job.ActingUserId, CancellationToken.None)));
        var done = await H.TaskAsync(task);

        Assert.Equal(KnowledgeTaskStatus.Completed, done.Status);
        Assert.Equal(1, done.Attempts);
        Assert.Equal((done.ChunkCount, done.ChunkCount), await H.CountsAsync(task));
    }

    [Fact]
    public async Task LongRun_RenewsItsLease()
    {
        var (_, task) = await UploadedAsync();
        H.Jobs.TryDequeue(out var job);
        H.JobOptions = new KnowledgeJobOptions { LeaseDuration = TimeSpan.FromMilliseconds(900) };
        var gate = new TaskCompletionSource();
        var slow = new SlowChunkStore(new Data.Storage.PostgresKnowledgeChunkStore(pg.Db(UserContext.For(job.ActingUserId))), gate.Task);

        var run = Task.Run(() => H.Job(slow).RunAsync(task, job.ActingUserId, CancellationToken.None));
        await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var first = (await H.TaskAsync(task)).LeaseUntil;
        await Task.Delay(1500);
        var later = (await H.TaskAsync(task)).LeaseUntil;
        var redriven = await H.Redrive().RunAsync(TimeSpan.Zero, atStart: true);
        gate.SetResult();
        await run;

        Assert.NotNull(first);
        Assert.True(later > first, $"lease {first:O} was not renewed ({later:O})");
        Assert.Empty(redriven); // held by the live run, although it outlasted its first lease
        Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(task)).Status);
    }

    [Fact]
    public async Task RemoteEmbedderFailure_FailsTheTaskAsAnEmbeddingFailureWithTheStatus_NotAsUnexpected()
    {
        await using var server = new Unit.Knowledge.Embeddings.OpenAiCompatibleEmbedderTests.EmbeddingServer
        {
            Respond = _ => (System.Net.HttpStatusCode.ServiceUnavailable, "{\"error\":{\"message\":\"secret upstream detail at 10.0.0.7\"}}"),
        };
        await server.StartAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.EmbeddingModels.Where(m => m.IsDefault).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsDefault, false));
            db.EmbeddingModels.Add(new EmbeddingModel
            {
                Id = Guid.NewGuid(), Name = "remote-384", Provider = EmbeddingProviders.OpenAi, Dimension = 384, MaxInputTokens = 512,
                BaseUrl = server.BaseUrl, IsActive = true, IsDefault = true, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        try
        {
            var (_, task) = await UploadedAsync();
            await H.RunQueuedAsync();
            var failed = await H.TaskAsync(task);

            Assert.Equal(KnowledgeTaskStatus.Failed, failed.Status);
            Assert.Equal($"{Data.Knowledge.KnowledgeErrors.Embedding}: HTTP 503", failed.Error);
        }
        finally
        {
            await using var db = pg.OwnerContext();
            await db.EmbeddingModels.Where(m => m.Name == "remote-384").ExecuteDeleteAsync();
            await db.EmbeddingModels.Where(m => m.Provider == EmbeddingProviders.Local).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsDefault, true));
        }
    }

    [Fact]
    public async Task RedriveFunction_IsNotExecutableByPublic()
    {
        await using var db = pg.OwnerContext();
        var publicCanRun = await db.Database.SqlQuery<bool>(
            $"SELECT has_function_privilege('public', 'knowledge_tasks_redrive(interval, boolean, integer)', 'EXECUTE') AS \"Value\"").SingleAsync();

        Assert.False(publicCanRun);
    }

    private sealed class SlowChunkStore(IKnowledgeChunkStore inner, Task gate) : IKnowledgeChunkStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task UpsertManyAsync(IReadOnlyList<KnowledgeChunkDocument> chunks, CancellationToken ct = default)
        {
            Entered.TrySetResult();
            await gate;
            await inner.UpsertManyAsync(chunks, ct);
        }

        public Task<Page<KnowledgeChunkDocument>> ListAsync(Guid starId, Guid? taskId, int skip, int take, CancellationToken ct = default) => inner.ListAsync(starId, taskId, skip, take, ct);

        public Task<IReadOnlyList<KnowledgeChunkDocument>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) => inner.GetManyAsync(ids, ct);

        public Task<long> DeleteByTaskAsync(Guid taskId, CancellationToken ct = default) => inner.DeleteByTaskAsync(taskId, ct);
    }
}
