using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;

namespace StarStudio.Tests.Integration.Training;

/// <summary>
/// Training jobs with the built-in trainer end to end over the database: the refusals of a start, phases in order with
/// their log lines, metrics computed from the answers, crash-resume, cancel, retry; then versions: activate, roll back,
/// another owner's version refused, the artifact for its owner only.
/// </summary>
public sealed class TrainingJobsTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-training-").FullName;
    private TrainingHarness? harness;

    private TrainingHarness H => harness ??= new TrainingHarness(pg, objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private async Task<(UserContext Owner, Guid Star, Guid Dataset)> ArrangeAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        var dataset = await H.CreateDatasetAsync(owner, star);
        return (owner, star, dataset);
    }

    private async Task<Guid> StartAsync(UserContext owner, Guid star, Guid dataset, TrainingMethod method = TrainingMethod.Sft)
    {
        var started = await H.Service(owner).StartAsync(star, dataset, method, null);
        Assert.True(started.Succeeded, string.Join(", ", started.Errors.Select(e => e.Code)));
        return started.Value!.Id;
    }

    [Fact]
    public async Task BuiltInJob_RunsThePhasesInOrder_LogsEach_AndPublishesV1WithoutActivatingIt()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var jobId = await StartAsync(owner, star, dataset);

        await H.RunQueuedAsync();

        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Succeeded, job.Status);
        Assert.Equal(100, job.Progress);
        var lines = (await H.Service(owner).LogsAsync(jobId, 0)).Value!.Lines;
        var phases = lines.Select(l => l.Phase).Distinct().ToList();
        Assert.Equal([TrainingPhases.Prepare, TrainingPhases.Train, TrainingPhases.Evaluate, TrainingPhases.Publish], phases);
        Assert.Contains(lines, l => l.Phase == TrainingPhases.Prepare && l.Stdout.Contains("sft 6+2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Phase == TrainingPhases.Train && l.Stdout.StartsWith("rule: ", StringComparison.Ordinal));

        var version = Assert.Single(await H.VersionsOfAsync(star));
        Assert.Equal("v1", version.VersionName);
        Assert.Equal(jobId, version.TrainingJobId);
        Assert.Equal(dataset, version.DatasetId);
        Assert.Equal(TrainingMethod.Sft, version.TrainingMethod);
        Assert.Equal(owner.UserId, version.CreatedBy);
        Assert.NotNull(version.TrainingDataSpan);
        Assert.Null(version.ServedModelId);
        Assert.Equal(version.Id, job.ModelVersionId);
        Assert.Null(await H.ActiveVersionAsync(star)); // the owner activates it

        var key = ModelArtifacts.KeyOf(version.ArtifactUri, star);
        Assert.EndsWith("/adapter.json", key, StringComparison.Ordinal);
        var adapter = PromptAdapter.Parse(await H.ReadObjectAsync(key!));
        Assert.NotNull(adapter);
        Assert.InRange(adapter.Exemplars.Count, 1, PromptAdapter.MaxExemplars);
        Assert.Contains("中文", adapter.Instructions, StringComparison.Ordinal);

        var mirrored = await H.ReadObjectAsync(TrainingRules.LogKey(star, jobId));
        Assert.NotNull(mirrored);
        Assert.Contains("[publish]", mirrored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluation_MetricsAreComputedFromBothVersionsAnswers_AndStoredForCompare()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        // Base: declines everything. New: the expected answer itself, with one citation.
        var expected = PromptAdapterBuilder.HeldOut(TrainingHarness.Sample()).ToDictionary(h => h.Question, h => h.Expected);
        H.Engine.Answer = r => r.Adapter is null ? ("抱歉，我不知道。", 0) : (expected[r.UserMessage], 1);
        var jobId = await StartAsync(owner, star, dataset);

        await H.RunQueuedAsync();

        var version = Assert.Single(await H.VersionsOfAsync(star));
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(version.Metrics)!;
        Assert.Equal(4, metrics["heldout_count"]);
        Assert.Equal(1, metrics["new.similarity"]);
        Assert.Equal(1, metrics["new.grounding_rate"]);
        Assert.Equal(0, metrics["new.refusal_rate"]);
        Assert.Equal(0, metrics["base.grounding_rate"]);
        Assert.Equal(1, metrics["base.refusal_rate"]);
        Assert.True(metrics["base.similarity"] < 0.3);
        Assert.Equal(8, H.Engine.Requests.Count); // every held-out question, once per version
        var evaluation = JsonSerializer.Deserialize<EvaluationRecord>(
            (await H.ReadObjectAsync(ModelArtifacts.VersionFolder(star, version.Id) + "evaluation.json"))!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(4, evaluation.Items.Count);
        Assert.All(evaluation.Items, i => Assert.Equal("抱歉，我不知道。", i.BaseAnswer));
        Assert.Equal(metrics, JsonSerializer.Deserialize<Dictionary<string, double>>((await H.JobAsync(jobId)).Metrics));
    }

    [Fact]
    public async Task Start_IsRefused_ForAnotherOwnersStar_AnArchivedStar_AnotherStarsDataset_AndTooLittleData()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var stranger = await pg.CreateUserAsync();
        var archived = await H.CreateStarAsync(owner, StarStatus.Archived);
        var archivedData = await H.CreateDatasetAsync(owner, archived);
        var other = await H.CreateStarAsync(owner);
        var thin = await H.CreateDatasetAsync(owner, other, new TrainingData([], [], [], [], [], []));

        var notMine = await H.Service(stranger).StartAsync(star, dataset, TrainingMethod.Sft, null);
        var isArchived = await H.Service(owner).StartAsync(archived, archivedData, TrainingMethod.Sft, null);
        var wrongStar = await H.Service(owner).StartAsync(star, thin, TrainingMethod.Sft, null);
        var tooLittle = await H.Service(owner).StartAsync(other, thin, TrainingMethod.Dpo, null);

        Assert.Equal("Training.Job.StarNotYours", Assert.Single(notMine.Errors).Code);
        Assert.Equal("Training.Job.StarArchived", Assert.Single(isArchived.Errors).Code);
        Assert.Equal("Training.Job.DatasetNotOfStar", Assert.Single(wrongStar.Errors).Code);
        Assert.Equal([DatasetRules.MissingDpoTrain, DatasetRules.MissingDpoHoldout], tooLittle.Errors.Select(e => e.Code));
        Assert.All(tooLittle.Errors, e => Assert.Equal("Dataset", e.Field));
        Assert.Empty(H.Jobs.Enqueued);
    }

    [Fact]
    public async Task TwoJobsAtOnce_AreRefused_EvenWhenTheCheckIsRaced()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        await StartAsync(owner, star, dataset);

        var second = await H.Service(owner).StartAsync(star, dataset, TrainingMethod.Sft, null);
        var raced = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var o = await pg.CreateUserAsync();
            var s = await H.CreateStarAsync(o);
            var d = await H.CreateDatasetAsync(o, s);
            var all = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => H.Service(o).StartAsync(s, d, TrainingMethod.Sft, null)));
            return all.Count(r => r.Succeeded);
        }));

        Assert.Equal("Training.Job.AlreadyActive", Assert.Single(second.Errors).Code);
        Assert.All(raced, ok => Assert.Equal(1, ok));
    }

    [Fact]
    public async Task CrashResume_ARunThatDiedMidEvaluation_IsRedriven_AndResumesWithoutRetraining_OrPublishingTwice()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var jobId = await StartAsync(owner, star, dataset);
        H.Jobs.Clear();
        // A first run trained and wrote the adapter, then its process died in the evaluate phase.
        var adapterKey = ModelArtifacts.VersionFolder(star, jobId) + "adapter.json";
        var planted = new PromptAdapter("planted by the dead run", [new PromptExemplar("宣纸怎么保存？", "防潮。")]);
        await H.Objects.PutAsync(Buckets.ModelArtifacts, adapterKey, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(planted.ToJson())), "application/json");
        await H.ArrangeAsync(jobId, "status = 'running', phase = 'evaluate', progress = 75, attempts = 1, started_at = now() - interval '10 minutes', lease_until = now() - interval '1 minute', enqueued_at = now() - interval '10 minutes'");
        var progressSeen = new List<(TrainingJobPhase?, short)>();
        H.Engine.BeforeAnswer = async () =>
        {
            var j = await H.JobAsync(jobId);
            progressSeen.Add((j.Phase, j.Progress));
        };

        var queued = await H.Redrive().RunAsync(TimeSpan.FromMinutes(2), atStart: false);
        await H.RunQueuedAsync();
        var again = await H.Redrive().RunAsync(TimeSpan.FromMinutes(2), atStart: true);

        Assert.Equal([(jobId, owner.UserId!.Value)], queued);
        Assert.Empty(again);
        var job = await H.JobAsync(jobId);
        Assert.Equal(TrainingJobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.InterruptedRuns);
        Assert.Single(await H.VersionsOfAsync(star));
        Assert.Equal("planted by the dead run", PromptAdapter.Parse(await H.ReadObjectAsync(adapterKey))!.Instructions); // not retrained
        var lines = (await H.Service(owner).LogsAsync(jobId, 0)).Value!.Lines;
        Assert.Contains(lines, l => l.Stdout.StartsWith("resumed after an interrupted run", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Phase == TrainingPhases.Train);
        Assert.All(progressSeen, p => Assert.Equal(TrainingJobPhase.Evaluate, p.Item1));
        Assert.All(progressSeen, p => Assert.InRange(p.Item2, (short)75, (short)95)); // never back to 0 while resuming
    }

    [Fact]
    public async Task CrashResume_ARunThatDiedAfterPublishing_OnlyFinishesTheJob()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var jobId = await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        // As if the process died between writing the version and ending the job.
        await H.ArrangeAsync(jobId, "status = 'running', phase = 'publish', model_version_id = NULL, lease_until = now() - interval '1 minute'");
        H.Engine.Requests.Clear();

        await H.Redrive().RunAsync(TimeSpan.FromMinutes(2), atStart: true);
        await H.RunQueuedAsync();

        Assert.Equal(TrainingJobStatus.Succeeded, (await H.JobAsync(jobId)).Status);
        Assert.Single(await H.VersionsOfAsync(star));
        Assert.Empty(H.Engine.Requests);
    }

    [Fact]
    public async Task Cancel_OfAQueuedJob_EndsItAtOnce_AndMidRun_StopsBetweenSteps_WithoutAVersion()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var queued = await StartAsync(owner, star, dataset);
        var cancelled = await H.Service(owner).CancelAsync(queued);
        await H.RunQueuedAsync();
        Assert.Equal(TrainingJobStatus.Cancelled, cancelled.Value!.Status);

        var running = await StartAsync(owner, star, dataset);
        H.Engine.BeforeAnswer = async () => await H.Service(owner).CancelAsync(running);
        await H.RunQueuedAsync();

        var job = await H.JobAsync(running);
        Assert.Equal(TrainingJobStatus.Cancelled, job.Status);
        Assert.Equal(TrainingJobPhase.Evaluate, job.Phase);
        Assert.Empty(await H.VersionsOfAsync(star));
        Assert.Null(await H.ActiveVersionAsync(star));
    }

    [Fact]
    public async Task Retry_OfAFailedJob_QueuesANewJobWithTheSameInputs_AndAFailureLeavesTheActiveVersionAlone()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        var first = await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        var v1 = Assert.Single(await H.VersionsOfAsync(star));
        Assert.True((await H.Versions(owner).ActivateAsync(star, v1.Id)).Succeeded);
        H.Datasets.Data.Remove(dataset); // the dataset's files are gone
        var second = await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        H.Datasets.Data[dataset] = TrainingHarness.Sample();

        var notRetryable = await H.Service(owner).RetryAsync(first);
        var retried = await H.Service(owner).RetryAsync(second);
        await H.RunQueuedAsync();

        var failed = await H.JobAsync(second);
        Assert.Equal(TrainingJobStatus.Failed, failed.Status);
        Assert.Equal("Training.Job.Error.DatasetUnreadable", failed.Error);
        Assert.Equal(v1.Id, failed.BaseVersionId);
        Assert.Equal("Training.Job.NotRetryable", Assert.Single(notRetryable.Errors).Code);
        Assert.True(retried.Succeeded);
        Assert.NotEqual(second, retried.Value!.Id);
        Assert.Equal((dataset, TrainingMethod.Sft, (Guid?)null), (retried.Value.DatasetId, retried.Value.Method, retried.Value.TrainerId));
        Assert.Equal(TrainingJobStatus.Succeeded, (await H.JobAsync(retried.Value.Id)).Status);
        Assert.Equal(["v1", "v2"], (await H.VersionsOfAsync(star)).Select(v => v.VersionName));
        Assert.Equal(v1.Id, await H.ActiveVersionAsync(star)); // v2 is not activated by itself
    }

    [Fact]
    public async Task Versions_ActivateAndRollBack_AnotherOwnersVersionIsRefused_AndTheActiveVersionIsUnchanged()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        var mine = Assert.Single(await H.VersionsOfAsync(star));
        var (other, otherStar, otherData) = await ArrangeAsync();
        await StartAsync(other, otherStar, otherData);
        await H.RunQueuedAsync();
        var theirs = Assert.Single(await H.VersionsOfAsync(otherStar));

        var activated = await H.Versions(owner).ActivateAsync(star, mine.Id);
        var foreignVersion = await H.Versions(owner).ActivateAsync(star, theirs.Id);
        var foreignStar = await H.Versions(owner).ActivateAsync(otherStar, mine.Id);
        var afterRefusals = await H.ActiveVersionAsync(star);
        var rolledBack = await H.Versions(owner).ActivateAsync(star, null);

        Assert.True(activated.Value!.Versions.Single().IsActive);
        Assert.Equal("Training.Version.NotYours", Assert.Single(foreignVersion.Errors).Code);
        Assert.Equal("Training.Version.NotYours", Assert.Single(foreignStar.Errors).Code);
        Assert.Equal(mine.Id, afterRefusals);
        Assert.Null(await H.ActiveVersionAsync(otherStar));
        Assert.True(rolledBack.Succeeded);
        Assert.Null(rolledBack.Value!.ActiveVersionId);
        Assert.Null(await H.ActiveVersionAsync(star));
    }

    [Fact]
    public async Task Compare_ShowsMetricsSideBySide_AndTheHeldOutAnswersOfBoth()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        var v1 = Assert.Single(await H.VersionsOfAsync(star));
        await H.Versions(owner).ActivateAsync(star, v1.Id);
        H.Engine.Answer = r => ((r.Star.ModelVersion == "candidate" ? "v2 says " : "v1 says ") + r.UserMessage, 0);
        await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        var v2 = (await H.VersionsOfAsync(star))[1];

        var compared = await H.Versions(owner).CompareAsync(v1.Id, v2.Id);
        var stranger = await H.Versions(await pg.CreateUserAsync()).CompareAsync(v1.Id, v2.Id);

        Assert.True(compared.Succeeded);
        Assert.Contains("new.similarity", compared.Value!.MetricNames);
        Assert.Equal(4, compared.Value.Answers.Count);
        Assert.All(compared.Value.Answers, a =>
        {
            Assert.StartsWith("v1 says", a.AnswerA, StringComparison.Ordinal);
            Assert.StartsWith("v2 says", a.AnswerB, StringComparison.Ordinal);
        });
        Assert.Equal(ResultKind.NotFound, stranger.Kind);
    }

    [Fact]
    public async Task Artifact_IsDownloadableByItsOwnerOnly()
    {
        var (owner, star, dataset) = await ArrangeAsync();
        await StartAsync(owner, star, dataset);
        await H.RunQueuedAsync();
        var version = Assert.Single(await H.VersionsOfAsync(star));
        // Even a public star's current version (readable by everyone) is not downloadable by them.
        Assert.True((await H.Versions(owner).ActivateAsync(star, version.Id)).Succeeded);
        await using (var db = pg.OwnerContext())
        {
            (await db.Stars.FindAsync(star))!.IsPublic = true;
            await db.SaveChangesAsync();
        }

        var mine = await H.Versions(owner).OpenArtifactAsync(version.Id);
        var theirs = await H.Versions(await pg.CreateUserAsync()).OpenArtifactAsync(version.Id);

        Assert.True(mine.Succeeded);
        Assert.Equal("v1-adapter.json", mine.Value!.FileName);
        using (var reader = new StreamReader(mine.Value.Content))
        {
            Assert.NotNull(PromptAdapter.Parse(await reader.ReadToEndAsync()));
        }

        Assert.Equal(ResultKind.NotFound, theirs.Kind);
    }
}
