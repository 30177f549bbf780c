using StarStudio.TestSupport.Eval;

namespace StarStudio.Tests.Unit.Knowledge.Evaluation;

/// <summary>The evaluation set in eval/ is what eval/README.md says it is.</summary>
public sealed class EvalSetTests
{
    private static readonly EvalSet Set = EvalSet.Load();

    [Fact]
    public void EveryGoldSpan_IsAnExactSubstringOfItsDocument()
    {
        Assert.Empty(Set.Problems());
    }

    [Fact]
    public void Problems_ReportsASpanThatIsNotInTheDocument()
    {
        var doc = Set.Documents[0];
        var broken = new EvalSet([doc], [new EvalQuestion("x1", doc.Lang, "literal", "?", [new EvalGold(doc.Path, "这句话不在任何文档里出现过。")])]);

        Assert.Contains(broken.Problems(), p => p.StartsWith("x1: span not in", StringComparison.Ordinal));
    }

    [Fact]
    public void Documents_AreSixteenPerLanguage_MarkdownWithHeadings_OfTheAgreedLength()
    {
        Assert.True(Set.Documents.Count >= 32);
        Assert.True(Set.Documents.Count(d => d.Lang == "zh") >= 16);
        Assert.True(Set.Documents.Count(d => d.Lang == "en") >= 16);
        Assert.All(Set.Documents, d =>
        {
            Assert.InRange(d.Text.Length, 1500, 5000);
            Assert.StartsWith("# ", d.Text, StringComparison.Ordinal);
            Assert.Contains("\n## ", d.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Questions_MeetTheMinimumsPerKindAndLanguage()
    {
        var q = Set.Questions;
        Assert.True(q.Count >= 160, $"{q.Count} questions");
        Assert.True(q.Count(x => x.Kind == "literal") >= 45);
        Assert.True(q.Count(x => x.Kind == "paraphrase") >= 45);
        Assert.True(q.Count(x => x.Kind == "crosslingual" && x.Lang == "en") >= 20);
        Assert.True(q.Count(x => x.Kind == "crosslingual" && x.Lang == "zh") >= 20);
        Assert.True(q.Count(x => x.Kind == "multi") >= 20);
        Assert.All(q.Where(x => x.Kind == "multi"), x => Assert.True(x.Gold.Count >= 2, x.Id));
        foreach (var kind in EvalSet.Kinds)
        {
            // Roughly half each: neither language has fewer than a third of a kind.
            var zh = q.Count(x => x.Kind == kind && x.Lang == "zh");
            var all = q.Count(x => x.Kind == kind);
            Assert.InRange(zh, all / 3, all - all / 3);
        }
    }

    [Fact]
    public void Questions_HaveUniqueIdsAndEveryDocumentIsAskedAbout()
    {
        Assert.Equal(Set.Questions.Count, Set.Questions.Select(q => q.Id).Distinct().Count());
        var asked = Set.Questions.SelectMany(q => q.Gold).Select(g => g.Doc).ToHashSet();
        Assert.All(Set.Documents, d => Assert.Contains(d.Path, asked));
    }
}
