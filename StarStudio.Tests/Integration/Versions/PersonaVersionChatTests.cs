using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Chat;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Versions;

/// <summary>Which persona version a chat uses and records: the owner's working copy, the players' approved version.</summary>
public sealed class PersonaVersionChatTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly CapturingEngine engine = new();
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-objects-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private IStarService Stars(UserContext user) => new StarServiceFactory(new LocalObjectStore(objectsRoot), TimeProvider.System).Create(pg.Db(user));

    private IConversationService Chat(UserContext user)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), engine, new ChatRateLimiter(), Cl100kTokenCounter.Instance,
            TimeProvider.System, NullLogger<ConversationService>.Instance);
    }

    private static StarDraft Draft(string persona) => new()
    {
        Name = "墨痕",
        Domain = "古籍修复",
        Persona = persona,
        Tone = "温和",
        SystemPrompt = "称呼对方为{{user}}，不要编造出处。",
        Greeting = "你好，{{user}}！我是{{char}}。",
        ExampleDialogues = "<START>\n{{user}}: 纸发黄了怎么办？\n{{char}}: 先别急着漂白。",
        Scenario = "{{char}}在古籍部的修复台前。",
    };

    private static async Task<int> SendAsync(IConversationService chat, Guid conversation, string text)
    {
        var count = 0;
        await foreach (var _ in chat.SendAsync(conversation, text))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Owner_ChatsWithTheWorkingCopy_PromptHasTheCardFieldsWithMacrosRendered_VersionRecorded()
    {
        var owner = await pg.CreateUserAsync(null);
        var star = (await Stars(owner).CreateAsync(Draft("第一版人设。"))).Value!;
        var chat = Chat(owner);
        var conversation = (await chat.StartAsync(star.Id, ConversationChannel.Web)).Value!;

        await SendAsync(chat, conversation.Id, "纸发黄了");

        var persona = engine.LastRequest!.Star;
        Assert.Equal((star.PersonaVersionId, "第一版人设。"), (persona.PersonaVersionId, persona.Persona));
        var userName = await pg.Db(owner).RunAsync((ctx, _) => ctx.Users.Where(u => u.Id == owner.UserId).Select(u => u.DisplayName).SingleAsync());
        var system = Data.Chat.Engine.PromptBuilder.SystemPrompt(persona, [], false);
        Assert.Contains($"称呼对方为{userName}，不要编造出处。", system, StringComparison.Ordinal);
        Assert.Contains("Scenario: 墨痕在古籍部的修复台前。", system, StringComparison.Ordinal);
        Assert.Contains($"{userName}: 纸发黄了怎么办？\n墨痕: 先别急着漂白。", system, StringComparison.Ordinal);
        await using var db = pg.OwnerContext();
        Assert.Equal(star.PersonaVersionId, (await db.ChatTraces.SingleAsync(t => t.ConversationId == conversation.Id)).PersonaVersionId);
        Assert.Equal(star.PersonaVersionId, (await db.Conversations.SingleAsync(c => c.Id == conversation.Id)).PersonaVersionId);
    }

    [Fact]
    public async Task Player_GetsTheApprovedVersion_NotTheOwnersUnreviewedEdit_AndSeesItsGreetingAsTheFirstMessage()
    {
        var owner = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var star = (await Stars(owner).CreateAsync(Draft("第一版人设。"))).Value!;
        await Stars(admin).SetPublicAsync(star.Id, true);
        var edit = Draft("第二版人设，尚未审核。");
        edit.Greeting = "第二版开场白。";
        var v2 = (await Stars(owner).UpdateAsync(star.Id, edit)).Value!.PersonaVersionId;
        var chat = Chat(player);
        var conversation = (await chat.StartAsync(star.Id, ConversationChannel.Web)).Value!;

        var before = (await chat.GetAsync(conversation.Id)).Value!;
        await SendAsync(chat, conversation.Id, "你好");
        var after = (await chat.GetAsync(conversation.Id)).Value!;

        var playerName = await pg.Db(player).RunAsync((ctx, _) => ctx.Users.Where(u => u.Id == player.UserId).Select(u => u.DisplayName).SingleAsync());
        Assert.Equal($"你好，{playerName}！我是墨痕。", before.Greeting);
        Assert.Equal(1, before.PersonaVersionNo);
        Assert.Empty(before.Messages);
        Assert.Equal(2, after.Messages.Count); // the greeting is shown, not stored
        Assert.Equal(("第一版人设。", star.PersonaVersionId), (engine.LastRequest!.Star.Persona, engine.LastRequest.Star.PersonaVersionId));
        await using var db = pg.OwnerContext();
        Assert.Equal(star.PersonaVersionId, (await db.ChatTraces.SingleAsync(t => t.ConversationId == conversation.Id)).PersonaVersionId);

        // The owner's own chat uses the edit at once.
        var ownChat = Chat(owner);
        var own = (await ownChat.StartAsync(star.Id, ConversationChannel.Web)).Value!;
        Assert.Equal(("第二版开场白。", 2), ((await ownChat.GetAsync(own.Id)).Value!.Greeting, (await ownChat.GetAsync(own.Id)).Value!.PersonaVersionNo));
        await SendAsync(ownChat, own.Id, "你好");
        Assert.Equal(v2, engine.LastRequest.Star.PersonaVersionId);
    }

    [Fact]
    public async Task PublicStarFromBeforeVersions_AnswersPlayersFromItsWorkingCopy_WithoutAVersion()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var id = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "旧星", Domain = "d", Persona = "旧人设", Tone = "t", IsPublic = true, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var chat = Chat(player);
        var conversation = (await chat.StartAsync(id, ConversationChannel.Web)).Value!;
        await SendAsync(chat, conversation.Id, "你好");

        Assert.Equal(("旧人设", (Guid?)null), (engine.LastRequest!.Star.Persona, engine.LastRequest.Star.PersonaVersionId));
        Assert.Null((await chat.GetAsync(conversation.Id)).Value!.PersonaVersionNo);
    }

    private sealed class CapturingEngine : IStarChatEngine
    {
        public ChatRequest? LastRequest { get; private set; }

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            LastRequest = request;
            await Task.Yield();
            yield return new ChatDelta("好的。");
            yield return new ChatCompleted(new ChatOutcome("好的。", "scripted", "scripted", 5, 2, [], [],
                [new(TraceStepKinds.ModelCall, "scripted", null, null, 5, 2, 1, true, null)], "[]", 1, 2, true, false, null, null, 0m));
        }
    }
}
