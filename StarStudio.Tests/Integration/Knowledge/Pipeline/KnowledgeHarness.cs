using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Data.Knowledge.Pipeline;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Knowledge.Pipeline;

/// <summary>The knowledge feature wired as the app wires it, over a test database, a temporary object store and a recording job queue.</summary>
internal sealed class KnowledgeHarness(PostgresDatabase pg, string objectsRoot)
{
    /// <summary>The parser the app uses: a worker process per document.</summary>
    private static readonly WorkerDocumentParser Parser = new(new ParserWorkerOptions());

    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    public RecordingJobQueue Jobs { get; } = new();

    /// <summary>Leases and re-drive settings of the jobs <see cref="Job"/> makes.</summary>
    public KnowledgeJobOptions JobOptions { get; set; } = new();

    /// <summary>The re-driver the app runs on start and on a timer, over the app role, queueing into <see cref="Jobs"/>.</summary>
    public KnowledgeTaskRedrive Redrive() => new(pg.AppContextFactory(), Jobs);
    public IObjectStore Objects { get; } = new LocalObjectStore(objectsRoot);
    public EmbeddingModelResolver Models { get; } = new(Http, new EphemeralDataProtectionProvider());

    public IKnowledgeService Service(UserContext user)
    {
        var db = pg.Db(user);
        return new KnowledgeService(db, Objects, new PostgresKnowledgeChunkStore(db), new KnowledgeRetriever(db, Models), Jobs, TimeProvider.System);
    }

    public KnowledgeIngestionJob Job(IKnowledgeChunkStore? chunks = null, UserContext? user = null)
    {
        var acting = new ActingUser();
        var db = new Data.Infrastructure.StarStudioDb(pg.AppContextFactory(), new ActingCurrentUser(acting));
        return new KnowledgeIngestionJob(db, acting, Objects, Parser, Cl100kTokenCounter.Instance,
            new DefaultStarEmbedderProvider(db, Models), chunks ?? new PostgresKnowledgeChunkStore(db), TimeProvider.System,
            NullLogger<KnowledgeIngestionJob>.Instance, Microsoft.Extensions.Options.Options.Create(JobOptions));
    }

    /// <summary>Runs every queued job once, in order, as a worker would.</summary>
    public async Task RunQueuedAsync()
    {
        while (Jobs.TryDequeue(out var job))
        {
            await Job().RunAsync(job.TaskId, job.ActingUserId, CancellationToken.None);
        }
    }

    public async Task<Guid> CreateStarAsync(UserContext owner, string name = "墨痕")
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = "古籍修复", Persona = "修复师", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<KnowledgeTask> TaskAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.KnowledgeTasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    public async Task<(int Vectors, int Chunks)> CountsAsync(Guid taskId)
    {
        await using var db = pg.OwnerContext();
        return (await db.StarEmbeddings.CountAsync(e => e.TaskId == taskId), await db.KnowledgeChunks.CountAsync(c => c.TaskId == taskId));
    }

    public sealed class RecordingJobQueue : IKnowledgeJobQueue
    {
        private readonly Queue<(Guid TaskId, Guid ActingUserId)> queue = new();

        public List<Guid> Enqueued { get; } = [];

        public void Enqueue(Guid taskId, Guid actingUserId)
        {
            Enqueued.Add(taskId);
            queue.Enqueue((taskId, actingUserId));
        }

        public bool TryDequeue(out (Guid TaskId, Guid ActingUserId) job) => queue.TryDequeue(out job);
    }

    private sealed class ActingCurrentUser(ActingUser acting) : ICurrentUser
    {
        public ValueTask<UserContext> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(acting.User ?? UserContext.Anonymous);
    }
}
