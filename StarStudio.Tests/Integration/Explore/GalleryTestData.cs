using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;
using StarStudio.Data.Chat;
using StarStudio.Data.Storage;
using StarStudio.Data.Explore;
using StarStudio.Data.Knowledge.Tokenization;

namespace StarStudio.Tests.Integration.Explore;

/// <summary>Arranging stars for the gallery tests (as the maintenance role) and the services as a given user.</summary>
internal sealed class GalleryTestData(PostgresDatabase pg)
{
    public IGalleryService Gallery(UserContext user) => new GalleryService(pg.Db(user));

    public IStarLikeService Likes(UserContext user) => new StarLikeService(pg.Db(user));

    public IStarPlayRecorder Plays(UserContext user, TimeProvider clock) => new StarPlayRecorder(pg.Db(user), clock);

    public GalleryRecompute Recompute(TimeProvider clock) =>
        new(pg.AppContextFactory(), clock, NullLogger<GalleryRecompute>.Instance);

    /// <summary>A chat service whose engine always answers, recording plays through <paramref name="clock"/>.</summary>
    public IConversationService Chat(UserContext user, TimeProvider clock)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), new EchoEngine(), new ChatRateLimiter(),
            Cl100kTokenCounter.Instance, clock, NullLogger<ConversationService>.Instance, null, null, plays: new StarPlayRecorder(db, clock));
    }

    /// <summary>A star saved through EF (so its search text is computed as the app computes it).</summary>
    public async Task<Guid> StarAsync(UserContext owner, string name, string domain = "古籍修复", bool isPublic = true,
        StarStatus status = StarStatus.Active, string[]? tags = null, string tone = "温和", DateTimeOffset? createdAt = null, string exampleDialogues = "")
    {
        var id = Guid.NewGuid();
        var at = createdAt ?? DateTimeOffset.UtcNow;
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star
        {
            Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = domain, Persona = "秘密人设", Tone = tone, IsPublic = isPublic,
            Status = status, Tags = [.. tags ?? []], CreatedAt = at, UpdatedAt = at, Greeting = "你好，{{user}}。", ExampleDialogues = exampleDialogues,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class EchoEngine : IStarChatEngine
    {
        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Yield();
            yield return new ChatDelta("好的。");
            yield return new ChatCompleted(new ChatOutcome("好的。", "test", "echo", 1, 1, [], [], [], "[]", 1, 1, true, false, null, null, 0m));
        }
    }
}
