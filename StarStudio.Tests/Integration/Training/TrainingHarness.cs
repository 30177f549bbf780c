using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Storage;
using StarStudio.Data.Training;

namespace StarStudio.Tests.Integration.Training;

/// <summary>Training wired as the app wires it, over a test database, a temporary object store, a recording queue, a dataset double and a scripted chat engine.</summary>
internal sealed class TrainingHarness(PostgresDatabase pg, string objectsRoot)
{
    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    public RecordingQueue Jobs { get; } = new();

    public IObjectStore Objects { get; } = new LocalObjectStore(objectsRoot);

    public FakeDatasets Datasets { get; } = new();

    public ScriptedEngine Engine { get; } = new();

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    public TrainingJobOptions Options { get; } = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(10),
        LeaseDuration = TimeSpan.FromSeconds(30),
    };

    public ITrainingJobService Service(UserContext user) => new TrainingJobService(pg.Db(user), Jobs, new PostgresTrainingLogStore(pg.Db(user)), TimeProvider.System);

    public IModelVersionService Versions(UserContext user) => new ModelVersionService(pg.Db(user), Objects, TimeProvider.System);

    public TrainingJobRedrive Redrive() => new(pg.AppContextFactory(), Jobs);

    public TrainingJobRun Run()
    {
        var acting = new ActingUser();
        var db = new Data.Infrastructure.StarStudioDb(pg.AppContextFactory(), new ActingCurrentUser(acting));
        return new TrainingJobRun(db, acting, Datasets, new PostgresTrainingLogStore(db), Objects, Engine, new ExternalTrainerClient(Http), Protection,
            TimeProvider.System, NullLogger<TrainingJobRun>.Instance, Microsoft.Extensions.Options.Options.Create(Options));
    }

    /// <summary>Runs every queued job once, in order, as a worker would.</summary>
    public async Task RunQueuedAsync()
    {
        while (Jobs.TryDequeue(out var job))
        {
            await Run().RunAsync(job.JobId, job.UserId, CancellationToken.None);
        }
    }

    public async Task<Guid> CreateStarAsync(UserContext owner, StarStatus status = StarStatus.Active)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", Status = status, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A dataset row with these counts, and its examples in the dataset double.</summary>
    public async Task<Guid> CreateDatasetAsync(UserContext owner, Guid starId, TrainingData? data = null)
    {
        data ??= Sample();
        var counts = new DatasetCounts(data.SftTrain.Count, data.SftHoldout.Count, data.DpoTrain.Count, data.DpoHoldout.Count, data.QaTrain.Count, data.QaHoldout.Count, 3, 0, 0, 0);
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.TrainingDatasets.Add(new TrainingDataset
        {
            Id = id, StarId = starId, CreatedBy = owner.UserId!.Value, Counts = JsonSerializer.Serialize(counts, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            ManifestUri = ModelArtifacts.UriOf(ModelArtifacts.DatasetFolder(starId, id) + "manifest.json"),
            DataSpan = new TimeWindow(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow), CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        Datasets.Data[id] = data;
        return id;
    }

    public async Task<Guid> CreateTrainerAsync(Uri baseUri, string? apiKey = "sk-trainer", Guid? servingProvider = null, params TrainingMethod[] methods)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Trainers.Add(new Trainer
        {
            Id = id, Name = "trainer-" + id.ToString("N")[..8], BaseUrl = baseUri.ToString().TrimEnd('/'),
            ApiKeyProtected = apiKey is null ? null : Protection.CreateProtector(TrainingJobRun.ApiKeyPurpose).Protect(apiKey),
            Methods = methods.Length == 0 ? [TrainingMethod.Sft, TrainingMethod.Dpo] : [.. methods], BaseModel = "qwen2.5-7b",
            ServingProviderId = servingProvider, IsActive = true, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<TrainingJob> JobAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.TrainingJobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    public async Task<List<StarModelVersion>> VersionsOfAsync(Guid starId)
    {
        await using var db = pg.OwnerContext();
        return await db.StarModelVersions.AsNoTracking().Where(v => v.StarId == starId).OrderBy(v => v.CreatedAt).ToListAsync();
    }

    public async Task<Guid?> ActiveVersionAsync(Guid starId)
    {
        await using var db = pg.OwnerContext();
        return await db.Stars.Where(s => s.Id == starId).Select(s => s.CurrentModelVersion).SingleAsync();
    }

    /// <summary>Changes a job's row behind the services' back, as a dead process would have left it.</summary>
    public async Task ArrangeAsync(Guid job, string set)
    {
        await using var db = pg.OwnerContext();
        // The SET clause is a literal of this folder's tests, never input.
#pragma warning disable EF1003
        await db.Database.ExecuteSqlRawAsync("UPDATE training_jobs SET " + set + " WHERE id = @p0", job);
#pragma warning restore EF1003
    }

    public async Task<string?> ReadObjectAsync(string key)
    {
        await using var o = await Objects.GetAsync(Buckets.ModelArtifacts, key);
        if (o is null)
        {
            return null;
        }

        using var reader = new StreamReader(o.Content);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Six SFT pairs, five DPO pairs and one Q&amp;A pair to train on; three held-out questions.</summary>
    public static TrainingData Sample() => new(
        [
            Sft("宣纸怎么保存？", "宣纸要防潮防虫，放在干燥通风处 [1]。"),
            Sft("古籍虫蛀怎么办？", "先冷冻杀虫，再用薄皮纸修补 [1]。"),
            Sft("浆糊用什么做？", "用小麦淀粉熬制的浆糊，去筋后使用。"),
            Sft("修复前要拍照吗？", "要，修复前后都要拍照存档。"),
            Sft("如何揭裱旧画？", "先润湿画心，再慢慢揭去旧的褙纸。"),
            Sft("纸张发黄能恢复吗？", "可以用清水淋洗，但不能用漂白剂。"),
        ],
        [Sft("宣纸应该怎样保存才不会发霉？", "宣纸要防潮，保持干燥通风。"), Sft("虫蛀的古籍先做什么？", "先冷冻杀虫。")],
        [
            new DpoExample("什么是金镶玉？", "金镶玉是衬纸比书页宽的一种装帧修复法。", "这是一个很长很长的回答，讲了很多无关的东西，也没有说清楚什么是金镶玉。"),
            new DpoExample("什么是蝴蝶装？", "书页对折、版心向内粘在书背上的装帧。", "蝴蝶装这个问题嘛，说来话长，要从很久很久以前说起，我们慢慢聊。"),
            new DpoExample("什么是包背装？", "版心向外对折、书背包以书衣的装帧。", "包背装的历史非常悠久，其中的讲究太多了，一时半会儿说不完。"),
            new DpoExample("什么是线装？", "用线在书脑处穿订的装帧。", "线装就是线装嘛，大家都知道的，没有什么好说的，真的很简单的。"),
            new DpoExample("什么是经折装？", "长卷按一定宽度反复折叠成册的装帧。", "经折装和佛经有关系，不过具体怎么做我也说不太清楚，你可以去查查。"),
        ],
        [new DpoExample("什么是旋风装？", "书页依次错开粘在底纸上、卷起收藏的装帧。", "旋风装嘛，名字很好听，具体我也记不清了，大概和风有关系吧。")],
        [new QaExample("补纸怎么选？", "补纸的颜色和厚薄要与原纸接近 [1]。", ["修复手册.pdf"])],
        [new QaExample("补纸颜色怎么选？", "补纸颜色要接近原纸。", ["修复手册.pdf"])]);

    private static SftExample Sft(string q, string a) => new([new DatasetMessage("user", q), new DatasetMessage("assistant", a)]);

    public sealed class RecordingQueue : ITrainingJobQueue
    {
        private readonly Queue<(Guid JobId, Guid UserId)> queue = new();

        public List<Guid> Enqueued { get; } = [];

        public void Enqueue(Guid jobId, Guid actingUserId)
        {
            Enqueued.Add(jobId);
            queue.Enqueue((jobId, actingUserId));
        }

        public bool TryDequeue(out (Guid JobId, Guid UserId) job) => queue.TryDequeue(out job);

        public void Clear() => queue.Clear();
    }

    /// <summary>Engineer A's dataset service stands in here: ReadAsync returns the examples a test registered.</summary>
    public sealed class FakeDatasets : ITrainingDatasetService
    {
        public Dictionary<Guid, TrainingData> Data { get; } = [];

        public Task<Result<TrainingData>> ReadAsync(Guid datasetId, CancellationToken ct = default) =>
            Task.FromResult(Data.TryGetValue(datasetId, out var d) ? Result<TrainingData>.Ok(d) : Result<TrainingData>.NotFound());

        public Task<Result<DatasetPreview>> PreviewAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<TrainingDataset>> BuildAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<TrainingDataset>>> ListAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();
    }

    /// <summary>
    /// A chat engine scripted per request: by default the base (no adapter) declines and the adapted version answers with
    /// the question echoed and one citation, so the evaluation's metrics are known in advance.
    /// </summary>
    public sealed class ScriptedEngine : IStarChatEngine
    {
        public Func<ChatRequest, (string Content, int Citations)> Answer { get; set; } =
            r => r.Adapter is null ? ("抱歉，我不知道。", 0) : ("关于" + r.UserMessage + "：请看资料 [1]。", 1);

        /// <summary>Called before each answer (a test cancels the job from here).</summary>
        public Func<Task>? BeforeAnswer { get; set; }

        public List<ChatRequest> Requests { get; } = [];

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            if (BeforeAnswer is { } before)
            {
                await before();
            }

            lock (Requests)
            {
                Requests.Add(request);
            }

            var (content, citations) = Answer(request);
            var cites = Enumerable.Range(1, citations).Select(i => new MessageCitation(i, Guid.NewGuid(), Guid.NewGuid(), "修复手册.pdf", null)).ToList();
            yield return new ChatDelta(content);
            yield return new ChatCompleted(new ChatOutcome(content, "test", "scripted", 1, 1, cites, [], [], "{}", 1, 1, true, false, null, null, 0));
        }
    }

    private sealed class ActingCurrentUser(ActingUser acting) : ICurrentUser
    {
        public ValueTask<UserContext> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(acting.User ?? UserContext.Anonymous);
    }
}
