using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Web.Components.Studio.Training;

namespace StarStudio.Tests.Components.Studio.Training;

/// <summary>The jobs and versions panels over in-memory services: what they show, what their buttons call, and how refusals appear.</summary>
public sealed class TrainingPanelsTests : ComponentTest
{
    private static readonly Guid Star = Guid.NewGuid();
    private readonly FakeJobs jobs = new();
    private readonly FakeVersions versions = new();

    public TrainingPanelsTests()
    {
        Context.Services.AddSingleton<ITrainingJobService>(jobs);
        Context.Services.AddSingleton<IModelVersionService>(versions);
        Context.Services.AddSingleton<ITrainingDatasetService>(new FakeDatasets());
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    [Fact]
    public async Task Versions_ShowTheActiveOne_AndActivateAndRollBackCallTheService()
    {
        var v1 = versions.Add("v1", active: true);
        var v2 = versions.Add("v2");
        var cut = Render<VersionsPanel>(p => p.Add(x => x.StarId, Star));

        var rows = cut.FindAll("[data-testid=version-row]");
        Assert.Equal(["v2", "v1"], rows.Select(r => r.GetAttribute("data-version-name")));
        Assert.NotNull(rows[1].QuerySelector("[data-testid=version-active]"));
        Assert.Contains("new.similarity=0.5", cut.Markup, StringComparison.Ordinal);

        await cut.Find("[data-testid=version-activate]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Equal(v2, versions.Active));
        await cut.Find("[data-testid=version-rollback-base]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Null(versions.Active));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=version-base-active]")));
        Assert.Equal([v2, (Guid?)null], versions.Calls);
        _ = v1;
    }

    [Fact]
    public async Task Versions_ARefusedActivation_ShowsTheReason_AndKeepsTheActiveVersion()
    {
        versions.Add("v1", active: true);
        versions.Add("v2");
        versions.Refuse = true;
        var cut = Render<VersionsPanel>(p => p.Add(x => x.StarId, Star));

        await cut.Find("[data-testid=version-activate]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("不属于你的星体", cut.Find("[data-testid=version-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("v1", cut.Find("[data-testid=version-active]").Closest("[data-testid=version-row]")!.GetAttribute("data-version-name"));
    }

    [Fact]
    public async Task Jobs_AStartRefusedForTooLittleData_ShowsWhatIsMissingAtTheDatasetField()
    {
        jobs.StartResult = Result<TrainingJobView>.Invalid([new FieldError("Dataset", "Training.Dataset.Missing.DpoTrain")]);
        var cut = Render<TrainingJobsPanel>(p => p.Add(x => x.StarId, Star));

        await cut.Find("[data-testid=job-start] ").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("至少 3 个 DPO 偏好对", cut.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jobs_ShowStatusAndPhase_OfferRetryForAFailedJob_AndStreamNewLogLines()
    {
        var running = jobs.Add(TrainingJobStatus.Running, TrainingJobPhase.Train);
        jobs.Add(TrainingJobStatus.Failed, TrainingJobPhase.Evaluate, error: "Training.Job.Error.GarbageMetrics");
        jobs.Lines.Add(Line(running, "prepare", "dataset read"));
        var cut = Render<TrainingJobsPanel>(p => p.Add(x => x.StarId, Star).Add(x => x.PollEvery, TimeSpan.FromMilliseconds(50)));

        Assert.Equal(["running", "failed"], cut.FindAll("[data-testid=job-status]").Select(s => s.GetAttribute("data-status")));
        Assert.Contains("无效指标", cut.Find("[data-testid=job-error-text]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=job-retry]"));
        Assert.Single(cut.FindAll("[data-testid=job-cancel]"));
        Assert.Contains("dataset read", cut.Find("[data-testid=job-log]").TextContent, StringComparison.Ordinal);

        jobs.Lines.Add(Line(running, "train", "rule: 用中文回答。"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=job-log-line]").Count));

        await cut.Find("[data-testid=job-retry]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Single(jobs.Retried));
    }

    private static TrainingLogDocument Line(Guid job, string phase, string text) =>
        new(Guid.NewGuid(), job, Star, phase, text, new Dictionary<string, double>(), DateTimeOffset.UtcNow);

    private sealed class FakeJobs : ITrainingJobService
    {
        public List<TrainingJobView> Jobs { get; } = [];

        public List<TrainingLogDocument> Lines { get; } = [];

        public List<Guid> Retried { get; } = [];

        public Result<TrainingJobView>? StartResult { get; set; }

        public Guid Add(TrainingJobStatus status, TrainingJobPhase phase, string? error = null)
        {
            var id = Guid.NewGuid();
            Jobs.Add(new TrainingJobView(id, Star, Guid.NewGuid(), TrainingMethod.Sft, null, null, status, phase, 40, error, null, null,
                new Dictionary<string, double>(), false, DateTimeOffset.UtcNow, null, null));
            return id;
        }

        public Task<Result<TrainingJobView>> StartAsync(Guid starId, Guid datasetId, TrainingMethod method, Guid? trainerId, CancellationToken ct = default) =>
            Task.FromResult(StartResult ?? Result<TrainingJobView>.NotFound());

        public Task<Result<TrainingJobView>> CancelAsync(Guid jobId, CancellationToken ct = default) => Task.FromResult(Result<TrainingJobView>.NotFound());

        public Task<Result<TrainingJobView>> RetryAsync(Guid jobId, CancellationToken ct = default)
        {
            Retried.Add(jobId);
            return Task.FromResult(Result<TrainingJobView>.Ok(Jobs.First(j => j.Id == jobId)));
        }

        public Task<Result<IReadOnlyList<TrainingJobView>>> ListAsync(Guid starId, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TrainingJobView>>.Ok(Jobs.ToList()));

        public Task<Result<TrainingJobView>> GetAsync(Guid jobId, CancellationToken ct = default) => Task.FromResult(Result<TrainingJobView>.Ok(Jobs.First(j => j.Id == jobId)));

        public Task<Result<TrainingLogPage>> LogsAsync(Guid jobId, int cursor, CancellationToken ct = default)
        {
            var mine = Lines.Where(l => l.JobId == jobId).ToList();
            return Task.FromResult(Result<TrainingLogPage>.Ok(new TrainingLogPage(mine.Skip(cursor).ToList(), mine.Count)));
        }

        public Task<IReadOnlyList<TrainerOption>> TrainersAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<TrainerOption>>([]);
    }

    private sealed class FakeVersions : IModelVersionService
    {
        private readonly List<ModelVersionView> list = [];

        public Guid? Active { get; private set; }

        public bool Refuse { get; set; }

        public List<Guid?> Calls { get; } = [];

        public Guid Add(string name, bool active = false)
        {
            var id = Guid.NewGuid();
            list.Insert(0, new ModelVersionView(id, Star, name, TrainingMethod.Sft, null, new Dictionary<string, double> { ["new.similarity"] = 0.5 },
                null, null, true, false, DateTimeOffset.UtcNow.AddMinutes(list.Count)));
            if (active)
            {
                Active = id;
            }

            return id;
        }

        private ModelVersionList Snapshot() => new(list.Select(v => v with { IsActive = v.Id == Active }).ToList(), Active);

        public Task<Result<ModelVersionList>> ListAsync(Guid starId, CancellationToken ct = default) => Task.FromResult(Result<ModelVersionList>.Ok(Snapshot()));

        public Task<Result<ModelVersionList>> ActivateAsync(Guid starId, Guid? versionId, CancellationToken ct = default)
        {
            if (Refuse)
            {
                return Task.FromResult(Result<ModelVersionList>.Invalid("Version", "Training.Version.NotYours"));
            }

            Calls.Add(versionId);
            Active = versionId;
            return Task.FromResult(Result<ModelVersionList>.Ok(Snapshot()));
        }

        public Task<Result<VersionComparison>> CompareAsync(Guid versionA, Guid versionB, CancellationToken ct = default) => Task.FromResult(Result<VersionComparison>.NotFound());

        public Task<Result<ArtifactDownload>> OpenArtifactAsync(Guid versionId, CancellationToken ct = default) => Task.FromResult(Result<ArtifactDownload>.NotFound());
    }

    private sealed class FakeDatasets : ITrainingDatasetService
    {
        public Task<Result<IReadOnlyList<TrainingDataset>>> ListAsync(Guid starId, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TrainingDataset>>.Ok([new TrainingDataset { Id = Guid.NewGuid(), StarId = starId, Counts = """{"sftTrain":6,"dpoTrain":0,"qaTrain":1}""", CreatedAt = DateTimeOffset.UtcNow }]));

        public Task<Result<DatasetPreview>> PreviewAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<TrainingDataset>> BuildAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<TrainingData>> ReadAsync(Guid datasetId, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
