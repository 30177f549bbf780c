using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class CoverageScoringTests
{
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = new("00000000-0000-0000-0000-00000000000c");

    private static HashSet<string> Tokens(string text) => [.. SearchText.Tokens(text)];

    [Fact]
    public void Concepts_GroupExpansionsUnderTheWordTheyCameFrom()
    {
        var analysis = new QueryAnalysis(TextLanguage.English,
        [
            new QueryTerm("galaxies", TermOrigin.Question),
            new QueryTerm("diameter", TermOrigin.Question),
            new QueryTerm("galaxy", TermOrigin.Inflection, 0.8, "galaxies"),
            new QueryTerm("银河 河系", TermOrigin.Translation, 0.5, "galaxies"),
            new QueryTerm("直径", TermOrigin.Translation, 0.5, "diameter"),
            new QueryTerm("银河", TermOrigin.Translation, 0.5, "milky way"),
        ]);

        var concepts = CoverageScoring.Concepts(analysis, translationWeight: 1.0, synonymWeight: 0.5, inflectionWeight: 0.9);

        Assert.Equal(["galaxies", "diameter", "milky way"], concepts.Select(c => c.Key));
        Assert.Equal([1.0, 0.9, 1.0], concepts[0].Alternatives.Select(a => a.Weight));
        Assert.Equal(["银河", "河系"], concepts[0].Alternatives[2].Tokens);
    }

    [Fact]
    public void Score_CountsRareConceptsMore_AndATranslationAsMuchAsTheWordInTheOtherLanguage()
    {
        // "tea" is in every candidate and tells them apart by nothing; "yunlan"/云岚 only in one.
        var analysis = new QueryAnalysis(TextLanguage.English,
        [
            new QueryTerm("tea", TermOrigin.Question),
            new QueryTerm("factory", TermOrigin.Question),
            new QueryTerm("茶厂", TermOrigin.Translation, 0.5, "factory"),
        ]);
        var concepts = CoverageScoring.Concepts(analysis, 1.0, 0.5, 1.0);
        var passages = new Dictionary<Guid, HashSet<string>>
        {
            [A] = Tokens("green tea is steamed; tea leaves, tea"),
            [B] = Tokens("云岚茶厂 tea"),
            [C] = Tokens("black tea"),
        };

        var scores = CoverageScoring.Score(concepts, passages);

        Assert.True(scores[B] > scores[A], $"{scores[B]} vs {scores[A]}");
        Assert.Equal(scores[A], scores[C], 12);
        Assert.Equal(1.0, scores[B], 12);
        Assert.InRange(scores[A], 0.0, 0.5);
    }

    [Fact]
    public void Score_LendsANamesMatchToThePassagesOfItsDocument_AndNothingElse()
    {
        // The name is said once, in A (the document's opening); B, of the same document, has the answer's words; C, another
        // document, has them too. With the document weight B outranks C; an ordinary word is never lent.
        var analysis = new QueryAnalysis(TextLanguage.English,
        [
            new QueryTerm("wulan", TermOrigin.Question),
            new QueryTerm("ferry", TermOrigin.Question),
            new QueryTerm("wulan0", TermOrigin.Translation, 0.5, "wulan") { Name = true },
        ]);
        var concepts = CoverageScoring.Concepts(analysis, 1.0, 0.5, 1.0);
        Assert.True(concepts.Single(c => c.Key == "wulan").Name);
        Assert.False(concepts.Single(c => c.Key == "ferry").Name);
        var passages = new Dictionary<Guid, HashSet<string>>
        {
            [A] = [.. SearchText.Tokens("雾岚镇 opening"), "wulan0"],
            [B] = Tokens("ferry"),
            [C] = Tokens("ferry"),
        };
        Guid doc1 = Guid.NewGuid(), doc2 = Guid.NewGuid();
        var documents = new Dictionary<Guid, Guid> { [A] = doc1, [B] = doc1, [C] = doc2 };

        var without = CoverageScoring.Score(concepts, passages);
        var with = CoverageScoring.Score(concepts, passages, documents, documentWeight: 0.5);

        Assert.Equal(without[B], without[C], 12);
        Assert.True(with[B] > with[C], $"{with[B]} vs {with[C]}");
        Assert.Equal(without[C], with[C], 12);
        Assert.Equal(without[A], with[A], 12); // A does not borrow "ferry": it is no name
    }

    [Fact]
    public void Score_LendsAQuestionWordMarkedAsAName_AsItLendsANamesOtherSpelling()
    {
        // A Chinese question naming an English game: "lanternfall" is the question's own word, marked as a name by the
        // analyzer. A (the game's opening) says it; B, of the same document, has the answer's word; C, another document, too.
        var analysis = new QueryAnalysis(TextLanguage.Chinese,
        [
            new QueryTerm("lanternfall", TermOrigin.Question) { Name = true },
            new QueryTerm("solo", TermOrigin.Question),
        ]);
        var concepts = CoverageScoring.Concepts(analysis, 1.0, 0.5, 1.0);
        Assert.True(concepts.Single(c => c.Key == "lanternfall").Name);
        Assert.False(concepts.Single(c => c.Key == "solo").Name);
        var passages = new Dictionary<Guid, HashSet<string>> { [A] = Tokens("lanternfall"), [B] = Tokens("solo"), [C] = Tokens("solo") };
        Guid doc1 = Guid.NewGuid(), doc2 = Guid.NewGuid();

        var with = CoverageScoring.Score(concepts, passages, new Dictionary<Guid, Guid> { [A] = doc1, [B] = doc1, [C] = doc2 }, documentWeight: 1.0);

        Assert.True(with[B] > with[C], $"{with[B]} vs {with[C]}");
    }

    [Fact]
    public void NameWrittenInChinese_IsTrueWhenAPassageHasARomanisedNamesPinyinSpelling()
    {
        var analysis = new QueryAnalysis(TextLanguage.English,
        [
            new QueryTerm("wulan", TermOrigin.Question),
            new QueryTerm("ferry", TermOrigin.Question),
            new QueryTerm("wulan0", TermOrigin.Translation, 1.0, "wulan") { Name = true },
            new QueryTerm("渡船", TermOrigin.Translation, 1.0, "ferry"),
        ]);
        var concepts = CoverageScoring.Concepts(analysis, 1.0, 0.5, 1.0);

        // The name in its own spelling, or another concept's translation: no.
        Assert.False(CoverageScoring.NameWrittenInChinese(concepts, new Dictionary<Guid, HashSet<string>> { [A] = ["wulan"], [B] = ["渡船"] }));
        // The pinyin bridge's spelling (a passage that writes 雾岚): yes.
        Assert.True(CoverageScoring.NameWrittenInChinese(concepts, new Dictionary<Guid, HashSet<string>> { [A] = ["ferry"], [B] = ["wulan0"] }));
        Assert.False(CoverageScoring.NameWrittenInChinese(concepts, new Dictionary<Guid, HashSet<string>>()));
    }

    [Fact]
    public void NameWrittenInChinese_IsTrueWhenAPassageHasTheChineseNameTheQuestionQuotes()
    {
        var analysis = new QueryAnalysis(TextLanguage.Mixed,
        [
            new QueryTerm("guild", TermOrigin.Question),
            new QueryTerm("星港 港商 商会", TermOrigin.Question) { Name = true },
            new QueryTerm("lanternfall", TermOrigin.Question) { Name = true },
        ]);
        var concepts = CoverageScoring.Concepts(analysis, 1.0, 0.5, 1.0);

        // All the name's bigrams: yes. Some of them, or a name in Latin letters in its own spelling: no.
        Assert.True(CoverageScoring.NameWrittenInChinese(concepts, new Dictionary<Guid, HashSet<string>> { [A] = ["星港", "港商", "商会"] }));
        Assert.False(CoverageScoring.NameWrittenInChinese(concepts, new Dictionary<Guid, HashSet<string>> { [A] = ["港商", "商会"], [B] = ["lanternfall", "guild"] }));
    }

    [Fact]
    public void Score_IsZeroForEveryPassage_WhenNoConceptMatches()
    {
        var concepts = CoverageScoring.Concepts(new QueryAnalysis(TextLanguage.English, [new QueryTerm("quasar", TermOrigin.Question)]), 1, 0.5, 1);

        var scores = CoverageScoring.Score(concepts, new Dictionary<Guid, HashSet<string>> { [A] = Tokens("tea"), [B] = Tokens("coffee") });

        Assert.All(scores.Values, s => Assert.Equal(0.0, s));
    }

    [Fact]
    public void FuseByCoverage_AddsThresholdedSemantic_AndOnlyTheBestFullTextListAsTieBreak()
    {
        var text = new RankedList(RetrievalLists.Text, [new(A, 0.8), new(B, 0.4)], Weight: 0.2);
        var translation = new RankedList(RetrievalLists.Translation, [new(B, 0.5)], Weight: 0.2);
        var semantic = new RankedList(RetrievalLists.Semantic, [new(C, 0.6), new(A, 0.1)], Weight: 1.0, Absolute: true);
        var coverage = new Dictionary<Guid, double> { [A] = 0.5, [B] = 0.5, [C] = 0.25 };

        var fused = ScoreFusion.FuseByCoverage([text, translation, semantic], coverage, topK: 10, semanticThreshold: 0.2);

        // A: 0.5 + 0.2·1 (text) + 0 (cosine 0.1 is under the threshold) = 0.7.
        // B: 0.5 + max(0.2·0.5 text, 0.2·1 translation) = 0.7 — the lists are not added up.
        // C: 0.25 + 1·(0.6 − 0.2) / 0.8 = 0.75.
        Assert.Equal([C, A, B], fused.Select(f => f.Id));
        Assert.Equal([0.75, 0.7, 0.7], fused.Select(f => Math.Round(f.Score, 12)));
        Assert.Equal((2, 1), (fused[2].TextRank!.Value, fused[2].TranslationRank!.Value));
        Assert.Equal(2, fused[1].SemanticRank);
    }
}
