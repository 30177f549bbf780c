using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Chat;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Training;

namespace StarStudio.Tests.Integration.Chat;

/// <summary>
/// The answer gate through the conversation service over the real PostgreSQL: a question waits for a slot before
/// anything is read or stored, gives it back at the engine's first event (a streaming answer holds none), and is refused
/// as busy, with nothing stored, when no slot comes free in time.
/// </summary>
public sealed class AnswerGateChatTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private IConversationService Chat(UserContext user, IStarChatEngine engine, AnswerGate gate)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), engine, new ChatRateLimiter(),
            Cl100kTokenCounter.Instance, TimeProvider.System, NullLogger<ConversationService>.Instance, gate: gate);
    }

    private async Task<(UserContext Player, Guid First, Guid Second)> TwoConversationsAsync(IStarChatEngine engine, AnswerGate gate)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var player = await pg.CreateUserAsync();
        var chat = Chat(player, engine, gate);
        return (player, (await chat.StartAsync(star, ConversationChannel.Web)).Value!.Id, (await chat.StartAsync(star, ConversationChannel.Web)).Value!.Id);
    }

    private static AnswerGate OneSlot(TimeSpan wait) =>
        new(Options.Create(new ChatEngineOptions { MaxStartingAnswers = 1, StartQueueTimeout = wait }));

    [Fact]
    public async Task Send_NoSlotFreeInTime_IsRefusedAsBusy_AndNothingIsStored()
    {
        var engine = new TrainingHarness.ScriptedEngine();
        var held = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        engine.BeforeAnswer = async () =>
        {
            started.TrySetResult();
            await held.Task; // the first answer is still starting (its retrieval, say) and keeps the only slot
        };
        using var gate = OneSlot(TimeSpan.FromMilliseconds(300));
        var (player, first, second) = await TwoConversationsAsync(engine, gate);

        var firstAnswer = Chat(player, engine, gate).SendAsync(first, "纸张发黄怎么处理？").ToListAsync().AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var refused = await Chat(player, engine, gate).SendAsync(second, "虫蛀的书页能补吗？").ToListAsync();

        Assert.Equal("Chat.Busy", Assert.IsType<ChatRefused>(Assert.Single(refused)).Error.Code);
        Assert.Empty((await Chat(player, engine, gate).GetAsync(second)).Value!.Messages);

        held.SetResult();
        var answered = Assert.IsType<ChatAnswered>((await firstAnswer).Last());
        Assert.Equal(MessageStatuses.Completed, answered.Message.Status);
    }

    [Fact]
    public async Task Send_SlotIsGivenBackAtTheFirstEvent_SoAStreamingAnswerDoesNotHoldIt()
    {
        var engine = new HeldAfterFirstToken();
        using var gate = OneSlot(TimeSpan.FromSeconds(10));
        var (player, first, second) = await TwoConversationsAsync(engine, gate);

        // The first answer has sent its first token and is still streaming.
        var stream = Chat(player, engine, gate).SendAsync(first, "纸张发黄怎么处理？").GetAsyncEnumerator();
        while (await stream.MoveNextAsync() && stream.Current is not ChatAnswerDelta)
        {
        }

        engine.Hold = false;
        var secondUpdates = await Chat(player, engine, gate).SendAsync(second, "虫蛀的书页能补吗？").ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(MessageStatuses.Completed, Assert.IsType<ChatAnswered>(secondUpdates.Last()).Message.Status);
        engine.Release.SetResult();
        while (await stream.MoveNextAsync())
        {
        }

        await stream.DisposeAsync();
        Assert.Equal(0, gate.Waiting);
    }

    /// <summary>Streams one token, then (while <see cref="Hold"/>) waits for <see cref="Release"/> before completing.</summary>
    private sealed class HeldAfterFirstToken : IStarChatEngine
    {
        public volatile bool Hold = true;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            var hold = Hold;
            yield return new ChatDelta("先");
            if (hold)
            {
                await Release.Task.WaitAsync(ct);
            }

            yield return new ChatDelta("洗。");
            yield return new ChatCompleted(new ChatOutcome("先洗。", "test", "scripted", 1, 1, [], [], [], "{}", 1, 1, true, false, null, null, 0));
        }
    }
}
