using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// The document store contract on PostgreSQL jsonb tables, acting as a signed-in star owner, plus the
/// row-level security that only this adapter has: another user's documents are out of reach.
/// </summary>
public sealed class PostgresDocumentStoreTests(PostgresDatabase database) : DocumentStoreContract, IClassFixture<PostgresDatabase>
{
    private UserContext owner = UserContext.Anonymous;

    protected override IConversationMessageStore Messages => new PostgresConversationMessageStore(database.Db(owner));
    protected override IKnowledgeChunkStore Chunks => new PostgresKnowledgeChunkStore(database.Db(owner));
    protected override ITrainingLogStore Logs => new PostgresTrainingLogStore(database.Db(owner));
    protected override IDocumentStoreHealth Health => new PostgresDocumentStoreHealth(database.Db(owner));

    public override async Task InitializeAsync() => owner = await database.CreateUserAsync();

    protected override Task<Guid> NewStarAsync() => NewStarForAsync(owner);

    protected override async Task<Guid> NewKnowledgeTaskAsync(Guid starId)
    {
        await using var db = database.OwnerContext();
        var task = new KnowledgeTask { Id = Guid.NewGuid(), StarId = starId, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow };
        db.KnowledgeTasks.Add(task);
        await db.SaveChangesAsync();
        return task.Id;
    }

    protected override async Task<Guid> NewConversationAsync(Guid starId)
    {
        await using var db = database.OwnerContext();
        var conversation = new Conversation { Id = Guid.NewGuid(), StarId = starId, UserId = owner.UserId!.Value, CreatedAt = DateTimeOffset.UtcNow };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation.Id;
    }

    [Fact]
    public async Task ChunkStore_OtherUser_CannotListGetOrDeleteTheOwnersChunks()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var batch = NewChunks(star, task, 3);
        await Chunks.UpsertManyAsync(batch);
        var intruder = new PostgresKnowledgeChunkStore(database.Db(await database.CreateUserAsync()));

        var page = await intruder.ListAsync(star, null, 0, 10);
        var got = await intruder.GetManyAsync(batch.Select(c => c.Id).ToList());
        var deleted = await intruder.DeleteByTaskAsync(task);

        Assert.Equal(0, page.TotalCount);
        Assert.Empty(page.Items);
        Assert.Empty(got);
        Assert.Equal(0, deleted);
        Assert.Equal(3, (await Chunks.ListAsync(star, task, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task ChunkStore_OtherUserWritesIntoOwnersStarOrOverOwnersChunk_FailsAndChangesNothing()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var batch = NewChunks(star, task, 2);
        await Chunks.UpsertManyAsync(batch);
        var intruderUser = await database.CreateUserAsync();
        var intruder = new PostgresKnowledgeChunkStore(database.Db(intruderUser));
        var intrudersStar = await NewStarForAsync(intruderUser);
        var intrudersTask = await NewKnowledgeTaskAsync(intrudersStar);

        await AssertRowLevelSecurityRejects(() => intruder.UpsertManyAsync(NewChunks(star, task, 1)));
        // Moving the owner's chunk into the intruder's own star is no way around it either.
        await AssertRowLevelSecurityRejects(() => intruder.UpsertManyAsync(
            [batch[0] with { StarId = intrudersStar, TaskId = intrudersTask, ChunkText = "stolen" }]));

        var page = await Chunks.ListAsync(star, task, 0, 10);
        Assert.Equal(2, page.TotalCount);
        AssertSame(batch[0], page.Items[0]);
    }

    [Fact]
    public async Task ChunkStore_Admin_SeesEveryStarsChunks()
    {
        var star = await NewStarAsync();
        await Chunks.UpsertManyAsync(NewChunks(star, await NewKnowledgeTaskAsync(star), 2));
        var admin = new PostgresKnowledgeChunkStore(database.Db(await database.CreateAdminAsync()));

        Assert.Equal(2, (await admin.ListAsync(star, null, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task MessageStore_OtherUser_CannotReadAppendToOrDeleteTheConversation()
    {
        var conversation = await NewConversationAsync(await NewStarAsync());
        await Messages.AppendAsync(NewMessage(conversation, T0, MessageSenders.User, "private"));
        var intruder = new PostgresConversationMessageStore(database.Db(await database.CreateUserAsync()));

        Assert.Empty(await intruder.ListAsync(conversation));
        Assert.Equal(0, await intruder.DeleteByConversationAsync(conversation));
        await AssertRowLevelSecurityRejects(() => intruder.AppendAsync(NewMessage(conversation, T0.AddSeconds(1), MessageSenders.User, "injected")));

        Assert.Equal(["private"], (await Messages.ListAsync(conversation)).Select(m => m.Content));
    }

    [Fact]
    public async Task MessageStore_AnonymousVisitor_SeesNothing()
    {
        var conversation = await NewConversationAsync(await NewStarAsync());
        await Messages.AppendAsync(NewMessage(conversation, T0, MessageSenders.User, "private"));

        Assert.Empty(await new PostgresConversationMessageStore(database.Db(UserContext.Anonymous)).ListAsync(conversation));
    }

    [Fact]
    public async Task TrainingLogStore_OtherUser_CannotReadOrWriteTheOwnersLogs()
    {
        var star = await NewStarAsync();
        var job = Guid.NewGuid();
        await Logs.AppendAsync(NewLog(job, star, TrainingPhases.Train, T0, "epoch 1", new Dictionary<string, double> { ["loss"] = 1 }));
        var intruder = new PostgresTrainingLogStore(database.Db(await database.CreateUserAsync()));

        Assert.Empty(await intruder.ListAsync(job));
        await AssertRowLevelSecurityRejects(() => intruder.AppendAsync(NewLog(job, star, TrainingPhases.Train, T0, "forged", new Dictionary<string, double>())));
        Assert.Single(await Logs.ListAsync(job));
    }

    [Fact]
    public async Task Bodies_AsStored_UseTheSeedsCamelCaseFieldNames()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var conversation = await NewConversationAsync(star);
        await Chunks.UpsertManyAsync(NewChunks(star, task, 1));
        await Messages.AppendAsync(NewMessage(conversation, T0, MessageSenders.User, "hi") with { ToolCalls = [new("t", "{}", null)] });
        await Logs.AppendAsync(NewLog(Guid.NewGuid(), star, TrainingPhases.Prepare, T0, "ok", new Dictionary<string, double> { ["loss"] = 0.5 }));

        await using var db = database.OwnerContext();
        var chunk = JsonDocument.Parse(await db.KnowledgeChunks.Where(r => r.StarId == star).Select(r => r.Body).SingleAsync()).RootElement;
        var message = JsonDocument.Parse(await db.ConversationMessages.Where(r => r.ConversationId == conversation).Select(r => r.Body).SingleAsync()).RootElement;
        var log = JsonDocument.Parse(await db.TrainingLogs.Where(r => r.StarId == star).Select(r => r.Body).SingleAsync()).RootElement;

        AssertHasProperties(chunk, "taskId", "starId", "seq", "chunkText", "embeddingVectorId", "metadata");
        AssertHasProperties(message, "conversationId", "sender", "content", "tokens", "toolCalls", "createdAt");
        AssertHasProperties(message.GetProperty("toolCalls")[0], "name", "arguments", "result");
        AssertHasProperties(log, "jobId", "starId", "phase", "stdout", "metrics", "createdAt");
        Assert.Equal(star.ToString(), chunk.GetProperty("starId").GetString());
        Assert.Equal("upload", chunk.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal(0.5, log.GetProperty("metrics").GetProperty("loss").GetDouble());
    }

    private async Task<Guid> NewStarForAsync(UserContext user)
    {
        await using var db = database.OwnerContext();
        var star = new Star
        {
            Id = Guid.NewGuid(),
            OwnerId = user.UserId!.Value,
            Name = "古籍修复师",
            Domain = "古籍修复",
            Persona = "A patient conservator.",
            Tone = "calm",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Stars.Add(star);
        await db.SaveChangesAsync();
        return star.Id;
    }

    /// <summary>The write fails in the database, on a row-level security policy (SQLSTATE 42501), not on anything else.</summary>
    private static async Task AssertRowLevelSecurityRejects(Func<Task> write)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(write);
        var postgres = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.True(postgres is { SqlState: PostgresErrorCodes.InsufficientPrivilege }, $"Expected a row-level security violation, got: {error}");
    }

    private static void AssertHasProperties(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(element.TryGetProperty(name, out _), $"The stored body has no '{name}': {element}");
        }
    }
}
