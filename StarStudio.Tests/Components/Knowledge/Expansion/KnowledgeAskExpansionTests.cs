using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Web.Components.Studio.Knowledge;

namespace StarStudio.Tests.Components.Knowledge.Expansion;

public sealed class KnowledgeAskExpansionTests : ComponentTest
{
    private static readonly Citation Cite = new(Guid.NewGuid(), Guid.NewGuid(), "Astronomy Notes.md", null, [], 0, 10);

    private static readonly QueryAnalysis Analysis = new(TextLanguage.Chinese,
    [
        new QueryTerm("黑洞", TermOrigin.Question),
        new QueryTerm("black hole", TermOrigin.Translation, 0.5, "黑洞"),
        new QueryTerm("光合 合作 作用", TermOrigin.Synonym, 0.5, "光合"),
        new QueryTerm("holes", TermOrigin.Inflection, 0.8, "hole"),
        new QueryTerm("event", TermOrigin.Translation, 0.5, "事件"),
    ]);

    private async Task<IRenderedComponent<KnowledgeAsk>> Ask(RetrievalResult result)
    {
        Context.Services.AddSingleton<IKnowledgeService>(new AskOnlyKnowledge(result));
        var cut = Render<KnowledgeAsk>(p => p.Add(c => c.StarId, Guid.NewGuid()));
        await cut.Find("#ask-question").InputAsync("黑洞的事件视界是什么？");
        await cut.Find("[data-testid=ask-submit]").ClickAsync();
        return cut;
    }

    [Fact]
    public async Task The_expansions_used_are_shown_as_term_from_chips_grouped_by_origin()
    {
        var cut = await Ask(new RetrievalResult([], Analysis));

        var groups = cut.FindAll("[data-testid=ask-expansion-group]");
        Assert.Equal(["translation", "synonym", "inflection"], groups.Select(g => g.GetAttribute("data-origin")));
        Assert.Contains("翻译", groups[0].TextContent);
        var chips = groups[0].QuerySelectorAll("[data-testid=ask-expansion]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["black hole ← 黑洞", "event ← 事件"], chips);
        // A Chinese term is shown as its word, not as the bigrams it is searched by.
        Assert.Equal("光合作用 ← 光合", groups[1].QuerySelector("[data-testid=ask-expansion]")!.TextContent.Trim());
        Assert.Contains("词形变化", groups[2].TextContent);
        // The question's own words are not expansions.
        Assert.Equal(4, cut.FindAll("[data-testid=ask-expansion]").Count);
    }

    [Fact]
    public async Task A_passage_shows_its_expansion_rank_beside_the_other_ranks()
    {
        UseCulture("en-US");
        var passage = new RetrievedPassage("A black hole's event horizon ...", 0.5, null, 3, null, Cite) { ExpansionRank = 1 };

        var cut = await Ask(new RetrievalResult([passage], Analysis));

        var score = cut.Find("[data-testid=passage-score]").TextContent;
        Assert.Contains("vector #3", score);
        Assert.Contains("expansion #1", score);
        Assert.DoesNotContain("full-text", score);
        Assert.Contains("Also searched for", cut.Find("[data-testid=ask-expansions]").TextContent);
    }

    [Fact]
    public async Task A_pinyin_bridge_term_is_shown_as_its_syllables_not_as_the_index_token()
    {
        UseCulture("en-US");
        var analysis = new QueryAnalysis(TextLanguage.English,
        [
            new QueryTerm("wulan", TermOrigin.Question),
            new QueryTerm("wulan0", TermOrigin.Translation, 0.5, "wulan") { Name = true },
        ]);

        var cut = await Ask(new RetrievalResult([], analysis));

        Assert.Equal("pinyin wulan ← wulan", cut.Find("[data-testid=ask-expansion]").TextContent.Trim());
    }

    [Fact]
    public async Task Without_expansions_nothing_is_said_about_them()
    {
        var cut = await Ask(new RetrievalResult([], new QueryAnalysis(TextLanguage.English, [new QueryTerm("telescope", TermOrigin.Question)])));

        Assert.Empty(cut.FindAll("[data-testid=ask-expansions]"));
        Assert.NotNull(cut.Find("[data-testid=ask-none]"));
    }

    [Theory]
    [InlineData("光合 合作 作用", "光合作用")]
    [InlineData("银河 河系", "银河系")]
    [InlineData("电脑", "电脑")]
    [InlineData("milky way", "milky way")]
    [InlineData("喜欢 吃鱼", "喜欢 吃鱼")]
    public void Readable_joins_a_words_bigrams_only(string term, string expected) => Assert.Equal(expected, KnowledgeAsk.Readable(term));

    /// <summary>Only "ask the knowledge", answering with a fixed result.</summary>
    private sealed class AskOnlyKnowledge(RetrievalResult result) : IKnowledgeService
    {
        public Task<Result<RetrievalResult>> AskAsync(RetrievalQuery query, CancellationToken ct = default) => Task.FromResult(Result<RetrievalResult>.Ok(result));

        public Task<Page<KnowledgeTask>> ListTasksAsync(Guid starId, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> UploadAsync(Guid starId, string fileName, Stream content, long declaredLength, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> AddNoteAsync(Guid starId, string title, string markdown, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> AddWebhookContentAsync(Guid starId, Guid sourceId, string name, Stream content, long declaredLength, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> RetryAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> CancelAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeTask>> ReindexAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Page<KnowledgeChunkView>> ListChunksAsync(Guid starId, Guid? taskId, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeSettingsView>> GetSettingsAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<KnowledgeSettingsView>> UpdateSettingsAsync(Guid starId, int? chunkSize, int? chunkOverlap, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
