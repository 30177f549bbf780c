using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Integration.Training;

/// <summary>
/// The external trainer contract against a scripted trainer on loopback: success, a hang, a failure, garbage metrics, an
/// artifact outside the bucket, cancel, and a dead run resumed by polling the stored external job (never a second submit).
/// Every failure leaves the active version as it was.
/// </summary>
public sealed class TrainerContractTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-trainer-").FullName;
    private ScriptedTrainerServer server = null!;
    private TrainingHarness H = null!;

    public async Task InitializeAsync()
    {
        server = await ScriptedTrainerServer.StartAsync();
        H = new TrainingHarness(pg, objectsRoot);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(objectsRoot, recursive: true);
    }

    private async Task<(UserContext Owner, Guid Star, Guid Job)> StartAsync(TrainingMethod method = TrainingMethod.Sft, Guid? servingProvider = null)
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        var dataset = await H.CreateDatasetAsync(owner, star);
        var trainer = await H.CreateTrainerAsync(server.BaseUri, servingProvider: servingProvider);
        var started = await H.Service(owner).StartAsync(star, dataset, method, trainer);
        Assert.True(started.Succeeded, string.Join(", ", started.Errors.Select(e => e.Code)));
        return (owner, star, started.Value!.Id);
    }

    private string Artifact(Guid star) => ModelArtifacts.UriOf(ModelArtifacts.StarPrefix(star) + "versions/ext/adapter.safetensors");

    [Fact]
    public async Task Success_SubmitsTheDatasetUriAndMethod_CopiesEvents_AndPublishesTheServedModel()
    {
        var (owner, star, jobId) = await StartAsync(TrainingMethod.Dpo);
        server.Events.AddRange(["Validating training file", "Step 10/20: training loss=0.52"]);
        server.Poll(server.Status("queued"), server.Status("running"), server.Status("succeeded", "ft:qwen:star", Artifact(star), """{"train_loss":0.41,"eval.accuracy":0.8}"""));

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Succeeded, job.Status);
        Assert.Equal(server.JobId, job.ExternalJobId);
        var create = server.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs");
        Assert.Equal("Bearer sk-trainer", create.Authorization);
        using var body = JsonDocument.Parse(create.Body);
        Assert.Equal("qwen2.5-7b", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("dpo", body.RootElement.GetProperty("method").GetProperty("type").GetString());
        Assert.EndsWith($"/datasets/{job.DatasetId:N}/dpo.train.jsonl", body.RootElement.GetProperty("training_file").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("s3://model-artifacts/", body.RootElement.GetProperty("training_file").GetString(), StringComparison.Ordinal);
        Assert.Equal(jobId.ToString("N"), body.RootElement.GetProperty("metadata").GetProperty("job_id").GetString());

        var version = Assert.Single(await H.VersionsOfAsync(star));
        Assert.Equal("ft:qwen:star", version.ServedModelId);
        Assert.Equal(Artifact(star), version.ArtifactUri);
        Assert.Equal(job.TrainerId, version.TrainerId);
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(version.Metrics)!;
        Assert.Equal(0.41, metrics["trainer.train_loss"]);
        Assert.Equal(0.8, metrics["trainer.eval.accuracy"]);
        var lines = (await H.Service(owner).LogsAsync(jobId, 0)).Value!.Lines.Select(l => l.Stdout).ToList();
        Assert.Contains("Step 10/20: training loss=0.52", lines);
        Assert.Equal(1, lines.Count(l => l == "Validating training file")); // polled three times, copied once
        Assert.Contains(lines, l => l.StartsWith("live evaluation skipped", StringComparison.Ordinal));
        Assert.Null(await H.ActiveVersionAsync(star));
    }

    [Fact]
    public async Task Hang_FailsWithAReadableReason_WhenARequestTimesOut()
    {
        var (_, star, jobId) = await StartAsync();
        H.Options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        server.PollDelay = TimeSpan.FromSeconds(10);

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Failed, job.Status);
        Assert.StartsWith("Training.Job.Error.TrainerTimeout", job.Error, StringComparison.Ordinal);
        Assert.Empty(await H.VersionsOfAsync(star));
    }

    [Fact]
    public async Task Hang_OfAJobThatNeverFinishes_FailsAtTheOverallDeadline_AndIsCancelledAtTheTrainer()
    {
        var (_, star, jobId) = await StartAsync();
        H.Options.ExternalDeadline = TimeSpan.FromMilliseconds(400);
        server.Poll(server.Status("running"));

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Failed, job.Status);
        Assert.StartsWith("Training.Job.Error.Deadline", job.Error, StringComparison.Ordinal);
        Assert.True(server.Cancels >= 1);
        Assert.Empty(await H.VersionsOfAsync(star));
    }

    [Fact]
    public async Task Failure_ShowsTheTrainersMessage_CappedAndSanitised()
    {
        var (_, _, jobId) = await StartAsync();
        server.Poll(server.Status("failed", error: "CUDA out of memory\n\u0007 at step 12" + new string('x', 600)));

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Failed, job.Status);
        Assert.StartsWith("Training.Job.Error.TrainerFailed: CUDA out of memory at step 12", job.Error, StringComparison.Ordinal);
        Assert.True(job.Error!.Length <= "Training.Job.Error.TrainerFailed: ".Length + TrainingRules.MaxErrorChars + 1);
        Assert.DoesNotContain('\n', job.Error);
    }

    [Theory]
    [InlineData("""{"loss":"low"}""")]
    [InlineData("""{"eval.accuracy":1.7}""")]
    [InlineData("""{"loss":1e308, "similarity": -0.1}""")]
    [InlineData("""[1,2]""")]
    public async Task GarbageMetrics_FailTheJob_WithoutAVersion(string metrics)
    {
        var (_, star, jobId) = await StartAsync();
        server.Poll(server.Status("succeeded", "ft:x", Artifact(star), metrics));

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Failed, job.Status);
        Assert.Equal("Training.Job.Error.GarbageMetrics", job.Error);
        Assert.Empty(await H.VersionsOfAsync(star));
    }

    [Theory]
    [InlineData("s3://other-bucket/stars/{star}/x.bin")]
    [InlineData("s3://model-artifacts/stars/{other}/x.bin")]
    [InlineData("s3://model-artifacts/stars/{star}/../{other}/x.bin")]
    [InlineData("https://evil.example/x.bin")]
    public async Task ArtifactUriOutsideTheBucket_FailsTheJob_AndLeavesTheActiveVersionAlone(string template)
    {
        var (owner, star, jobId) = await StartAsync();
        var uri = template.Replace("{star}", star.ToString("N"), StringComparison.Ordinal).Replace("{other}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        server.Poll(server.Status("succeeded", "ft:x", uri, "{}"));

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Failed, job.Status);
        Assert.Equal("Training.Job.Error.ArtifactOutside", job.Error);
        Assert.Empty(await H.VersionsOfAsync(star));
        Assert.Null(await H.ActiveVersionAsync(star));
    }

    [Fact]
    public async Task Cancel_WhileTheTrainerRuns_IsSentToTheTrainer()
    {
        var (owner, _, jobId) = await StartAsync();
        server.Poll(server.Status("running"));
        var run = Task.Run(H.RunQueuedAsync);
        await WaitUntilAsync(async () => (await H.JobAsync(jobId)).ExternalJobId is not null);

        await H.Service(owner).CancelAsync(jobId);
        await run;

        Assert.Equal(TrainingJobStatus.Cancelled, (await H.JobAsync(jobId)).Status);
        Assert.Equal(1, server.Cancels);
    }

    [Fact]
    public async Task CrashResume_ADeadRunWithAnExternalJobId_IsPolledAgain_NeverSubmittedTwice()
    {
        var (owner, star, jobId) = await StartAsync();
        H.Jobs.Clear();
        await H.ArrangeAsync(jobId, $"status = 'running', phase = 'train', attempts = 1, external_job_id = '{server.JobId}', started_at = now(), lease_until = now() - interval '1 second', enqueued_at = now() - interval '10 minutes'");
        server.Poll(server.Status("succeeded", "ft:resumed", Artifact(star), """{"train_loss":0.3}"""));

        var queued = await H.Redrive().RunAsync(TimeSpan.FromMinutes(2), atStart: false);
        await H.RunQueuedAsync();

        Assert.Equal([jobId], queued.Select(q => q.JobId));
        Assert.Equal(0, server.Creates);
        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.InterruptedRuns);
        Assert.Equal("ft:resumed", Assert.Single(await H.VersionsOfAsync(star)).ServedModelId);
        Assert.Contains((await H.Service(owner).LogsAsync(jobId, 0)).Value!.Lines, l => l.Stdout.Contains("not submitted twice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithATrainerThatDoesNotOfferTheMethod_OrIsInactive_IsRefused()
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        var dataset = await H.CreateDatasetAsync(owner, star);
        var sftOnly = await H.CreateTrainerAsync(server.BaseUri, methods: TrainingMethod.Sft);

        var wrongMethod = await H.Service(owner).StartAsync(star, dataset, TrainingMethod.Dpo, sftOnly);
        await using (var db = pg.OwnerContext())
        {
            (await db.Trainers.FindAsync(sftOnly))!.IsActive = false;
            await db.SaveChangesAsync();
        }

        var inactive = await H.Service(owner).StartAsync(star, dataset, TrainingMethod.Sft, sftOnly);

        Assert.Equal("Training.Job.TrainerMethod", Assert.Single(wrongMethod.Errors).Code);
        Assert.Equal("Training.Job.TrainerInactive", Assert.Single(inactive.Errors).Code);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50);
        }
    }
}
