using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Queries;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Arena;
using StarStudio.Web.Markdown;

namespace StarStudio.Tests.Components.Arena;

public sealed class ArenaPagesTests : ComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);

    private sealed class FakeArena : IArenaQueryService
    {
        public ArenaHomeView Home { get; set; } = new([], [], [], [], Now);
        public Result<TrialDetailView> Trial { get; set; } = Result<TrialDetailView>.NotFound();
        public StandingsView Standings { get; set; } = new(null, [], [], new Dictionary<Guid, IReadOnlyList<RatingPoint>>());
        public string Answer { get; set; } = """{"poem":"床前明月光"}""";

        public Task<ArenaHomeView> HomeAsync(CancellationToken ct = default) => Task.FromResult(Home);
        public Task<Result<TrialDetailView>> TrialAsync(Guid trialId, CancellationToken ct = default) => Task.FromResult(Trial);
        public Task<Result<string>> AnswerAsync(Guid entryId, CancellationToken ct = default) => Task.FromResult(Result<string>.Ok(Answer));
        public Task<StandingsView> StandingsAsync(Guid? seasonId, bool allTime, CancellationToken ct = default) => Task.FromResult(Standings);
    }

    private BunitAuthorizationContext auth = default!;

    private FakeArena Arena()
    {
        var arena = new FakeArena();
        auth = Context.AddAuthorization();
        Context.Services.AddSingleton<IArenaQueryService>(arena);
        Context.Services.AddSingleton<MarkdownRenderer>();
        Context.Services.AddSingleton<StarStudio.Core.Growth.IMagnitudeService>(new NoMagnitudeLevels());
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return arena;
    }

    private static TrialCard Card(string title, TrialPhase phase, TimeSpan toNext) =>
        new(Guid.NewGuid(), null, title, phase, Now - TimeSpan.FromDays(1), Now + toNext, Now + toNext + TimeSpan.FromDays(1), null);

    [Fact]
    public void Home_ShowsTheSeasonAndOpenTrialsWithCountdowns_AndNoOwnerLinksToAnonymousVisitors()
    {
        var arena = Arena();
        arena.Home = new ArenaHomeView(
            [new SeasonCard(Guid.NewGuid(), "冬季赛", Now.AddDays(-3), Now.AddDays(30), "每周一题", [100, 50])],
            [Card("写一首冬天的诗", TrialPhase.Submissions, TimeSpan.FromHours(11))], [], [], Now);

        var cut = Render<ArenaHome>(_ => { });

        Assert.Contains("冬季赛", cut.Find("[data-testid=arena-season]").TextContent, StringComparison.Ordinal);
        Assert.Contains("第 1 名：100 积分", cut.Find("[data-testid=arena-season-rewards]").TextContent, StringComparison.Ordinal);
        var card = cut.Find("[data-testid=trial-card]");
        Assert.Contains("报名提交中", card.TextContent, StringComparison.Ordinal);
        Assert.Equal("距提交截止 11 小时 0 分钟", cut.Find("[data-testid=trial-card-countdown]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=arena-mine-link]"));
        Assert.Empty(cut.FindAll("[data-testid=arena-admin-link]"));
    }

    [Fact]
    public void Home_ForAnAdmin_LinksToManagement()
    {
        Arena();
        auth.SetAuthorized("管理员").SetRoles("admin");

        var cut = Render<ArenaHome>(_ => { });

        Assert.Single(cut.FindAll("[data-testid=arena-admin-link]"));
        Assert.Single(cut.FindAll("[data-testid=arena-mine-link]"));
        Assert.Single(cut.FindAll("[data-testid=arena-open-empty]"));
    }

    [Fact]
    public void TrialPage_Missing_SaysSo()
    {
        Arena();

        var cut = Render<TrialPage>(p => p.Add(c => c.TrialId, Guid.NewGuid()));

        Assert.Single(cut.FindAll("[data-testid=trial-not-found]"));
    }

    [Fact]
    public async Task TrialPage_Finished_ShowsRankRangesRewardsBiasAndAnswers_AndTheSanitizedPrompt()
    {
        var arena = Arena();
        var trial = new StarTrial
        {
            Id = Guid.NewGuid(), Title = "冬日诗会", Prompt = "写**一首**诗<script>alert(1)</script>", Status = TrialStatus.Finished,
            AnswerSchema = """{"type":"object","required":["poem"],"properties":{"poem":{"type":"string","maxLength":200}}}""",
            OpensAt = Now.AddDays(-3), SubmitUntil = Now.AddDays(-2), EndsAt = Now.AddDays(-1), ScoredAt = Now,
            Rubric = [new RubricCriterion("意境", "画面感", 2)],
        };
        LeaderboardRow Row(string name, decimal score, int rank, int best, int worst, int reward, bool mine = false) =>
            new(Guid.NewGuid(), Guid.NewGuid(), name, mine, true, Now, score, score - 5, score + 5, rank, best, worst, 7.5, 1050, 1000, 1100, 1040, 12, reward);
        arena.Trial = Result<TrialDetailView>.Ok(new TrialDetailView(trial, TrialPhase.Finished, null, true,
            [Row("甲", 80, 1, 1, 2, 100, mine: true), Row("乙", 76, 2, 1, 2, 50)], false, false, true, StarStudio.Core.Arena.Battles.PositionBias.Report(45, 100), [0.1, -0.2, 0.05], Now));

        var cut = Render<TrialPage>(p => p.Add(c => c.TrialId, trial.Id));

        Assert.Equal(["1–2", "1–2"], cut.FindAll("[data-testid=leaderboard-rank]").Select(e => e.TextContent));
        Assert.Equal("+100", cut.FindAll("[data-testid=leaderboard-reward]")[0].TextContent);
        Assert.Contains("45", cut.Find("[data-testid=trial-bias]").TextContent, StringComparison.Ordinal);
        Assert.Contains("未见投票者偏向", cut.Find("[data-testid=trial-bias]").TextContent, StringComparison.Ordinal);
        Assert.Contains("<strong>一首</strong>", cut.Find("[data-testid=trial-prompt]").InnerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", cut.Find("[data-testid=trial-prompt]").InnerHtml, StringComparison.Ordinal);
        Assert.Equal("poem", cut.Find("[data-testid=schema-field] code").TextContent);

        await cut.FindAll("[data-testid=leaderboard-answer]")[1].ClickAsync();

        Assert.Contains("\"poem\": \"床前明月光\"", cut.Find("[data-testid=trial-answer-json]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TrialPage_DuringSubmissions_SaysEntriesAreHiddenAndAsksAnonymousVisitorsToSignIn()
    {
        var arena = Arena();
        var trial = new StarTrial { Id = Guid.NewGuid(), Title = "t", Status = TrialStatus.Ongoing, OpensAt = Now.AddDays(-1), SubmitUntil = Now.AddDays(1), EndsAt = Now.AddDays(2) };
        arena.Trial = Result<TrialDetailView>.Ok(new TrialDetailView(trial, TrialPhase.Submissions, null, false, [], false, false, false, null, [], Now));

        var cut = Render<TrialPage>(p => p.Add(c => c.TrialId, trial.Id));

        Assert.Single(cut.FindAll("[data-testid=trial-entries-hidden]"));
        Assert.Single(cut.FindAll("[data-testid=trial-sign-in]"));
        Assert.Equal("距提交截止 1 天 0 小时", cut.Find("[data-testid=trial-countdown]").TextContent.Trim());
    }

    [Fact]
    public void StandingsChart_HoldsEachStarsLastRatingBetweenItsTrials()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var t1 = Now.AddDays(-2);
        var t2 = Now.AddDays(-1);
        var view = new StandingsView(null, [],
            [new StarStanding(a, "甲", 2, 10, 1, 80, 1100, 1000, 1200, 20), new StarStanding(b, "乙", 1, 0, 2, 60, 950, 900, 1000, 10)],
            new Dictionary<Guid, IReadOnlyList<RatingPoint>>
            {
                [a] = [new RatingPoint(t1, 1050, 1000, 1100), new RatingPoint(t2, 1100, 1000, 1200)],
                [b] = [new RatingPoint(t2, 950, 900, 1000)],
            });

        var (labels, series) = StandingsPage.Chart(view);

        Assert.Equal(2, labels.Length);
        Assert.Equal([1050d, 1100d], series[0].Data);
        Assert.Equal([950d, 950d], series[1].Data);
    }
}
