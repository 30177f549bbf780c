using MongoDB.Bson;
using MongoDB.Driver;
using StarStudio.Core.Storage;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// The document store contract on MongoDB, in a database of its own per test class. Runs only when
/// <c>STARSTUDIO_TEST_MONGO</c> names a server; otherwise every test reports itself skipped with that reason.
/// </summary>
[RequiresMongo]
public sealed class MongoDocumentStoreTests : DocumentStoreContract, IClassFixture<MongoDocumentStoreTests.Server>
{
    private readonly Server server;

    public MongoDocumentStoreTests(Server server)
    {
        this.server = server;
        Messages = new MongoConversationMessageStore(server.Database);
        Chunks = new MongoKnowledgeChunkStore(server.Database);
        Logs = new MongoTrainingLogStore(server.Database);
        Health = new MongoDocumentStoreHealth(server.Database);
    }

    protected override IConversationMessageStore Messages { get; }
    protected override IKnowledgeChunkStore Chunks { get; }
    protected override ITrainingLogStore Logs { get; }
    protected override IDocumentStoreHealth Health { get; }

    // No foreign keys in MongoDB: the ids only have to be new.
    protected override Task<Guid> NewStarAsync() => Task.FromResult(Guid.NewGuid());
    protected override Task<Guid> NewKnowledgeTaskAsync(Guid starId) => Task.FromResult(Guid.NewGuid());
    protected override Task<Guid> NewConversationAsync(Guid starId) => Task.FromResult(Guid.NewGuid());

    [MongoFact]
    public async Task Documents_AsStored_UseSeedFieldNamesStandardUuidsAndDates()
    {
        var star = Guid.NewGuid();
        var chunk = NewChunks(star, Guid.NewGuid(), 1)[0] with { EmbeddingVectorId = Guid.NewGuid() };
        await Chunks.UpsertManyAsync([chunk]);
        var conversation = Guid.NewGuid();
        await Messages.AppendAsync(NewMessage(conversation, T0, MessageSenders.User, "hi"));

        var raw = await server.Database.Database.GetCollection<BsonDocument>("knowledge_chunks")
            .Find(new BsonDocument("_id", new BsonBinaryData(chunk.Id, GuidRepresentation.Standard))).SingleAsync();
        var message = await server.Database.Database.GetCollection<BsonDocument>("conversation_messages")
            .Find(new BsonDocument("conversationId", new BsonBinaryData(conversation, GuidRepresentation.Standard))).SingleAsync();

        Assert.Equal(["_id", "taskId", "starId", "seq", "chunkText", "embeddingVectorId", "metadata"], raw.Names);
        Assert.Equal(BsonBinarySubType.UuidStandard, raw["starId"].AsBsonBinaryData.SubType);
        Assert.Equal(["_id", "conversationId", "sender", "content", "tokens", "toolCalls", "createdAt"], message.Names);
        Assert.Equal(BsonType.DateTime, message["createdAt"].BsonType);
    }

    [MongoFact]
    public async Task Indexes_AfterFirstUse_CoverTheQueries()
    {
        await Logs.ListAsync(Guid.NewGuid());

        var names = new List<string>();
        foreach (var collection in new[] { "conversation_messages", "knowledge_chunks", "training_logs" })
        {
            using var cursor = await server.Database.Database.GetCollection<BsonDocument>(collection).Indexes.ListAsync();
            names.AddRange((await cursor.ToListAsync()).Select(i => collection + ":" + i["name"].AsString));
        }

        Assert.Contains("conversation_messages:conversationId_1_createdAt_1__id_1", names);
        Assert.Contains("knowledge_chunks:starId_1_taskId_1_seq_1", names);
        Assert.Contains("knowledge_chunks:taskId_1", names);
        Assert.Contains("training_logs:jobId_1_createdAt_1__id_1", names);
    }

    /// <summary>A database of its own on the configured server, dropped afterwards.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private MongoClient? client;
        private MongoDocumentDatabase? database;
        private readonly string name = "starstudio_test_" + Guid.NewGuid().ToString("N")[..16];

        public MongoDocumentDatabase Database =>
            database ??= new MongoDocumentDatabase(client ??= new MongoClient(ConnectionString()), name);

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (client is not null)
            {
                await client.DropDatabaseAsync(name);
                client.Dispose();
            }
        }

        private static string ConnectionString() =>
            MongoTestServer.ConnectionString
            ?? throw new InvalidOperationException(MongoTestServer.SkipReason);
    }
}
