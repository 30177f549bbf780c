using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Tests.Unit.Growth;
using StarStudio.Web.Components.Studio.Magnitude;

namespace StarStudio.Tests.Components.Studio.Magnitude;

/// <summary>The 星等 tab: radar values, history, evidence, the owner's buttons, and a recompute that moves the radar.</summary>
public sealed class MagnitudePanelTests : ComponentTest
{
    private static readonly Guid Star = Guid.Parse("0f0f0f0f-1111-2222-3333-444444444444");
    private readonly FakeMagnitude magnitude = new();

    public MagnitudePanelTests() => Context.Services.AddSingleton<IMagnitudeService>(magnitude);

    private static MagnitudeHistory Row(MagnitudeSignals signals, DateTimeOffset at, string trigger = MagnitudeTriggers.Nightly)
    {
        var s = MagnitudeFormula.Evaluate(signals);
        return new MagnitudeHistory
        {
            Id = Guid.NewGuid(), StarId = Star, Depth = (decimal)s.Depth.Score, Originality = (decimal)s.Originality.Score,
            Consistency = (decimal)s.Consistency.Score, Utility = (decimal)s.Utility.Score, Overall = (decimal)s.Overall, Level = s.Level,
            EvaluatedAt = at, Trigger = trigger, Evidence = MagnitudeEvidence.ToJson(signals, s),
        };
    }

    private static MagnitudeView View(bool owner, params MagnitudeHistory[] rows) =>
        new(Star, "书法星", rows.LastOrDefault(), rows.Select(r => new MagnitudePoint(r.Id, r.EvaluatedAt, r.Overall, r.Level, r.Trigger)).ToList(), owner);

    [Fact]
    public void Latest_ShowsLevelRadarHistoryAndEvidence()
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        magnitude.View = View(true, Row(MagnitudeSignals.None, at), Row(MagnitudeFormulaTests.Worked, at.AddDays(1)));

        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));

        var radar = cut.Find("[data-testid=magnitude-radar]");
        Assert.Equal(("58.08", "72.5", "54", "63.6"), (radar.GetAttribute("data-depth"), radar.GetAttribute("data-originality"),
            radar.GetAttribute("data-consistency"), radar.GetAttribute("data-utility")));
        Assert.Equal("2", cut.Find("[data-testid=magnitude-history]").GetAttribute("data-count"));
        Assert.Equal("L3", cut.Find("[data-testid=magnitude-badge]").GetAttribute("data-level"));
        Assert.Contains("星等 3", cut.Find("[data-testid=magnitude-badge]").TextContent);
        Assert.Contains("61.8", cut.Find("[data-testid=magnitude-overall]").TextContent);
        Assert.Equal(4, cut.FindAll("[data-testid=magnitude-dimension]").Count);
        Assert.Contains("带引用的回答占比：实测 75.0（40 条依据）→ 70.0", cut.Find("[data-testid=magnitude-evidence]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=magnitude-cap]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=magnitude-recompute]"));
        Assert.Equal($"/studio/stars/{Star}/magnitude/report", cut.Find("[data-testid=magnitude-report]").GetAttribute("href"));
    }

    [Fact]
    public async Task Recompute_MovesTheRadar()
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        magnitude.View = View(true, Row(MagnitudeSignals.None, at));
        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));
        Assert.Equal("50", cut.Find("[data-testid=magnitude-radar]").GetAttribute("data-depth"));

        magnitude.View = View(true, Row(MagnitudeSignals.None, at), Row(MagnitudeFormulaTests.Worked, at.AddHours(1), MagnitudeTriggers.OnDemand));
        await cut.Find("[data-testid=magnitude-recompute]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("58.08", cut.Find("[data-testid=magnitude-radar]").GetAttribute("data-depth")));
        Assert.Equal("2", cut.Find("[data-testid=magnitude-history]").GetAttribute("data-count"));
        Assert.Equal(1, magnitude.Recomputes);
    }

    [Fact]
    public async Task Recompute_TooSoon_SaysWhenToRetry_AndKeepsTheScores()
    {
        magnitude.View = View(true, Row(MagnitudeSignals.None, DateTimeOffset.UtcNow));
        magnitude.Refusal = new FieldError("Recompute", MagnitudeErrors.TooSoon, 42);
        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));

        await cut.Find("[data-testid=magnitude-recompute]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("42 秒", cut.Find("[data-testid=magnitude-error]").TextContent));
        Assert.Equal("50", cut.Find("[data-testid=magnitude-radar]").GetAttribute("data-depth"));
    }

    [Fact]
    public void CappedLevel_SaysWhatIsMissing()
    {
        var excellent = new MagnitudeSignals(1000, 1000, 1000, 0, 30, 5, 30, 30, 10, 10, 100, 100, 5, 5, 4, 1, 10, 1);
        magnitude.View = View(true, Row(excellent, DateTimeOffset.UtcNow));

        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));

        Assert.Equal("L3", cut.Find("[data-testid=magnitude-badge]").GetAttribute("data-level"));
        Assert.Contains("至少 50 条评分和 10 位玩家（现有 30 条、5 位）", cut.Find("[data-testid=magnitude-cap]").TextContent);
    }

    [Fact]
    public void AVisitor_SeesTheScoresButNoButtons_AndNoEvaluationSaysSo()
    {
        magnitude.View = View(false, Row(MagnitudeSignals.None, DateTimeOffset.UtcNow));
        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));
        Assert.NotEmpty(cut.FindAll("[data-testid=magnitude-radar]"));
        Assert.Empty(cut.FindAll("[data-testid=magnitude-recompute]"));
        Assert.Empty(cut.FindAll("[data-testid=magnitude-report]"));

        magnitude.View = View(true);
        var empty = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));
        Assert.NotEmpty(empty.FindAll("[data-testid=magnitude-none]"));
        Assert.Empty(empty.FindAll("[data-testid=magnitude-radar]"));
        Assert.Empty(empty.FindAll("[data-testid=magnitude-report]"));
    }

    [Fact]
    public void Badge_ShowsTheLevelWithItsColour_OrNothing()
    {
        var cut = Render<MagnitudeBadge>(p => p.Add(x => x.Level, MagnitudeLevel.L5));
        var chip = cut.Find("[data-testid=magnitude-badge]");
        Assert.Equal("L5", chip.GetAttribute("data-level"));
        Assert.Contains("星等 5", chip.TextContent);
        Assert.Contains(MagnitudeCharts.LevelColour(MagnitudeLevel.L5), chip.GetAttribute("style"));

        Assert.Empty(Render<MagnitudeBadge>(p => p.Add(x => x.Level, null)).FindAll("[data-testid=magnitude-badge]"));
    }

    [Fact]
    public void Badge_ByStarId_LoadsItsLevel()
    {
        magnitude.Levels[Star] = MagnitudeLevel.L4;

        var cut = Render<MagnitudeBadge>(p => p.Add(x => x.StarId, Star));

        Assert.Equal("L4", cut.Find("[data-testid=magnitude-badge]").GetAttribute("data-level"));
        Assert.Empty(Render<MagnitudeBadge>(p => p.Add(x => x.StarId, Guid.NewGuid())).FindAll("[data-testid=magnitude-badge]"));
    }

    [Fact]
    public void English_FormatsScoresInvariantlyInDataAttributes()
    {
        UseCulture("de-DE");
        magnitude.View = View(true, Row(MagnitudeFormulaTests.Worked, DateTimeOffset.UtcNow));

        var cut = Render<MagnitudePanel>(p => p.Add(x => x.StarId, Star));

        Assert.Equal("58.08", cut.Find("[data-testid=magnitude-radar]").GetAttribute("data-depth"));
        Assert.Contains("polygon", cut.Find("[data-testid=magnitude-radar]").InnerHtml);
        Assert.DoesNotContain(",08", cut.Find("[data-testid=magnitude-radar]").GetAttribute("data-depth")!, StringComparison.Ordinal);
        Assert.Equal(CultureInfo.GetCultureInfo("de-DE"), CultureInfo.CurrentCulture);
    }

    private sealed class FakeMagnitude : IMagnitudeService
    {
        public MagnitudeView? View { get; set; }
        public FieldError? Refusal { get; set; }
        public int Recomputes { get; private set; }
        public Dictionary<Guid, MagnitudeLevel> Levels { get; } = [];

        public Task<Result<MagnitudeView>> GetAsync(Guid starId, CancellationToken ct = default) =>
            Task.FromResult(View is null ? Result<MagnitudeView>.NotFound() : Result<MagnitudeView>.Ok(View));

        public async Task<Result<MagnitudeView>> RecomputeAsync(Guid starId, CancellationToken ct = default)
        {
            await Task.Yield();
            Recomputes++;
            return Refusal is { } e ? Result<MagnitudeView>.Invalid([e]) : Result<MagnitudeView>.Ok(View!);
        }

        public Task<IReadOnlyDictionary<Guid, MagnitudeLevel>> LevelsAsync(IReadOnlyCollection<Guid> starIds, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyDictionary<Guid, MagnitudeLevel>>(starIds.Where(Levels.ContainsKey).ToDictionary(id => id, id => Levels[id]));
    }
}
