using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Arena.Battles;

namespace StarStudio.Tests.Components.Arena.Battles;

public class TrialJudgePanelTests : ComponentTest
{
    private static readonly Guid Trial = Guid.NewGuid();
    private static readonly Guid Entry = Guid.NewGuid();
    private readonly FakeJudging service = new();

    public TrialJudgePanelTests() => Context.Services.AddSingleton<IJudgingService>(service);

    private static JudgingSheet Sheet(params CriterionScore[] mine) => new(Trial, "古籍修复问答", "题",
        [new("accuracy", "事实准确", 2), new("clarity", "条理清晰", 1)],
        [new JudgedEntry(Entry, "甲星", """{"a":"答"}""", mine)]);

    [Fact]
    public async Task Judge_SeesTheAnswerAndEarlierScores_SavesNewOnes()
    {
        service.Sheet = Result<JudgingSheet>.Ok(Sheet(new CriterionScore("clarity", 6, "还行")));
        var cut = Render<TrialJudgePanel>(p => p.Add(c => c.TrialId, Trial));
        cut.WaitForAssertion(() => Assert.Equal("甲星", cut.Find("[data-testid=judge-entry-0] h3").TextContent.Trim()));
        Assert.Equal("答", cut.Find("[data-testid=judge-entry-0] .answer-string").TextContent);
        Assert.Equal("6", cut.Find("#judge-0-1-score").GetAttribute("value"));

        await cut.Find("#judge-0-0-score").ChangeAsync("8");
        await cut.Find("#judge-0-0-comment").ChangeAsync("很准确");
        await cut.Find("[data-testid=judge-save-0]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("评分已保存。", cut.Find("[data-testid=judge-saved-0]").TextContent.Trim()));
        var (trial, entry, scores) = Assert.Single(service.Saved);
        Assert.Equal((Trial, Entry), (trial, entry));
        Assert.Equal([new CriterionScore("accuracy", 8, "很准确"), new CriterionScore("clarity", 6, "还行")], scores);
    }

    [Fact]
    public async Task Save_FieldErrorFromTheService_ShowsAtThatCriterion()
    {
        service.Sheet = Result<JudgingSheet>.Ok(Sheet());
        service.Refusal = Result<IReadOnlyList<CriterionScore>>.Invalid("Scores[0].Comment", JudgingErrors.CommentTooLong, 2000);
        var cut = Render<TrialJudgePanel>(p => p.Add(c => c.TrialId, Trial));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#judge-0-1-score")));

        await cut.Find("#judge-0-1-score").ChangeAsync("5"); // only clarity is sent, so the service's Scores[0] is clarity
        await cut.Find("[data-testid=judge-save-0]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("评语最多 2000 个字符。", cut.Find("[data-testid=judge-entry-0]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=judge-saved-0]"));
        Assert.Equal(["clarity"], service.Saved.Single().Scores.Select(s => s.Criterion));
    }

    [Fact]
    public async Task Save_NothingScored_SaysWhy()
    {
        service.Sheet = Result<JudgingSheet>.Ok(Sheet());
        service.Refusal = Result<IReadOnlyList<CriterionScore>>.Invalid("Scores", JudgingErrors.NoScores);
        var cut = Render<TrialJudgePanel>(p => p.Add(c => c.TrialId, Trial));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=judge-save-0]")));

        await cut.Find("[data-testid=judge-save-0]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("请至少填写一项分数。", cut.Find("[data-testid=judge-alert-0]").TextContent.Trim()));
    }

    [Theory]
    [InlineData(JudgingErrors.NotJudge, "你不是该星试的评委。")]
    [InlineData(JudgingErrors.NotJudging, "仅在星试的评审阶段可以评分。")]
    public void Panel_Refused_ShowsWhy(string code, string text)
    {
        service.Sheet = Result<JudgingSheet>.Invalid("Trial", code);
        var cut = Render<TrialJudgePanel>(p => p.Add(c => c.TrialId, Trial));

        cut.WaitForAssertion(() => Assert.Equal(text, cut.Find("[data-testid=judge-error]").TextContent.Trim()));
    }

    private sealed class FakeJudging : IJudgingService
    {
        public Result<JudgingSheet> Sheet { get; set; } = Result<JudgingSheet>.NotFound();
        public Result<IReadOnlyList<CriterionScore>>? Refusal { get; set; }
        public List<(Guid Trial, Guid Entry, IReadOnlyList<CriterionScore> Scores)> Saved { get; } = [];

        public Task<Result<JudgingSheet>> SheetAsync(Guid trialId, CancellationToken ct = default) => Task.FromResult(Sheet);

        public Task<Result<IReadOnlyList<CriterionScore>>> ScoreAsync(Guid trialId, Guid entryId, IReadOnlyList<CriterionScore> scores, CancellationToken ct = default)
        {
            Saved.Add((trialId, entryId, scores));
            return Task.FromResult(Refusal ?? Result<IReadOnlyList<CriterionScore>>.Ok(scores));
        }
    }
}
