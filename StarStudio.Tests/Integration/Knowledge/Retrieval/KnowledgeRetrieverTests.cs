using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Retrieval;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>Hybrid retrieval against real PostgreSQL with pgvector, as the app role (RLS applies).</summary>
public sealed class KnowledgeRetrieverTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ServiceProvider services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await services.DisposeAsync();

    private EmbeddingModelResolver Resolver() => new(services.GetRequiredService<IHttpClientFactory>(), new EphemeralDataProtectionProvider());

    private KnowledgeRetriever Retriever(UserContext user, RetrievalOptions? options = null) =>
        new(pg.Db(user), Resolver(), options is null ? null : Options.Create(options));

    private async Task<(UserContext Owner, RetrievalCorpus.Indexed Corpus)> IndexedStarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = await RetrievalCorpus.CreateStarAsync(pg, owner);
        return (owner, await RetrievalCorpus.IndexAsync(pg, star));
    }

    private static string KeyOf(RetrievalCorpus.Indexed corpus, RetrievedPassage p) =>
        corpus.ChunkIds.Single(kv => kv.Value == p.Citation.ChunkId).Key;

    [Fact]
    public async Task Search_KnownCorpus_PutsTheRightPassageInTheTop3ForEveryQuestion()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var retriever = Retriever(owner);

        var misses = new List<string>();
        var reciprocalRanks = new List<double>();
        foreach (var (question, key) in RetrievalCorpus.Questions)
        {
            var hits = await retriever.SearchAsync(new RetrievalQuery(corpus.StarId, question, TopK: 5));
            var rank = hits.Select(h => KeyOf(corpus, h)).ToList().IndexOf(key);
            reciprocalRanks.Add(rank < 0 ? 0 : 1.0 / (rank + 1));
            if (rank is < 0 or > 2)
            {
                misses.Add($"{question} → expected {key}, got {string.Join(", ", hits.Take(3).Select(h => KeyOf(corpus, h)))}");
            }
        }

        Assert.True(misses.Count == 0, string.Join("\n", misses));
        // Most answers should be first, not just in the top 3.
        Assert.True(reciprocalRanks.Average() >= 0.9, $"MRR {reciprocalRanks.Average():0.000}");
    }

    [Fact]
    public async Task Search_AllListsInOneRoundTrip_FindExactlyWhatARoundTripPerListFinds()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var analyzer = new StarStudio.Data.Knowledge.Expansion.DictionaryQueryAnalyzer();
        KnowledgeRetriever With(bool batch) => new(pg.Db(owner), Resolver(), Options.Create(new RetrievalOptions { BatchLists = batch }), analyzer);

        foreach (var (question, _) in RetrievalCorpus.Questions.Where((_, i) => i % 3 == 0))
        {
            var query = new RetrievalQuery(corpus.StarId, question, TopK: 8);
            var batched = await With(true).SearchAsync(query);
            var separate = await With(false).SearchAsync(query);

            Assert.NotEmpty(batched);
            Assert.Equal(
                separate.Select(p => (p.Citation.ChunkId, p.Score, p.VectorRank, p.TextRank, p.ExpansionRank, p.TranslationRank)),
                batched.Select(p => (p.Citation.ChunkId, p.Score, p.VectorRank, p.TextRank, p.ExpansionRank, p.TranslationRank)));
        }
    }

    [Fact]
    public async Task Search_ReturnsTextScoresRanksAndCitationsFromTheMetadata()
    {
        var (owner, corpus) = await IndexedStarAsync();

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "How do conservators mend a tear in paper with Japanese tissue?", TopK: 4));

        Assert.Equal(4, hits.Count);
        var top = hits[0];
        Assert.Equal("japanese-tissue", KeyOf(corpus, top));
        Assert.StartsWith("Tears in paper are mended", top.Text, StringComparison.Ordinal);
        Assert.Equal("Conservation Handbook.pdf", top.Citation.SourceName);
        Assert.Equal(corpus.TaskIds["japanese-tissue"], top.Citation.TaskId);
        Assert.Equal(["第一章", "japanese-tissue"], top.Citation.HeadingPath);
        Assert.NotNull(top.Citation.Page);
        Assert.Equal(top.Text.Length, top.Citation.CharEnd - top.Citation.CharStart);
        Assert.Equal(1, top.VectorRank);
        Assert.Equal(1, top.TextRank);
        Assert.NotNull(top.VectorDistance);
        Assert.InRange(top.VectorDistance!.Value, 0, 1);
        // First in both lists: coverage fusion gives it its coverage (some of the question's words, at most all: (0, 1]),
        // the vector list's full weight and the full-text tie-break's full weight (each list's best scales to 1).
        var defaults = new RetrievalOptions();
        Assert.Equal(FusionMethod.Coverage, defaults.Fusion);
        Assert.InRange(top.Score - defaults.VectorWeight - defaults.LexicalWeight, 1e-9, 1 + 1e-9);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "scores descend");
    }

    [Fact]
    public async Task Search_TaskFilter_ReturnsOnlyThatTasksPassages()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var task = corpus.TaskIds["eclipse"];

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "古籍修复用什么纸？望远镜", TopK: 8) { TaskId = task });

        Assert.Equal(3, hits.Count); // 天文入门.md holds three passages
        Assert.All(hits, h => Assert.Equal(task, h.Citation.TaskId));
        Assert.Equal("telescope-zh", KeyOf(corpus, hits[0]));
    }

    [Fact]
    public async Task Search_SourceFilter_ReturnsOnlyThatSourcesPassages()
    {
        var (owner, corpus) = await IndexedStarAsync();

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "paper deacidification 纸张脱酸", TopK: 8) { SourceName = "古籍修复手册.pdf" });

        Assert.Equal(6, hits.Count);
        Assert.All(hits, h => Assert.Equal("古籍修复手册.pdf", h.Citation.SourceName));
        Assert.Equal("deacidify-zh", KeyOf(corpus, hits[0]));
    }

    [Fact]
    public async Task Search_TagFilter_ReturnsOnlyTaggedPassages()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var tagged = RetrievalCorpus.Passages.Where(p => p.Tags.Contains("paper")).Select(p => p.Key).ToHashSet();

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "acidic paper", TopK: 8) { Tag = "paper" });

        Assert.Equal(tagged, hits.Select(h => KeyOf(corpus, h)).ToHashSet());
        Assert.Equal("deacidify-en", KeyOf(corpus, hits[0]));
    }

    [Fact]
    public async Task Search_AnotherUsersStar_FindsNothing()
    {
        var (_, corpus) = await IndexedStarAsync();
        var stranger = await pg.CreateUserAsync();
        var strangersStar = await RetrievalCorpus.CreateStarAsync(pg, stranger);
        var task = await RetrievalCorpus.CreateTaskAsync(pg, strangersStar, "mine.txt");
        await RetrievalCorpus.InsertChunkAsync(pg, strangersStar, task, 0, "Black holes and their event horizon.", "mine.txt", []);

        var theirs = await Retriever(stranger).SearchAsync(new RetrievalQuery(corpus.StarId, "What is the event horizon of a black hole?"));
        var own = await Retriever(stranger).SearchAsync(new RetrievalQuery(strangersStar, "What is the event horizon of a black hole?"));
        var anonymous = await Retriever(UserContext.Anonymous).SearchAsync(new RetrievalQuery(corpus.StarId, "What is the event horizon of a black hole?"));

        Assert.Empty(theirs);
        Assert.Empty(anonymous);
        Assert.Equal("Black holes and their event horizon.", Assert.Single(own).Text);
    }

    [Fact]
    public async Task Search_SmallStarAmongABigOne_StillGetsKResults()
    {
        var owner = await pg.CreateUserAsync();
        var big = await RetrievalCorpus.CreateStarAsync(pg, owner, "big");
        var small = await RetrievalCorpus.CreateStarAsync(pg, owner, "small");
        var bigTask = await RetrievalCorpus.CreateTaskAsync(pg, big, "big.txt");
        var random = new Random(7);
        string[] words = ["paper", "binding", "thread", "star", "telescope", "纸张", "装订", "修复", "星空", "望远镜", "ink", "brush", "墨", "砚台"];
        var texts = Enumerable.Range(0, 3000)
            .Select(i => string.Join(' ', Enumerable.Range(0, 30).Select(_ => words[random.Next(words.Length)])) + $" bulk{i}")
            .ToList();
        await RetrievalCorpus.InsertManyAsync(pg, big, bigTask, texts, "big.txt");
        var smallTask = await RetrievalCorpus.CreateTaskAsync(pg, small, "small.txt");
        for (var i = 0; i < 12; i++)
        {
            await RetrievalCorpus.InsertChunkAsync(pg, small, smallTask, i, $"small star note {i} about paper binding and 古籍修复", "small.txt", []);
        }

        await RetrievalCorpus.AnalyzeAsync(pg);

        // The tuned settings, and settings under which the HNSW scan alone would come back nearly empty
        // (pgvector's default: no iterative scan), where the exact fallback has to fill in.
        foreach (var options in new[] { new RetrievalOptions(), new RetrievalOptions { IterativeScan = "off", EfSearch = 10 } })
        {
            var hits = await Retriever(owner, options).SearchAsync(new RetrievalQuery(small, "paper binding", TopK: 8));

            Assert.Equal(8, hits.Count);
            Assert.All(hits, h => Assert.Equal(smallTask, h.Citation.TaskId));
            Assert.All(hits, h => Assert.NotNull(h.VectorRank));
        }
    }

    [Fact]
    public async Task NearestAsync_WhenTheIndexScanComesBackShort_AnswersExactly()
    {
        var owner = await pg.CreateUserAsync();
        var star = await RetrievalCorpus.CreateStarAsync(pg, owner);
        var corpus = await RetrievalCorpus.IndexAsync(pg, star);
        var question = new LocalHashingEmbedder().Embed("black hole event horizon");
        var scope = new KnowledgeSearchScope(star, RetrievalCorpus.Model, 384);

        var (hits, exact) = await pg.Db(owner).RunAsync(async (db, _) =>
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            return await KnowledgeSearchSql.NearestAsync(conn, tx, scope, question, 40, new RetrievalOptions(), default);
        });

        // 30 rows < 40 asked for: the exact query returns all of them, nearest first.
        Assert.True(exact);
        Assert.Equal(30, hits.Count);
        Assert.Equal(corpus.ChunkIds["black-holes"], await ChunkIdAsync(hits[0].Id));
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
    }

    [Fact]
    public async Task NearestAsync_WhenTheIndexScanSuffices_NeverRunsTheExactBranch()
    {
        var owner = await pg.CreateUserAsync();
        var star = await RetrievalCorpus.CreateStarAsync(pg, owner);
        await RetrievalCorpus.IndexAsync(pg, star);
        var question = new LocalHashingEmbedder().Embed("black hole event horizon");
        var scope = new KnowledgeSearchScope(star, RetrievalCorpus.Model, 384);

        var (hits, exact, plan) = await pg.Db(owner).RunAsync(async (db, _) =>
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            var (hits, exact) = await KnowledgeSearchSql.NearestAsync(conn, tx, scope, question, 10, new RetrievalOptions(), default);
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + KnowledgeSearchSql.NearestQuery(scope), conn, tx);
            explain.Parameters.AddWithValue("star", star);
            explain.Parameters.AddWithValue("model", RetrievalCorpus.Model);
            explain.Parameters.Add(new NpgsqlParameter("q", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Real) { Value = question });
            explain.Parameters.AddWithValue("limit", 10);
            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(0));
                }
            }

            return (hits, exact, string.Join("\n", lines));
        });

        // 10 approximate rows for 10 asked: the exact branch's one-time filter is false, so its scan never runs.
        Assert.False(exact);
        Assert.Equal(10, hits.Count);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
        Assert.Contains("One-Time Filter", plan, StringComparison.Ordinal);
        Assert.Contains("never executed", plan, StringComparison.Ordinal);
    }

    private async Task<Guid> ChunkIdAsync(Guid rowId)
    {
        await using var db = pg.OwnerContext();
        return await db.StarEmbeddings.AsNoTracking().Where(e => e.Id == rowId).Select(e => e.ChunkId).SingleAsync();
    }

    [Fact]
    public async Task Search_IgnoresVectorsOfOtherModels()
    {
        var (owner, corpus) = await IndexedStarAsync();
        const string question = "What is the event horizon of a black hole?";
        var task = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "other.txt");
        // Same size, same vector as the question, but made by another model: not comparable, so not a vector hit.
        var foreign = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, task, 0, "zzz unrelated words only", "other.txt", [],
            model: "other-model-384", vector: new LocalHashingEmbedder().Embed(question));

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, question, TopK: 30));

        Assert.DoesNotContain(hits, h => h.Citation.ChunkId == foreign);
        Assert.Equal("black-holes", KeyOf(corpus, hits[0]));
    }

    [Fact]
    public async Task Search_TextOnlyMatch_IsFoundEvenWithoutAVectorHit()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var task = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "other-model.txt");
        // A chunk indexed by another model: the vector half cannot see it, the full-text half can.
        var chunk = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, task, 0, "The quokka lives on Rottnest Island.", "other-model.txt", [],
            model: "other-model-384", vector: new LocalHashingEmbedder("x", 384).Embed("unrelated"));

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "Where does the quokka live?", TopK: 3));

        var hit = Assert.Single(hits, h => h.Citation.ChunkId == chunk);
        Assert.Null(hit.VectorRank);
        Assert.Null(hit.VectorDistance);
        Assert.Equal(1, hit.TextRank);
    }

    [Fact]
    public async Task Search_StarAboveTheFullTextRankLimit_StillFindsATextOnlyMatchOfARareWord()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var task = await RetrievalCorpus.CreateTaskAsync(pg, corpus.StarId, "other-model.txt");
        // 2,000 chunks with a common word of the question (common in the whole table too, whatever else the other tests
        // stored), so its matches are far more than are ranked.
        await RetrievalCorpus.InsertManyAsync(pg, corpus.StarId, task,
            Enumerable.Range(0, 2000).Select(i => $"lorem ipsum {i}: we live here and live there").ToList(), "other-model.txt");
        var chunk = await RetrievalCorpus.InsertChunkAsync(pg, corpus.StarId, task, 500, "The quokka lives on Rottnest Island, where many live.", "other-model.txt", [],
            model: "other-model-384", vector: new LocalHashingEmbedder("x", 384).Embed("unrelated"));
        await using (var db = pg.OwnerContext())
        {
            // The star's size comes from its tasks' chunk counts.
            await db.Database.ExecuteSqlAsync($"UPDATE knowledge_tasks SET chunk_count = 2031 WHERE id = {task}");
        }

        await RetrievalCorpus.AnalyzeAsync(pg);
        var retriever = Retriever(owner, new RetrievalOptions { FullTextRankLimit = 40 });

        var quokka = await retriever.SearchAsync(new RetrievalQuery(corpus.StarId, "Where does the quokka live?", TopK: 5));
        var paper = await retriever.SearchAsync(new RetrievalQuery(corpus.StarId, "How are tears in paper mended with Japanese tissue?", TopK: 3));

        // The stop-gap this replaced ranked text only among the vector candidates, and missed such a match.
        var hit = Assert.Single(quokka, h => h.Citation.ChunkId == chunk);
        Assert.Null(hit.VectorRank);
        Assert.Equal(1, hit.TextRank);
        // An ordinary question is still ranked by the full text of its words among the limited matches.
        var tissue = Assert.Single(paper, p => KeyOf(corpus, p) == "japanese-tissue");
        Assert.NotNull(tissue.TextRank);
    }

    [Fact]
    public async Task Search_EmptyQuestion_ReturnsNothing_AndBadTopKIsRefused()
    {
        var (owner, corpus) = await IndexedStarAsync();
        var retriever = Retriever(owner);

        Assert.Empty(await retriever.SearchAsync(new RetrievalQuery(corpus.StarId, "   ")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => retriever.SearchAsync(new RetrievalQuery(corpus.StarId, "paper", TopK: 0)));
    }

    [Fact]
    public async Task Search_PunctuationOnlyQuestion_ReturnsNothingInsteadOfFailing()
    {
        var (owner, corpus) = await IndexedStarAsync();

        Assert.Empty(await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "？？！！ ... '\\ & | !")));
    }

    [Fact]
    public async Task Search_TopK_LimitsTheResults()
    {
        var (owner, corpus) = await IndexedStarAsync();

        var hits = await Retriever(owner).SearchAsync(new RetrievalQuery(corpus.StarId, "paper 纸张 star 星", TopK: 3));

        Assert.Equal(3, hits.Count);
        Assert.Equal(hits.Count, hits.Select(h => h.Citation.ChunkId).Distinct().Count());
    }

    [Fact]
    public async Task GetDefaultAsync_ReadsTheSeededLocalModel()
    {
        var user = await pg.CreateUserAsync();

        var model = await Resolver().GetDefaultAsync(pg.Db(user));

        Assert.Equal("local-hash-384", model.Name);
        Assert.Equal(384, model.Dimension);
        Assert.IsType<LocalHashingEmbedder>(Resolver().Create(model));
    }
}
