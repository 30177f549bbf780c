using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Semantic;
using StarStudio.Tests.Integration.Knowledge.Pipeline;

namespace StarStudio.Tests.Integration.Knowledge.Semantic;

/// <summary>
/// The semantic vectors beside the default model's: the background indexer (English chunks only, resumable, progress),
/// their row-level security, and the semantic list through the real retriever.
/// </summary>
public sealed class SemanticKnowledgeTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string Bread = "Sourdough bread rises because wild yeast and lactic acid bacteria in the starter ferment the flour, producing carbon dioxide gas that the gluten network of the dough traps.";
    private const string Telescope = "A reflecting telescope gathers starlight with a large curved mirror instead of a glass lens, which avoids chromatic aberration.";
    private const string Paper = "Conservators repair torn leaves of old books with thin Japanese tissue and wheat starch paste, which stays reversible for future treatment.";
    private const string Chinese = "宣纸以青檀树皮和沙田稻草为原料，经过浸泡、蒸煮、日晒等多道工序制成，质地绵韧，久藏不腐。";

    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-semantic-").FullName;
    private KnowledgeHarness? harness;

    private KnowledgeHarness H => harness ??= new KnowledgeHarness(pg, objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private SemanticIndexer Indexer(int batchSize = 8) =>
        new(pg.AppContextFactory(), Model(), Options.Create(new SemanticOptions { BatchSize = batchSize }), NullLogger<SemanticIndexer>.Instance);

    private static SemanticModel Model() => new(Options.Create(new SemanticOptions()));

    private async Task<(UserContext Owner, Guid Star, List<Guid> Tasks)> StarWithNotesAsync(params string[] notes)
    {
        var owner = await pg.CreateUserAsync();
        var star = await H.CreateStarAsync(owner);
        var knowledge = H.Service(owner);
        var tasks = new List<Guid>();
        for (var i = 0; i < notes.Length; i++)
        {
            var added = await knowledge.AddNoteAsync(star, $"note {i}", notes[i]);
            Assert.True(added.Succeeded, string.Join(", ", added.Errors.Select(e => e.Code)));
            tasks.Add(added.Value!.Id);
        }

        await H.RunQueuedAsync();
        foreach (var t in tasks)
        {
            Assert.Equal(KnowledgeTaskStatus.Completed, (await H.TaskAsync(t)).Status);
        }

        return (owner, star, tasks);
    }

    private async Task<List<StarSemanticEmbedding>> RowsAsync(Guid star)
    {
        await using var db = pg.OwnerContext();
        return await db.Set<StarSemanticEmbedding>().AsNoTracking().Where(s => s.StarId == star).ToListAsync();
    }

    /// <summary>Indexes the given tasks as the background service would once the work list named them.</summary>
    private static async Task DrainAsync(SemanticIndexer indexer, Guid taskOwner, IEnumerable<Guid> tasks)
    {
        foreach (var task in tasks)
        {
            await indexer.IndexTaskAsync(task, taskOwner);
        }
    }

    [Fact]
    public async Task Indexer_GivesEnglishChunksAVector_AndMarksOthersWithout()
    {
        var (owner, star, tasks) = await StarWithNotesAsync(Bread, Chinese);
        var status = new SemanticIndexStatus(pg.Db(owner), Options.Create(new SemanticOptions()));
        var before = await status.GetAsync(star);

        await DrainAsync(Indexer(), owner.UserId!.Value, tasks);

        var rows = await RowsAsync(star);
        await using var db = pg.OwnerContext();
        var chunks = await db.StarEmbeddings.AsNoTracking().Where(e => e.StarId == star).ToListAsync();
        Assert.Equal(chunks.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(SemanticIndexer.IsEnglish(chunks.Single(c => c.Id == r.EmbeddingId).Content), r.Embedding is not null));
        Assert.Contains(rows, r => r.Embedding is null && r.TaskId == tasks[1]);
        Assert.Contains(rows, r => r.Embedding is not null && r.TaskId == tasks[0]);
        Assert.Equal(chunks.Count, before.Pending);
        Assert.Equal(0, before.Indexed);
        var after = await status.GetAsync(star);
        Assert.Equal((rows.Count(r => r.Embedding is not null), 0, false), (after.Indexed, after.Pending, after.Running));
    }

    [Fact]
    public async Task Indexer_AfterAnInterruption_DoesOnlyWhatIsLeft_AndTheWorkListFindsTheTask()
    {
        var (owner, star, tasks) = await StarWithNotesAsync(Bread, Telescope, Paper);
        var indexer = Indexer(batchSize: 1);
        // Interrupted after the first task: the other two were never looked at.
        await indexer.IndexTaskAsync(tasks[0], owner.UserId!.Value);
        var first = await RowsAsync(star);
        var status = await new SemanticIndexStatus(pg.Db(owner), Options.Create(new SemanticOptions())).GetAsync(star);
        Assert.True(status.Running);
        Assert.Equal(first.Count, status.Indexed);

        // What the background service runs: the definer function lists the unfinished tasks with their owner.
        for (var pass = 0; pass < 50 && (await RowsAsync(star)).Count < first.Count + 2; pass++)
        {
            await indexer.RunOnceAsync();
        }

        var rows = await RowsAsync(star);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.Embedding));
        // The rows written before the interruption were kept, not rewritten.
        Assert.All(first, f => Assert.Equal(f.CreatedAt, rows.Single(r => r.EmbeddingId == f.EmbeddingId).CreatedAt));
        Assert.Equal(0, await indexer.IndexTaskAsync(tasks[0], owner.UserId!.Value));
    }

    [Fact]
    public async Task SemanticVectors_AreHiddenFromAnotherUser_AndCannotBeWrittenForTheirStar()
    {
        var (owner, star, tasks) = await StarWithNotesAsync(Bread);
        await DrainAsync(Indexer(), owner.UserId!.Value, tasks);
        var other = await pg.CreateUserAsync();

        var seenByOwner = await pg.Db(owner).RunAsync((ctx, _) => ctx.Set<StarSemanticEmbedding>().CountAsync(s => s.StarId == star));
        var seenByOther = await pg.Db(other).RunAsync((ctx, _) => ctx.Set<StarSemanticEmbedding>().CountAsync(s => s.StarId == star));
        var deletedByOther = await pg.Db(other).RunAsync((ctx, _) => ctx.Set<StarSemanticEmbedding>().Where(s => s.StarId == star).ExecuteDeleteAsync());

        Assert.True(seenByOwner > 0);
        Assert.Equal(0, seenByOther);
        Assert.Equal(0, deletedByOther);
        Assert.Equal(seenByOwner, (await RowsAsync(star)).Count);

        // Another user's indexer run (acting as themself) cannot write vectors for the owner's chunks.
        await using (var db = pg.OwnerContext())
        {
            await db.Set<StarSemanticEmbedding>().Where(s => s.StarId == star).ExecuteDeleteAsync();
        }

        await Indexer().IndexTaskAsync(tasks[0], other.UserId!.Value);
        Assert.Empty(await RowsAsync(star));
    }

    [Fact]
    public async Task Retriever_FindsAnEnglishParaphrase_ThroughTheSemanticList_WhereFullTextDoesNot()
    {
        var (owner, star, tasks) = await StarWithNotesAsync(Bread, Telescope, Paper, Chinese);
        await DrainAsync(Indexer(), owner.UserId!.Value, tasks);
        var retriever = new KnowledgeRetriever(pg.Db(owner), H.Models, semantic: new SemanticKnowledge(Model()));
        const string question = "Why does a naturally leavened loaf get bigger?";

        var text = await retriever.RetrieveAsync(new RetrievalQuery(star, question, 3) { Lists = RetrievalLists.Text });
        var semantic = await retriever.RetrieveAsync(new RetrievalQuery(star, question, 3) { Lists = RetrievalLists.Semantic });
        var all = await retriever.RetrieveAsync(new RetrievalQuery(star, question, 3));

        Assert.DoesNotContain(text.Passages, p => p.Text.Contains("Sourdough", StringComparison.Ordinal));
        Assert.Contains("Sourdough", semantic.Passages[0].Text, StringComparison.Ordinal);
        Assert.Equal(1, semantic.Passages[0].SemanticRank);
        Assert.DoesNotContain(semantic.Passages, p => p.Text.Contains("宣纸", StringComparison.Ordinal));
        Assert.Contains(all.Passages, p => p.Text.Contains("Sourdough", StringComparison.Ordinal));
    }
}
