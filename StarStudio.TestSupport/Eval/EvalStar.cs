using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Pipeline;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Semantic;
using StarStudio.Data.Storage;

namespace StarStudio.TestSupport.Eval;

/// <summary>One retrieval mode of the evaluation: a name and the ranked lists it fuses.</summary>
public sealed record EvalMode(string Name, RetrievalLists Lists)
{
    public static readonly EvalMode Text = new("text", RetrievalLists.Text);
    public static readonly EvalMode Vector = new("vector", RetrievalLists.Vector);
    public static readonly EvalMode TextExpansion = new("text+expansion", RetrievalLists.Text | RetrievalLists.Expansion | RetrievalLists.Translation);
    public static readonly EvalMode Semantic = new("semantic", RetrievalLists.Semantic);
    public static readonly EvalMode Hybrid = new("hybrid", RetrievalLists.All);

    public static readonly IReadOnlyList<EvalMode> All = [Text, Vector, TextExpansion, Semantic, Hybrid];
}

/// <summary>The outcome of every question in one mode, and whether the mode's own lists contributed anything.</summary>
/// <param name="QuestionsWithPassages">Questions that got any passage at all.</param>
/// <param name="QuestionsExpanded">Questions the analyzer gave expansions (only asked for when the mode includes them).</param>
/// <param name="ExpansionPassages">Passages ranked by the expansion list.</param>
/// <param name="SemanticPassages">Passages ranked by the semantic list.</param>
public sealed record EvalRun(EvalMode Mode, IReadOnlyList<QuestionOutcome> Outcomes, int QuestionsWithPassages, int QuestionsExpanded, int ExpansionPassages, int SemanticPassages)
{
    /// <summary>
    /// Null when the mode works; otherwise why its numbers mean nothing: the expansion list never ran, or the
    /// semantic list (or any list) returned nothing at all.
    /// </summary>
    public string? NotEnabled =>
        QuestionsWithPassages == 0 ? "no results: not enabled"
        : Mode.Lists.HasFlag(RetrievalLists.Expansion) && Mode.Lists != RetrievalLists.All && QuestionsExpanded == 0 ? "no results: not enabled — the analyzer gave no expansions, so this is the text mode"
        : null;
}

/// <summary>
/// A star holding evaluation documents, ingested through the product's own path: the knowledge service adds each
/// document as a Markdown note, then the real ingestion job parses (in the parser worker), chunks, embeds with the
/// default model and indexes it. Questions are asked through <see cref="IKnowledgeRetriever"/>. Services come from
/// <see cref="KnowledgeServiceCollectionExtensions.AddStarStudioKnowledge"/>, so the analyzer and semantic model the app
/// registers are the ones measured.
/// </summary>
public sealed class EvalStar : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly Dictionary<Guid, string> documentsByTask;
    private readonly string objectsRoot;

    private EvalStar(ServiceProvider services, Guid starId, Dictionary<Guid, string> documentsByTask, string objectsRoot, int chunks)
    {
        this.services = services;
        StarId = starId;
        this.documentsByTask = documentsByTask;
        this.objectsRoot = objectsRoot;
        Chunks = chunks;
    }

    public Guid StarId { get; }

    /// <summary>Chunks the documents became.</summary>
    public int Chunks { get; }

    /// <summary>
    /// Creates a user and a star in the database behind <paramref name="ownerConnectionString"/> (arranging, as owner)
    /// and ingests <paramref name="documents"/> acting as that user over <paramref name="appConnectionString"/> (the app role; RLS applies).
    /// </summary>
    public static async Task<EvalStar> CreateAsync(string ownerConnectionString, string appConnectionString, IEnumerable<EvalDocument> documents, CancellationToken ct = default)
    {
        var userId = Guid.NewGuid();
        var starId = Guid.NewGuid();
        await using (var db = StarStudioContextFactory.Create(ownerConnectionString))
        {
            await TestUsers.AddAsync(db, $"eval-{userId:N}@example.test", [], userId, ct);
            db.Stars.Add(new Star { Id = starId, OwnerId = userId, Name = "评测", Domain = "evaluation", Persona = "librarian", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(ct);
        }

        var objectsRoot = Directory.CreateTempSubdirectory("starstudio-eval-").FullName;
        var queue = new EvalJobQueue();
        var owner = UserContext.For(userId);
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddLogging();
        collection.AddSingleton<IDbContextFactory<StarStudioDbContext>>(new StarStudioContextFactory(appConnectionString));
        collection.AddScoped<StarStudioDb>();
        collection.AddScoped<ActingUser>();
        collection.AddScoped<ICurrentUser>(sp => new EvalCurrentUser(sp.GetRequiredService<ActingUser>(), owner));
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IObjectStore>(new LocalObjectStore(objectsRoot));
        collection.AddScoped<IKnowledgeChunkStore, PostgresKnowledgeChunkStore>();
        collection.AddSingleton<IKnowledgeJobQueue>(queue);
        collection.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        collection.AddStarStudioKnowledge();
        var provider = collection.BuildServiceProvider();

        try
        {
            var byTask = new Dictionary<Guid, string>();
            foreach (var doc in documents)
            {
                await using var scope = provider.CreateAsyncScope();
                var knowledge = scope.ServiceProvider.GetRequiredService<IKnowledgeService>();
                var added = await knowledge.AddNoteAsync(starId, doc.Path, doc.Text, ct);
                var task = added.Value ?? throw new InvalidOperationException($"{doc.Path}: {string.Join(", ", added.Errors.Select(e => e.Code))}");
                byTask[task.Id] = doc.Path;
            }

            while (queue.TryDequeue(out var job))
            {
                await using var scope = provider.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<KnowledgeIngestionJob>().RunAsync(job.TaskId, job.ActingUserId, ct);
            }

            // The semantic list's vectors are written by a background indexer in the app; here it runs to the end, and the
            // model is loaded before the first question (the app loads it at start and skips the list until then).
            if (provider.GetService<SemanticIndexer>() is { } indexer && provider.GetRequiredService<SemanticModel>().IsEnabled)
            {
                await provider.GetRequiredService<SemanticModel>().LoadAsync();
                while (await indexer.RunOnceAsync(ct) > 0)
                {
                }
            }

            await using var check = StarStudioContextFactory.Create(ownerConnectionString);
            var tasks = await check.KnowledgeTasks.AsNoTracking().Where(t => t.StarId == starId).ToListAsync(ct);
            var failed = tasks.Where(t => t.Status != KnowledgeTaskStatus.Completed).ToList();
            if (failed.Count > 0 || tasks.Count != byTask.Count)
            {
                throw new InvalidOperationException("Ingestion did not complete: " + string.Join("; ", failed.Select(t => $"{byTask.GetValueOrDefault(t.Id)} {t.Status} {t.Error}")));
            }

            return new EvalStar(provider, starId, byTask, objectsRoot, tasks.Sum(t => t.ChunkCount));
        }
        catch
        {
            await provider.DisposeAsync();
            Directory.Delete(objectsRoot, recursive: true);
            throw;
        }
    }

    /// <summary>Asks every question at top <paramref name="topK"/> through the retriever, with <paramref name="options"/> (null: the configured defaults).</summary>
    public async Task<EvalRun> RunAsync(IEnumerable<EvalQuestion> questions, EvalMode mode, RetrievalOptions? options = null, int topK = 10, CancellationToken ct = default)
    {
        var outcomes = new List<QuestionOutcome>();
        int withPassages = 0, expanded = 0, expansionPassages = 0, semanticPassages = 0;
        foreach (var q in questions)
        {
            await using var scope = services.CreateAsyncScope();
            var retriever = options is null
                ? scope.ServiceProvider.GetRequiredService<IKnowledgeRetriever>()
                : ActivatorUtilities.CreateInstance<KnowledgeRetriever>(scope.ServiceProvider, Options.Create(options));
            var result = await retriever.RetrieveAsync(new RetrievalQuery(StarId, q.Question, topK) { Lists = mode.Lists }, ct);
            withPassages += result.Passages.Count > 0 ? 1 : 0;
            expanded += result.Analysis.Expansions.Count > 0 ? 1 : 0;
            expansionPassages += result.Passages.Count(p => p.ExpansionRank is not null);
            semanticPassages += result.Passages.Count(p => p.SemanticRank is not null);
            var ranked = result.Passages.Select(p => new EvalPassage(documentsByTask.GetValueOrDefault(p.Citation.TaskId), p.Text)).ToList();
            outcomes.Add(EvalScoring.Score(q, ranked));
        }

        return new EvalRun(mode, outcomes, withPassages, expanded, expansionPassages, semanticPassages);
    }

    /// <summary>
    /// One list of one question for offline study of fusion (the bench's <c>--dump</c>): the passages the retriever
    /// returns with only <paramref name="lists"/> on, each with its chunk id, score, document, language and which gold
    /// spans it holds, and the analysis the question got.
    /// </summary>
    public async Task<(QueryAnalysis Analysis, IReadOnlyList<(Guid Id, double Score, string? Doc, bool[] Hits)> Passages)> DumpAsync(
        EvalQuestion q, RetrievalLists lists, RetrievalOptions options, int topK, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var retriever = ActivatorUtilities.CreateInstance<KnowledgeRetriever>(scope.ServiceProvider, Options.Create(options));
        var result = await retriever.RetrieveAsync(new RetrievalQuery(StarId, q.Question, topK) { Lists = lists }, ct);
        return (result.Analysis, [.. result.Passages.Select(p =>
        {
            var passage = new EvalPassage(documentsByTask.GetValueOrDefault(p.Citation.TaskId), p.Text);
            return (p.Citation.ChunkId, p.Score, passage.Doc, q.Gold.Select(g => EvalScoring.Hits(g, passage)).ToArray());
        })]);
    }

    /// <summary>The ranked passages of one question, with the document each came from (for looking into a miss).</summary>
    public async Task<IReadOnlyList<EvalPassage>> AskAsync(string question, EvalMode mode, RetrievalOptions? options = null, int topK = 10, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var retriever = options is null
            ? scope.ServiceProvider.GetRequiredService<IKnowledgeRetriever>()
            : ActivatorUtilities.CreateInstance<KnowledgeRetriever>(scope.ServiceProvider, Options.Create(options));
        var result = await retriever.RetrieveAsync(new RetrievalQuery(StarId, question, topK) { Lists = mode.Lists }, ct);
        return [.. result.Passages.Select(p => new EvalPassage(documentsByTask.GetValueOrDefault(p.Citation.TaskId), p.Text))];
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        if (Directory.Exists(objectsRoot))
        {
            Directory.Delete(objectsRoot, recursive: true);
        }
    }

    private sealed class EvalCurrentUser(ActingUser acting, UserContext owner) : ICurrentUser
    {
        public ValueTask<UserContext> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(acting.User ?? owner);
    }

    private sealed class EvalJobQueue : IKnowledgeJobQueue
    {
        private readonly Queue<(Guid TaskId, Guid ActingUserId)> jobs = new();

        public void Enqueue(Guid taskId, Guid actingUserId) => jobs.Enqueue((taskId, actingUserId));

        public bool TryDequeue(out (Guid TaskId, Guid ActingUserId) job) => jobs.TryDequeue(out job);
    }
}
