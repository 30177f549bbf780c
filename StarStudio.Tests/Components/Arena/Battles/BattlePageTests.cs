using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Arena.Battles;

namespace StarStudio.Tests.Components.Arena.Battles;

public class BattlePageTests : ComponentTest
{
    private static readonly Guid Trial = Guid.NewGuid();
    private readonly FakeBattles service = new();

    public BattlePageTests()
    {
        Context.Services.AddSingleton<IBattleService>(service);
        Context.Services.AddSingleton<StarStudio.Web.Markdown.MarkdownRenderer>();
    }

    private static NextBattle Battle(string a, string b) =>
        new(Trial, "古籍修复问答", "如何修复虫蛀的宣纸？", new BattleView(Guid.NewGuid(), new BattleAnswer(a), new BattleAnswer(b)));

    [Fact]
    public async Task Battle_ShowsBothAnswersReadably_VoteRevealsNames_NextShowsTheNextBattle()
    {
        var first = Battle("""{"步骤":["清洁","补纸"],"耗时":3}""", """{"步骤":["晾干"]}""");
        var second = Battle("""{"x":1}""", """{"y":2}""");
        service.Next.Enqueue(Result<NextBattle>.Ok(first));
        service.Votes.Enqueue(Result<VoteOutcome>.Ok(new VoteOutcome(
            new BattleReveal(first.Battle!.BattleId, BattleOutcome.BWins, new RevealedEntry("甲星", "墨兰"), new RevealedEntry("乙星", "")), second)));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=battle-answer-a] dl.answer-object")));
        var a = cut.Find("[data-testid=battle-answer-a]");
        Assert.Equal(["步骤", "耗时"], a.QuerySelectorAll("dt").Select(d => d.TextContent));
        Assert.Equal(["清洁", "补纸"], a.QuerySelectorAll("ol.answer-array > li").Select(li => li.TextContent));
        Assert.Equal("如何修复虫蛀的宣纸？", cut.Find("[data-testid=battle-prompt]").TextContent.Trim());
        Assert.DoesNotContain("甲星", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=battle-next]"));

        await cut.Find("[data-testid=vote-b]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("甲星 · 主人：墨兰", cut.Find("[data-testid=battle-reveal-a]").TextContent.Trim()));
        Assert.Equal("乙星", cut.Find("[data-testid=battle-reveal-b]").TextContent.Trim());
        Assert.Contains("你的投票：B 更好", cut.Find("[data-testid=battle-revealed]").TextContent);
        Assert.Equal([(first.Battle!.BattleId, BattleOutcome.BWins)], service.Cast);
        Assert.Empty(cut.FindAll("[data-testid=vote-a]")); // one vote per battle

        await cut.Find("[data-testid=battle-next]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("x", cut.Find("[data-testid=battle-answer-a] dt").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=battle-reveal-a]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=vote-a]"));
    }

    [Fact]
    public void Battle_AnswerMarkupIsShownAsText_NotInjected()
    {
        service.Next.Enqueue(Result<NextBattle>.Ok(Battle("""{"t":"<script>alert(1)</script><b>粗</b>"}""", "不是 JSON <i>x</i>")));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal("<script>alert(1)</script><b>粗</b>", cut.Find("[data-testid=battle-answer-a] .answer-string").TextContent));
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("[data-testid=battle-answer-a] b"));
        Assert.Equal("不是 JSON <i>x</i>", cut.Find("[data-testid=battle-answer-b] [data-testid=answer-raw]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=battle-answer-b] i"));
    }

    [Fact]
    public void Battle_NothingLeft_ShowsTheEmptyState()
    {
        service.Next.Enqueue(Result<NextBattle>.Ok(new NextBattle(Trial, "古籍修复问答", "题", null)));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal("本星试中你可参与的对战都已投完，感谢参与！", cut.Find("[data-testid=battle-empty]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=vote-a]"));
    }

    [Theory]
    [InlineData(BattleErrors.Finished, "该星试已结束，对战投票已关闭。")]
    [InlineData(BattleErrors.NotJudging, "仅在星试的评审阶段可以参与对战投票。")]
    public void Battle_RefusedAtLoad_ShowsWhy(string code, string text)
    {
        service.Next.Enqueue(Result<NextBattle>.Invalid(BattleErrors.Field, code));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal(text, cut.Find("[data-testid=battle-error]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=battle-loading]"));
    }

    [Fact]
    public void Battle_SignedOut_AsksToSignIn()
    {
        service.Next.Enqueue(Result<NextBattle>.Forbidden());
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal("登录后才能参与对战投票。", cut.Find("[data-testid=battle-error]").TextContent.Trim()));
    }

    [Fact]
    public async Task Vote_Refused_KeepsTheBattleAndSaysWhy()
    {
        service.Next.Enqueue(Result<NextBattle>.Ok(Battle("""{"a":1}""", """{"b":2}""")));
        service.Votes.Enqueue(Result<VoteOutcome>.Invalid(BattleErrors.Field, BattleErrors.RateLimited, 20));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=vote-tie]")));

        await cut.Find("[data-testid=vote-tie]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("投票过于频繁：每分钟最多 20 票，请稍候再试。", cut.Find("[data-testid=battle-error]").TextContent.Trim()));
        Assert.NotEmpty(cut.FindAll("[data-testid=vote-a]"));
        Assert.Empty(cut.FindAll("[data-testid=battle-revealed]"));
    }

    [Fact]
    public void Answer_Missing_SaysSo()
    {
        service.Next.Enqueue(Result<NextBattle>.Ok(new NextBattle(Trial, "t", "p",
            new BattleView(Guid.NewGuid(), new BattleAnswer(null), new BattleAnswer("[]")))));
        var cut = Render<BattlePage>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal("该答案无法加载。", cut.Find("[data-testid=battle-answer-a] [data-testid=answer-missing]").TextContent.Trim()));
        Assert.Equal("[]", cut.Find("[data-testid=battle-answer-b] code").TextContent);
    }

    private sealed class FakeBattles : IBattleService
    {
        public Queue<Result<NextBattle>> Next { get; } = new();
        public Queue<Result<VoteOutcome>> Votes { get; } = new();
        public List<(Guid, BattleOutcome)> Cast { get; } = [];

        public Task<Result<NextBattle>> NextAsync(Guid trialId, CancellationToken ct = default) => Task.FromResult(Next.Dequeue());

        public Task<Result<VoteOutcome>> VoteAsync(Guid battleId, BattleOutcome outcome, CancellationToken ct = default)
        {
            Cast.Add((battleId, outcome));
            return Task.FromResult(Votes.Dequeue());
        }

        public Task<Result<PositionBiasReport>> BiasAsync(Guid trialId, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
