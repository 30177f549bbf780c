using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Chat;
using StarStudio.Data.Extensions;
using StarStudio.Data.Knowledge.Tokenization;
using static StarStudio.Tests.Integration.Extensions.ExtensionTestData;

namespace StarStudio.Tests.Integration.Extensions;

/// <summary>A player's enabled chat template reaches the engine with their messages, and nobody else's.</summary>
public sealed class ChatTemplateInChatTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly CapturingEngine engine = new();

    private IConversationService ChatFor(UserContext user)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new StarStudio.Data.Storage.PostgresConversationMessageStore(db), engine, new ChatRateLimiter(), Cl100kTokenCounter.Instance,
            TimeProvider.System, NullLogger<ConversationService>.Instance, extensions: new ExtensionService(db, TimeProvider.System));
    }

    [Fact]
    public async Task Send_WithAnEnabledTemplate_TheEngineGetsIt_WithoutOne_Nothing()
    {
        var owner = await pg.CreateUserAsync();
        var star = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "星语", Domain = "天文", Persona = "天文学家", Tone = "耐心", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var maker = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var id = NewId();
        var version = (await new ExtensionService(pg.Db(maker), TimeProvider.System).PublishAsync(ChatTemplate(id, "1.0.0", name: "说书人"))).Value!;
        await new ExtensionService(pg.Db(admin), TimeProvider.System).ApproveAsync(version.Id);
        var player = await pg.CreateUserAsync();
        await new ExtensionService(pg.Db(player), TimeProvider.System).InstallAsync(id);
        var plain = await pg.CreateUserAsync();

        foreach (var user in new[] { player, plain })
        {
            var chat = ChatFor(user);
            var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
            await foreach (var _ in chat.SendAsync(conversation.Id, "猎户座在哪？"))
            {
            }
        }

        Assert.Equal(2, engine.Requests.Count);
        Assert.Equal("说书人", engine.Requests[0].Template?.Name);
        Assert.Contains("{{description}}", engine.Requests[0].Template!.Context.StoryString);
        Assert.Null(engine.Requests[1].Template);
    }

    private sealed class CapturingEngine : IStarChatEngine
    {
        public List<ChatRequest> Requests { get; } = [];

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            Requests.Add(request);
            await Task.Yield();
            yield return new ChatDelta("好的。");
        }
    }
}
