using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;
using StarStudio.Web.Components.Studio.Training;

namespace StarStudio.Tests.Components.Studio.Training;

/// <summary>The dataset panel of the Training tab: preview counts and missing reasons, building, field errors at their field.</summary>
public sealed class DatasetPanelTests : ComponentTest
{
    private readonly FakeDatasets datasets = new();

    public DatasetPanelTests()
    {
        Context.Services.AddSingleton<ITrainingDatasetService>(datasets);
        Context.Render<MudBlazor.MudPopoverProvider>();
    }

    private IRenderedComponent<DatasetPanel> RenderPanel() => Render<DatasetPanel>(p => p.Add(x => x.StarId, Guid.NewGuid()));

    [Fact]
    public async Task Preview_ShowsCountsPerKindAndWhatEachMethodLacks()
    {
        datasets.Preview = Result<DatasetPreview>.Ok(new DatasetPreview(
            new DatasetCounts(6, 2, 1, 0, 3, 1, 4, 5, 1, 2),
            [new SftExample([new DatasetMessage("system", "s"), new DatasetMessage("user", "怎么揭裱？"), new DatasetMessage("assistant", "先润湿。")])],
            [], [], ["Training.Dataset.Missing.DpoTrain"], null));
        var cut = RenderPanel();

        await cut.Find("[data-testid=dataset-preview]").ClickAsync();

        var rows = cut.FindAll("[data-testid=dataset-counts] tbody tr");
        Assert.Equal(["SFT62", "DPO 偏好对10", "知识问答31"], rows.Select(r => string.Concat(r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()))));
        Assert.Contains("姓名 5 处，邮箱 1 处，电话 2 处", cut.Find("[data-testid=dataset-masked]").TextContent);
        var missing = cut.Find("[data-testid=dataset-missing]");
        Assert.Contains("数据已足够", missing.QuerySelector("[data-method=sft]")!.TextContent);
        Assert.Contains("数据已足够", missing.QuerySelector("[data-method=qlora]")!.TextContent);
        var dpo = missing.QuerySelector("[data-method=dpo]")!.TextContent;
        Assert.Contains("至少 3 个 DPO 偏好对", dpo);
        Assert.Contains("至少 1 个留出的 DPO 偏好对", dpo);
        Assert.Equal(new DatasetFilters(), datasets.LastFilters);
    }

    [Fact]
    public async Task Build_ShowsTheNewDatasetInTheList()
    {
        var cut = RenderPanel();
        Assert.Single(cut.FindAll("[data-testid=dataset-list-empty]"));
        var built = new TrainingDataset
        {
            Id = Guid.NewGuid(),
            Counts = DatasetFiles.ToJson(new DatasetCounts(12, 3, 4, 1, 2, 0, 9, 0, 0, 0)),
            CreatedAt = DateTimeOffset.UtcNow,
            DataSpan = new TimeWindow(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
        };
        datasets.OnBuild = () => datasets.List.Add(built);

        await cut.Find("[data-testid=dataset-build]").ClickAsync();

        var row = cut.WaitForElement("[data-testid=dataset-row]");
        Assert.Equal(built.Id.ToString(), row.GetAttribute("data-dataset-id"));
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["12 / 3", "4 / 1", "2 / 0", "2026-11-01 – 2026-12-01"], cells.Skip(1));
    }

    [Fact]
    public async Task Preview_FieldError_ShowsAtItsField()
    {
        datasets.Preview = Result<DatasetPreview>.Invalid(nameof(DatasetFilters.HoldoutShare), "Training.Dataset.HoldoutShare.Range");
        var cut = RenderPanel();

        await cut.Find("[data-testid=dataset-preview]").ClickAsync();

        Assert.Contains("留出比例为 0 到 0.5。", cut.Find("[data-testid=dataset-holdout]").Closest(".mud-input-control")!.TextContent);
        Assert.DoesNotContain("留出比例为 0 到 0.5。", cut.Find("[data-testid=dataset-min-rating]").Closest(".mud-input-control")!.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=dataset-error]"));
        Assert.Empty(cut.FindAll("[data-testid=dataset-counts]"));
    }

    [Fact]
    public async Task Build_NothingQualifies_IsAReadableAlert()
    {
        datasets.BuildResult = Result<TrainingDataset>.Invalid("Dataset", "Training.Dataset.Empty");
        var cut = RenderPanel();

        await cut.Find("[data-testid=dataset-build]").ClickAsync();

        Assert.Contains("没有可用的数据", cut.Find("[data-testid=dataset-error]").TextContent);
    }

    private sealed class FakeDatasets : ITrainingDatasetService
    {
        public Result<DatasetPreview> Preview { get; set; } = Result<DatasetPreview>.Forbidden();
        public Result<TrainingDataset>? BuildResult { get; set; }
        public List<TrainingDataset> List { get; } = [];
        public Action? OnBuild { get; set; }
        public DatasetFilters? LastFilters { get; private set; }

        public Task<Result<DatasetPreview>> PreviewAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default)
        {
            LastFilters = filters;
            return Task.FromResult(Preview);
        }

        public Task<Result<TrainingDataset>> BuildAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default)
        {
            if (BuildResult is { } fixedResult)
            {
                return Task.FromResult(fixedResult);
            }

            OnBuild?.Invoke();
            return Task.FromResult(Result<TrainingDataset>.Ok(List[^1]));
        }

        public Task<Result<IReadOnlyList<TrainingDataset>>> ListAsync(Guid starId, CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<TrainingDataset>>.Ok(List.ToList()));

        public Task<Result<TrainingData>> ReadAsync(Guid datasetId, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
