using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;

namespace StarStudio.Data.Storage;

// The MongoDB adapter of the document store: the seed 000 §2 collections with the seed's field names.
// GUIDs are stored as standard UUIDs (BSON binary subtype 4) through attributes on each member, so no
// process-wide serializer default is changed. Times are BSON dates (UTC, millisecond precision).
//
// MongoDB has no row-level security: unlike the PostgreSQL adapter, this one returns whatever the ids
// ask for. Callers must check that the acting user may see the star or conversation first.

/// <summary>The database of the MongoDB adapter: its three collections, created indexes and liveness.</summary>
public sealed class MongoDocumentDatabase
{
    internal const string MessagesCollection = "conversation_messages";
    internal const string ChunksCollection = "knowledge_chunks";
    internal const string LogsCollection = "training_logs";
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private Task? indexes;

    public MongoDocumentDatabase(IMongoClient client, string databaseName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        Database = client.GetDatabase(databaseName);
        Messages = Database.GetCollection<MongoMessage>(MessagesCollection);
        Chunks = Database.GetCollection<MongoChunk>(ChunksCollection);
        Logs = Database.GetCollection<MongoLog>(LogsCollection);
    }

    public IMongoDatabase Database { get; }
    internal IMongoCollection<MongoMessage> Messages { get; }
    internal IMongoCollection<MongoChunk> Chunks { get; }
    internal IMongoCollection<MongoLog> Logs { get; }

    /// <summary>Creates the indexes once per process; a failed attempt is retried by the next caller.</summary>
    public Task EnsureIndexesAsync(CancellationToken ct = default)
    {
        Task task;
        lock (gate)
        {
            if (indexes is null || indexes.IsFaulted || indexes.IsCanceled)
            {
                // Not bound to the first caller's token: other callers wait on the same work.
                indexes = CreateIndexesAsync();
            }

            task = indexes;
        }

        return task.WaitAsync(ct);
    }

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(PingTimeout);
        try
        {
            await Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task CreateIndexesAsync()
    {
        await Messages.Indexes.CreateOneAsync(new CreateIndexModel<MongoMessage>(
            Builders<MongoMessage>.IndexKeys.Ascending(m => m.ConversationId).Ascending(m => m.CreatedAt).Ascending(m => m.Id)));
        await Chunks.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<MongoChunk>(Builders<MongoChunk>.IndexKeys.Ascending(c => c.StarId).Ascending(c => c.TaskId).Ascending(c => c.Seq)),
            new CreateIndexModel<MongoChunk>(Builders<MongoChunk>.IndexKeys.Ascending(c => c.TaskId)),
        ]);
        await Logs.Indexes.CreateOneAsync(new CreateIndexModel<MongoLog>(
            Builders<MongoLog>.IndexKeys.Ascending(l => l.JobId).Ascending(l => l.CreatedAt).Ascending(l => l.Id)));
    }
}

/// <summary><c>conversation_messages</c> in MongoDB.</summary>
public sealed class MongoConversationMessageStore(MongoDocumentDatabase db) : IConversationMessageStore
{
    public async Task AppendAsync(ConversationMessageDocument message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await db.EnsureIndexesAsync(ct);
        await db.Messages.InsertOneAsync(MongoMessage.From(message), cancellationToken: ct);
    }

    public async Task<IReadOnlyList<ConversationMessageDocument>> ListAsync(Guid conversationId, CancellationToken ct = default)
    {
        await db.EnsureIndexesAsync(ct);
        var docs = await db.Messages.Find(Builders<MongoMessage>.Filter.Eq(m => m.ConversationId, conversationId))
            .Sort(Builders<MongoMessage>.Sort.Ascending(m => m.CreatedAt).Ascending(m => m.Id))
            .ToListAsync(ct);
        return docs.ConvertAll(m => m.ToDocument());
    }

    public async Task<IReadOnlyList<ConversationMessageDocument>> ListManyAsync(IReadOnlyCollection<Guid> conversationIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        if (conversationIds.Count == 0)
        {
            return [];
        }

        await db.EnsureIndexesAsync(ct);
        var docs = await db.Messages.Find(Builders<MongoMessage>.Filter.In(m => m.ConversationId, conversationIds.Distinct()))
            .Sort(Builders<MongoMessage>.Sort.Ascending(m => m.ConversationId).Ascending(m => m.CreatedAt).Ascending(m => m.Id))
            .ToListAsync(ct);
        return docs.ConvertAll(m => m.ToDocument());
    }

    public async Task<long> DeleteByConversationAsync(Guid conversationId, CancellationToken ct = default)
    {
        await db.EnsureIndexesAsync(ct);
        var result = await db.Messages.DeleteManyAsync(Builders<MongoMessage>.Filter.Eq(m => m.ConversationId, conversationId), ct);
        return result.DeletedCount;
    }

    public async Task UpsertAsync(ConversationMessageDocument message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await db.EnsureIndexesAsync(ct);
        await db.Messages.ReplaceOneAsync(Builders<MongoMessage>.Filter.Eq(m => m.Id, message.Id), MongoMessage.From(message),
            new ReplaceOptions { IsUpsert = true }, ct);
    }

    public async Task DeleteAsync(Guid messageId, CancellationToken ct = default)
    {
        await db.EnsureIndexesAsync(ct);
        await db.Messages.DeleteOneAsync(Builders<MongoMessage>.Filter.Eq(m => m.Id, messageId), ct);
    }
}

/// <summary><c>knowledge_chunks</c> in MongoDB.</summary>
public sealed class MongoKnowledgeChunkStore(MongoDocumentDatabase db) : IKnowledgeChunkStore
{
    public async Task UpsertManyAsync(IReadOnlyList<KnowledgeChunkDocument> chunks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return;
        }

        await db.EnsureIndexesAsync(ct);
        // Same rule as the PostgreSQL adapter: the last version of an id in a batch wins.
        var latest = new Dictionary<Guid, KnowledgeChunkDocument>(chunks.Count);
        foreach (var chunk in chunks)
        {
            ArgumentNullException.ThrowIfNull(chunk);
            latest[chunk.Id] = chunk;
        }

        var writes = latest.Values.Select(c => new ReplaceOneModel<MongoChunk>(
            Builders<MongoChunk>.Filter.Eq(m => m.Id, c.Id), MongoChunk.From(c)) { IsUpsert = true });
        await db.Chunks.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, ct);
    }

    public async Task<Page<KnowledgeChunkDocument>> ListAsync(Guid starId, Guid? taskId, int skip, int take, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await db.EnsureIndexesAsync(ct);
        var filter = Builders<MongoChunk>.Filter.Eq(c => c.StarId, starId);
        if (taskId is { } t)
        {
            filter &= Builders<MongoChunk>.Filter.Eq(c => c.TaskId, t);
        }

        var total = await db.Chunks.CountDocumentsAsync(filter, cancellationToken: ct);
        if (take == 0 || skip >= total)
        {
            return new Page<KnowledgeChunkDocument>([], (int)total);
        }

        var docs = await db.Chunks.Find(filter)
            .Sort(Builders<MongoChunk>.Sort.Ascending(c => c.TaskId).Ascending(c => c.Seq).Ascending(c => c.Id))
            .Skip(skip).Limit(take)
            .ToListAsync(ct);
        return new Page<KnowledgeChunkDocument>(docs.ConvertAll(c => c.ToDocument()), (int)total);
    }

    public async Task<IReadOnlyList<KnowledgeChunkDocument>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await db.EnsureIndexesAsync(ct);
        var docs = await db.Chunks.Find(Builders<MongoChunk>.Filter.In(c => c.Id, ids.Distinct()))
            .Sort(Builders<MongoChunk>.Sort.Ascending(c => c.TaskId).Ascending(c => c.Seq).Ascending(c => c.Id))
            .ToListAsync(ct);
        return docs.ConvertAll(c => c.ToDocument());
    }

    public async Task<long> DeleteByTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        await db.EnsureIndexesAsync(ct);
        var result = await db.Chunks.DeleteManyAsync(Builders<MongoChunk>.Filter.Eq(c => c.TaskId, taskId), ct);
        return result.DeletedCount;
    }
}

/// <summary><c>training_logs</c> in MongoDB.</summary>
public sealed class MongoTrainingLogStore(MongoDocumentDatabase db) : ITrainingLogStore
{
    public async Task AppendAsync(TrainingLogDocument log, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        await db.EnsureIndexesAsync(ct);
        await db.Logs.InsertOneAsync(MongoLog.From(log), cancellationToken: ct);
    }

    public async Task<IReadOnlyList<TrainingLogDocument>> ListAsync(Guid jobId, CancellationToken ct = default)
    {
        await db.EnsureIndexesAsync(ct);
        var docs = await db.Logs.Find(Builders<MongoLog>.Filter.Eq(l => l.JobId, jobId))
            .Sort(Builders<MongoLog>.Sort.Ascending(l => l.CreatedAt).Ascending(l => l.Id))
            .ToListAsync(ct);
        return docs.ConvertAll(l => l.ToDocument());
    }
}

/// <summary>Whether MongoDB answers, for <c>/healthz</c>.</summary>
public sealed class MongoDocumentStoreHealth(MongoDocumentDatabase db) : IDocumentStoreHealth
{
    public Task<bool> PingAsync(CancellationToken ct = default) => db.PingAsync(ct);
}

// The stored shapes. Kept apart from Core's records so that BSON concerns (names, GUID and date
// representations) stay in this adapter.

[BsonIgnoreExtraElements]
internal sealed class MongoMessage
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid Id { get; set; }

    [BsonElement("conversationId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid ConversationId { get; set; }

    [BsonElement("sender")]
    public string Sender { get; set; } = "";

    [BsonElement("content")]
    public string Content { get; set; } = "";

    [BsonElement("tokens")]
    public int Tokens { get; set; }

    [BsonElement("toolCalls")]
    public List<MongoToolCall> ToolCalls { get; set; } = [];

    [BsonElement("createdAt"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("status")]
    public string Status { get; set; } = MessageStatuses.Completed;

    [BsonElement("model"), BsonIgnoreIfNull]
    public string? Model { get; set; }

    [BsonElement("traceId"), BsonGuidRepresentation(GuidRepresentation.Standard), BsonIgnoreIfNull]
    public Guid? TraceId { get; set; }

    [BsonElement("citations"), BsonIgnoreIfNull]
    public List<MongoCitation>? Citations { get; set; }

    [BsonElement("modelVersionId"), BsonGuidRepresentation(GuidRepresentation.Standard), BsonIgnoreIfNull]
    public Guid? ModelVersionId { get; set; }

    [BsonElement("modelVersion"), BsonIgnoreIfNull]
    public string? ModelVersion { get; set; }

    [BsonElement("thinking"), BsonIgnoreIfNull]
    public string? Thinking { get; set; }

    public static MongoMessage From(ConversationMessageDocument d) => new()
    {
        Id = d.Id,
        ConversationId = d.ConversationId,
        Sender = d.Sender,
        Content = d.Content,
        Tokens = d.Tokens,
        ToolCalls = (d.ToolCalls ?? []).Select(t => new MongoToolCall { Name = t.Name, Arguments = t.Arguments, Result = t.Result }).ToList(),
        CreatedAt = d.CreatedAt.ToUniversalTime(),
        Status = d.Status,
        Model = d.Model,
        TraceId = d.TraceId,
        Citations = d.Citations?.Select(c => new MongoCitation { Number = c.Number, ChunkId = c.ChunkId, TaskId = c.TaskId, SourceName = c.SourceName, Page = c.Page, AttachmentId = c.AttachmentId }).ToList(),
        ModelVersionId = d.ModelVersionId,
        ModelVersion = d.ModelVersion,
        Thinking = d.Thinking,
    };

    public ConversationMessageDocument ToDocument() => new(
        Id, ConversationId, Sender, Content, Tokens,
        ToolCalls.Select(t => new ToolCallRecord(t.Name, t.Arguments, t.Result)).ToList(),
        CreatedAt, Status, Model, TraceId,
        Citations?.Select(c => new MessageCitation(c.Number, c.ChunkId, c.TaskId, c.SourceName, c.Page, c.AttachmentId)).ToList(),
        ModelVersionId,
        ModelVersion,
        Thinking);
}

[BsonIgnoreExtraElements]
internal sealed class MongoCitation
{
    [BsonElement("number")]
    public int Number { get; set; }

    [BsonElement("chunkId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid ChunkId { get; set; }

    [BsonElement("taskId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid TaskId { get; set; }

    [BsonElement("sourceName")]
    public string SourceName { get; set; } = "";

    [BsonElement("page"), BsonIgnoreIfNull]
    public int? Page { get; set; }

    [BsonElement("attachmentId"), BsonGuidRepresentation(GuidRepresentation.Standard), BsonIgnoreIfNull]
    public Guid? AttachmentId { get; set; }
}

[BsonIgnoreExtraElements]
internal sealed class MongoToolCall
{
    [BsonElement("name")]
    public string Name { get; set; } = "";

    [BsonElement("arguments")]
    public string Arguments { get; set; } = "";

    [BsonElement("result")]
    public string? Result { get; set; }
}

[BsonIgnoreExtraElements]
internal sealed class MongoChunk
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid Id { get; set; }

    [BsonElement("taskId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid TaskId { get; set; }

    [BsonElement("starId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid StarId { get; set; }

    [BsonElement("seq")]
    public int Seq { get; set; }

    [BsonElement("chunkText")]
    public string ChunkText { get; set; } = "";

    [BsonElement("embeddingVectorId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid? EmbeddingVectorId { get; set; }

    [BsonElement("metadata")]
    public Dictionary<string, string> Metadata { get; set; } = [];

    public static MongoChunk From(KnowledgeChunkDocument d) => new()
    {
        Id = d.Id,
        TaskId = d.TaskId,
        StarId = d.StarId,
        Seq = d.Seq,
        ChunkText = d.ChunkText,
        EmbeddingVectorId = d.EmbeddingVectorId,
        Metadata = d.Metadata is null ? [] : new Dictionary<string, string>(d.Metadata),
    };

    public KnowledgeChunkDocument ToDocument() => new(Id, TaskId, StarId, Seq, ChunkText, EmbeddingVectorId, Metadata);
}

[BsonIgnoreExtraElements]
internal sealed class MongoLog
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid Id { get; set; }

    [BsonElement("jobId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid JobId { get; set; }

    [BsonElement("starId"), BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid StarId { get; set; }

    [BsonElement("phase")]
    public string Phase { get; set; } = "";

    [BsonElement("stdout")]
    public string Stdout { get; set; } = "";

    [BsonElement("metrics")]
    public Dictionary<string, double> Metrics { get; set; } = [];

    [BsonElement("createdAt"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    public static MongoLog From(TrainingLogDocument d) => new()
    {
        Id = d.Id,
        JobId = d.JobId,
        StarId = d.StarId,
        Phase = d.Phase,
        Stdout = d.Stdout,
        Metrics = d.Metrics is null ? [] : new Dictionary<string, double>(d.Metrics),
        CreatedAt = d.CreatedAt.ToUniversalTime(),
    };

    public TrainingLogDocument ToDocument() => new(Id, JobId, StarId, Phase, Stdout, Metrics, CreatedAt);
}
