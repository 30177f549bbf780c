using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Expansion;
using StarStudio.Data.Knowledge.Retrieval;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>
/// Query expansion through the real retriever and PostgreSQL's full-text search, as the app role: a question in one
/// language finds a passage in the other through the dictionary's translations, where the question's own words
/// (<see cref="BasicQueryAnalyzer"/>) find nothing. The lists are restricted to full text (own words and expansions) and
/// the source to the other language's, so what is found was found by the expansions.
/// </summary>
public sealed class CrossLingualRetrievalTests(PostgresDatabase pg, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly Lazy<DictionaryQueryAnalyzer> Dictionary = new(() => new DictionaryQueryAnalyzer());

    private readonly ServiceProvider services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await services.DisposeAsync();

    private KnowledgeRetriever Retriever(UserContext user, IQueryAnalyzer analyzer) =>
        new(pg.Db(user), new EmbeddingModelResolver(services.GetRequiredService<IHttpClientFactory>(), new EphemeralDataProtectionProvider()), analyzer: analyzer);

    private static string KeyOf(RetrievalCorpus.Indexed corpus, RetrievedPassage p) =>
        corpus.ChunkIds.Single(kv => kv.Value == p.Citation.ChunkId).Key;

    [Theory]
    [InlineData("How is acidic paper deacidified with a magnesium bicarbonate solution?", "古籍修复手册.pdf", "deacidify-zh")]
    [InlineData("Which telescopes use a concave mirror, and why can their aperture be large?", "天文入门.md", "telescope-zh")]
    [InlineData("黑洞的事件视界是什么？", "Astronomy Notes.md", "black-holes")]
    [InlineData("珊瑚为什么会白化？", "Ocean Notes.txt", "coral")]
    public async Task A_question_finds_a_passage_in_the_other_language_only_through_its_expansions(string question, string source, string expected)
    {
        var owner = await pg.CreateUserAsync();
        var corpus = await RetrievalCorpus.IndexAsync(pg, await RetrievalCorpus.CreateStarAsync(pg, owner));
        var query = new RetrievalQuery(corpus.StarId, question, TopK: 3) { SourceName = source, Lists = RetrievalLists.Text | RetrievalLists.Expansion | RetrievalLists.Translation };

        var basic = await Retriever(owner, new BasicQueryAnalyzer()).RetrieveAsync(query);
        var expanded = await Retriever(owner, Dictionary.Value).RetrieveAsync(query);

        output.WriteLine(string.Join(" | ", expanded.Analysis.Expansions.Select(t => $"{t.Text}←{t.From}")));
        output.WriteLine("found: " + string.Join(", ", expanded.Passages.Select(p => KeyOf(corpus, p))));
        Assert.DoesNotContain(basic.Passages, p => KeyOf(corpus, p) == expected);
        Assert.NotEmpty(expanded.Passages);
        var top = expanded.Passages[0];
        Assert.Equal(expected, KeyOf(corpus, top));
        Assert.Null(top.TextRank);
        Assert.Equal(1, top.TranslationRank); // translations are a list of their own, which the other language's passage leads
        Assert.Contains(expanded.Analysis.Expansions, t => t.Origin == TermOrigin.Translation);
    }

    [Fact]
    public async Task A_romanised_name_finds_the_chinese_passage_that_writes_it_in_characters()
    {
        // A made-up town: no dictionary has 雾岚 or "Wulan". The pinyin bridge indexes 雾岚 as wulan0 and reads "Wulan" so.
        var owner = await pg.CreateUserAsync();
        var corpus = await RetrievalCorpus.IndexAsync(pg, await RetrievalCorpus.CreateStarAsync(pg, owner));
        var task = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "渡口.md");
        var chunk = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, task, 0, "雾岚镇的渡口在镇子北边，渡船每天早上六点第一班出发。", "渡口.md", []);
        var query = new RetrievalQuery(corpus.StarId, "When does the first boat leave Wulan?", TopK: 3)
        {
            Lists = RetrievalLists.Text | RetrievalLists.Expansion | RetrievalLists.Translation,
        };

        var basic = await Retriever(owner, new BasicQueryAnalyzer()).RetrieveAsync(query);
        var expanded = await Retriever(owner, Dictionary.Value).RetrieveAsync(query);

        output.WriteLine(string.Join(" | ", expanded.Analysis.Expansions.Select(t => $"{t.Text}←{t.From}")));
        Assert.DoesNotContain(basic.Passages, p => p.Citation.ChunkId == chunk);
        var found = Assert.Single(expanded.Passages, p => p.Citation.ChunkId == chunk);
        Assert.Same(found, expanded.Passages[0]);
        Assert.NotNull(found.TranslationRank);
        Assert.Contains(expanded.Analysis.Expansions, t => t is { Text: "wulan0", Name: true });
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(1.0, false)]
    public async Task An_english_question_naming_a_place_written_in_chinese_does_not_let_the_english_only_lists_outrank_it(
        double factor, bool chineseFirst)
    {
        // The semantic model reads English only, so for "Wulan" (雾岚 in the Chinese passage) its list holds English
        // passages that are not about the place; a fake list gives them near-perfect similarities. With the default factor
        // (0) the list is left out of this question whole — its scores and the passages only it brought — and the Chinese
        // passage leads; at 1 the English one does.
        var owner = await pg.CreateUserAsync();
        var corpus = await RetrievalCorpus.IndexAsync(pg, await RetrievalCorpus.CreateStarAsync(pg, owner));
        var zhTask = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "渡口.md");
        var zh = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, zhTask, 0, "雾岚镇的渡口在镇子北边，渡船每天早上六点第一班出发。", "渡口.md", []);
        var enTask = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "Harbour.md");
        var en = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, enTask, 0, "A ferry leaves the pier every hour.", "Harbour.md", []);
        var otherTask = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "Bakery.md");
        var other = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, otherTask, 0, "Our sourdough is proved overnight in a cool room.", "Bakery.md", []);
        Guid enRow, otherRow;
        await using (var db = pg.OwnerContext())
        {
            enRow = db.StarEmbeddings.Single(e => e.ChunkId == en).Id;
            otherRow = db.StarEmbeddings.Single(e => e.ChunkId == other).Id;
        }

        var retriever = new KnowledgeRetriever(
            pg.Db(owner), new EmbeddingModelResolver(services.GetRequiredService<IHttpClientFactory>(), new EphemeralDataProtectionProvider()),
            Microsoft.Extensions.Options.Options.Create(new RetrievalOptions { NamedInChineseListFactor = factor }), Dictionary.Value,
            new FixedSemanticList((enRow, 0.97), (otherRow, 0.96)));

        var result = await retriever.RetrieveAsync(new RetrievalQuery(corpus.StarId, "When does the first boat leave Wulan?", TopK: 5));

        output.WriteLine(string.Join(" | ", result.Passages.Select(p => $"{p.Text[..12]} {p.Score:0.000} sem {p.SemanticRank}")));
        Assert.Equal(TextLanguage.English, result.Analysis.Language);
        Assert.Equal(chineseFirst ? zh : en, result.Passages[0].Citation.ChunkId);
        if (chineseFirst)
        {
            // The full-text lists still bring the English passage ("leaves"); the bakery only the semantic list had.
            Assert.Contains(result.Passages, p => p.Citation.ChunkId == en && p.SemanticRank is null);
            Assert.DoesNotContain(result.Passages, p => p.Citation.ChunkId == other);
        }
        else
        {
            Assert.Contains(result.Passages, p => p.Citation.ChunkId == en && p.SemanticRank == 1);
            Assert.Contains(result.Passages, p => p.Citation.ChunkId == other && p.SemanticRank == 2);
        }
    }

    [Fact]
    public async Task An_english_question_quoting_a_chinese_name_leaves_the_english_only_lists_out_and_finds_the_named_document()
    {
        // "Star Harbour Guild (星港商会)": the quoted characters are the name, asked for whole and lent to the passages of
        // the document that writes it; the question is about that Chinese document, so the semantic list (an English
        // passage at cosine 0.97) is left out.
        var owner = await pg.CreateUserAsync();
        var corpus = await RetrievalCorpus.IndexAsync(pg, await RetrievalCorpus.CreateStarAsync(pg, owner));
        var zhTask = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "星港商会.md");
        var opening = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, zhTask, 0, "《星港商会》是一款为二到五人设计的桌游。", "星港商会.md", []);
        var end = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, zhTask, 1, "当第三张海盗突袭卡被翻开后，再进行完当前这一轮，游戏就结束。", "星港商会.md", []);
        var enTask = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "Lanternfall.md");
        var en = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, enTask, 0, "Players draw two cards each turn.", "Lanternfall.md", []);
        Guid enRow;
        await using (var db = pg.OwnerContext())
        {
            enRow = db.StarEmbeddings.Single(e => e.ChunkId == en).Id;
        }

        var retriever = new KnowledgeRetriever(
            pg.Db(owner), new EmbeddingModelResolver(services.GetRequiredService<IHttpClientFactory>(), new EphemeralDataProtectionProvider()),
            Microsoft.Extensions.Options.Options.Create(new RetrievalOptions()), Dictionary.Value, new FixedSemanticList((enRow, 0.97)));

        var result = await retriever.RetrieveAsync(new RetrievalQuery(corpus.StarId, "When does a game of Star Harbour Guild (星港商会) end?", TopK: 3));

        output.WriteLine(string.Join(" | ", result.Passages.Select(p => $"{p.Text[..8]} {p.Score:0.000} sem {p.SemanticRank}")));
        Assert.Contains(result.Analysis.Original, t => t is { Text: "星港 港商 商会", Name: true });
        // Without the rule the English passage (no word of the question) would lead by its semantic score alone; now the
        // named document's two passages lead (the one that does not say the name borrows it from the one that does), and
        // the passage only the semantic list brought is not a candidate.
        Assert.Equal(new[] { opening, end }.Order(), result.Passages.Take(2).Select(p => p.Citation.ChunkId).Order());
        Assert.DoesNotContain(result.Passages, p => p.Citation.ChunkId == en);
        Assert.All(result.Passages, p => Assert.Null(p.SemanticRank));
    }

    /// <summary>A semantic list that always returns the given rows at the given cosine similarities, in that order.</summary>
    private sealed class FixedSemanticList(params (Guid Row, double Similarity)[] rows) : ISemanticKnowledge
    {
        public bool IsEnabled => true;

        public Task<float[]?> EmbedQuestionAsync(string text, CancellationToken ct = default) => Task.FromResult<float[]?>([1f]);

        public Task<List<VectorHit>> SearchAsync(
            Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
            RetrievalOptions options, CancellationToken ct = default) => Task.FromResult(rows.Select(r => new VectorHit(r.Row, 1 - r.Similarity)).ToList());
    }

    [Fact]
    public async Task With_every_list_the_other_languages_passage_joins_the_answer()
    {
        var owner = await pg.CreateUserAsync();
        var corpus = await RetrievalCorpus.IndexAsync(pg, await RetrievalCorpus.CreateStarAsync(pg, owner));
        var query = new RetrievalQuery(corpus.StarId, "黑洞的事件视界是什么？", TopK: 5);

        var basic = await Retriever(owner, new BasicQueryAnalyzer()).RetrieveAsync(query);
        var expanded = await Retriever(owner, Dictionary.Value).RetrieveAsync(query);

        output.WriteLine("basic: " + string.Join(", ", basic.Passages.Select(p => KeyOf(corpus, p))));
        output.WriteLine("expanded: " + string.Join(", ", expanded.Passages.Select(p => KeyOf(corpus, p))));
        // Where it ranks among the fused lists is the fusion's business (docs/knowledge.md); that it is there is the expansions'.
        Assert.DoesNotContain(basic.Passages, p => KeyOf(corpus, p) == "black-holes");
        var found = Assert.Single(expanded.Passages, p => KeyOf(corpus, p) == "black-holes");
        Assert.NotNull(found.TranslationRank);
    }
}
