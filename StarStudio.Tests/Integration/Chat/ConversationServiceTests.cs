using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Chat;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Chat;

/// <summary>Conversations over the real PostgreSQL and document store, with a scripted engine in place of a model.</summary>
public sealed class ConversationServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly ScriptedEngine engine = new();
    private readonly ChatRateLimiter limiter = new();

    private IConversationService ServiceFor(UserContext user)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), engine, limiter, Cl100kTokenCounter.Instance, TimeProvider.System, NullLogger<ConversationService>.Instance);
    }

    private async Task<(UserContext Owner, Guid Star)> StarAsync(bool isPublic = true, StarStatus status = StarStatus.Active)
    {
        var owner = await pg.CreateUserAsync();
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = isPublic, Status = status, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return (owner, id);
    }

    private static async Task<List<ChatUpdate>> Drain(IAsyncEnumerable<ChatUpdate> updates)
    {
        var list = new List<ChatUpdate>();
        await foreach (var u in updates)
        {
            list.Add(u);
        }

        return list;
    }

    [Fact]
    public async Task Send_ToAPublicStar_StreamsAndStoresBothMessagesTraceAndUsage()
    {
        var (_, star) = await StarAsync();
        var player = await pg.CreateUserAsync();
        var chat = ServiceFor(player);
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        engine.Reply = ["宣纸", "修复", "先除尘。[1]"];

        var updates = await Drain(chat.SendAsync(conversation.Id, "如何修复宣纸？"));
        var view = (await chat.GetAsync(conversation.Id)).Value!;

        Assert.IsType<ChatUserMessage>(updates[0]);
        Assert.Equal(["宣纸", "修复", "先除尘。[1]"], updates.OfType<ChatAnswerDelta>().Select(d => d.Text));
        var answered = Assert.IsType<ChatAnswered>(updates[^1]);
        Assert.Null(answered.Error);
        Assert.Equal(2, view.Messages.Count);
        Assert.Equal((MessageSenders.User, "如何修复宣纸？"), (view.Messages[0].Sender, view.Messages[0].Content));
        Assert.Equal("宣纸修复先除尘。[1]", view.Messages[1].Content);
        Assert.Equal(MessageStatuses.Completed, view.Messages[1].Status);
        Assert.True(view.Messages[0].Tokens > 0);
        Assert.Equal("第一段", Assert.Single(view.Messages[1].Citations!).SourceName);
        Assert.Equal("如何修复宣纸？", view.Conversation.Title);
        Assert.Equal("墨痕", engine.LastRequest!.Star.Name);

        await using var db = pg.OwnerContext();
        var trace = await db.ChatTraces.SingleAsync(t => t.MessageId == view.Messages[1].Id);
        Assert.True(trace.Success);
        Assert.Equal(["user_message", "model_call", "model_call"], await db.ChatTraceSteps.Where(s => s.TraceId == trace.Id).OrderBy(s => s.Seq).Select(s => s.Kind).ToListAsync());
        var usage = await db.UsageRecords.Where(u => u.ConversationId == conversation.Id).OrderBy(u => u.RequestId).ToListAsync();
        Assert.Equal([($"{trace.Id}:1", "scripted", 12, 7, 0.000661m), ($"{trace.Id}:2", "scripted-fallback", 3, 1, 0.000139m)],
            usage.Select(u => (u.RequestId, u.Model, u.TokensIn, u.TokensOut, u.Cost)));
    }

    [Fact]
    public async Task Start_PrivateStarOfSomeoneElse_IsNotFound_ButItsOwnerCanUseThePlayground()
    {
        var (owner, star) = await StarAsync(isPublic: false);

        var byPlayer = await ServiceFor(await pg.CreateUserAsync()).StartAsync(star, ConversationChannel.Web);
        var byOwner = await ServiceFor(owner).StartAsync(star, ConversationChannel.Web);

        Assert.Equal(ResultKind.NotFound, byPlayer.Kind);
        Assert.True(byOwner.Succeeded);
    }

    [Theory]
    [InlineData("   ", "Chat.Message.Empty")]
    [InlineData(null, "Chat.Message.TooLong")]
    public async Task Send_EmptyOrOverlongMessage_IsRefusedAndNothingIsStored(string? message, string code)
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;

        var updates = await Drain(chat.SendAsync(conversation.Id, message ?? new string('字', 4001)));

        Assert.Equal(code, Assert.IsType<ChatRefused>(Assert.Single(updates)).Error.Code);
        Assert.Empty((await chat.GetAsync(conversation.Id)).Value!.Messages);
    }

    [Fact]
    public async Task Send_FasterThanTheLimit_IsToldToSlowDown()
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        await using (var db = pg.OwnerContext())
        {
            await db.SystemConfigs.Where(c => c.Key == "chat_rate_limit_per_minute").ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "2"));
        }

        try
        {
            await Drain(chat.SendAsync(conversation.Id, "一"));
            await Drain(chat.SendAsync(conversation.Id, "二"));
            var third = await Drain(chat.SendAsync(conversation.Id, "三"));

            Assert.Equal("Chat.Message.TooFast", Assert.IsType<ChatRefused>(Assert.Single(third)).Error.Code);
            Assert.Equal(4, (await chat.GetAsync(conversation.Id)).Value!.Messages.Count);
        }
        finally
        {
            await using var db = pg.OwnerContext();
            await db.SystemConfigs.Where(c => c.Key == "chat_rate_limit_per_minute").ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "20"));
        }
    }

    [Fact]
    public async Task Send_AsAMember_TheTiersMultiplierRaisesTheLimit()
    {
        var (_, star) = await StarAsync();
        var member = await pg.CreateUserAsync();
        var chat = ServiceFor(member);
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        await using (var db = pg.OwnerContext())
        {
            await db.SystemConfigs.Where(c => c.Key == "chat_rate_limit_per_minute").ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "2"));
            db.ProfileMemberships.Add(new Core.Billing.Membership.ProfileMembership
            {
                UserId = member.UserId!.Value, Status = Core.Billing.Membership.MembershipStatus.Active, Tier = Core.Billing.Membership.MembershipTier.Standard,
                StartedAt = DateTimeOffset.UtcNow.AddDays(-1), ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        try
        {
            foreach (var text in new[] { "一", "二", "三", "四" })
            {
                Assert.IsNotType<ChatRefused>((await Drain(chat.SendAsync(conversation.Id, text)))[0]);
            }

            var fifth = Assert.IsType<ChatRefused>(Assert.Single(await Drain(chat.SendAsync(conversation.Id, "五"))));
            Assert.Equal(("Chat.Message.TooFast", 4), (fifth.Error.Code, (int)fifth.Error.Args[0]));
        }
        finally
        {
            await using var db = pg.OwnerContext();
            await db.SystemConfigs.Where(c => c.Key == "chat_rate_limit_per_minute").ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "20"));
        }
    }

    [Fact]
    public async Task OtherUser_OpeningAPrivateConversation_IsForbiddenAndCannotSend()
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        await Drain(chat.SendAsync(conversation.Id, "私密的问题"));
        var intruder = ServiceFor(await pg.CreateUserAsync());

        var get = await intruder.GetAsync(conversation.Id);
        var send = await Drain(intruder.SendAsync(conversation.Id, "hi"));
        var rate = await intruder.RateAsync(conversation.Id, 1, [], null);

        Assert.Equal(ResultKind.Forbidden, get.Kind);
        Assert.Equal("Chat.Conversation.Forbidden", Assert.IsType<ChatRefused>(Assert.Single(send)).Error.Code);
        Assert.Equal(ResultKind.Forbidden, rate.Kind);
    }

    [Fact]
    public async Task StarOwner_ReadsThePlayersConversationAndItsTrace_ThePlayerCannotOpenTheTrace()
    {
        var (owner, star) = await StarAsync();
        var player = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await player.StartAsync(star, ConversationChannel.Web)).Value!;
        await Drain(player.SendAsync(conversation.Id, "问题"));
        var answerId = (await player.GetAsync(conversation.Id)).Value!.Messages[^1].Id;

        var asOwner = await ServiceFor(owner).GetAsync(conversation.Id);
        var trace = await ServiceFor(owner).GetTraceAsync(answerId);
        var playerTrace = await player.GetTraceAsync(answerId);

        Assert.True(asOwner.Value!.ViewerOwnsStar);
        Assert.False(asOwner.Value.ViewerIsParticipant);
        Assert.Equal(3, trace.Value!.Steps.Count);
        // The trace holds the star's prompt: the database does not even show the player that it exists.
        Assert.Equal(ResultKind.NotFound, playerTrace.Kind);
    }

    [Fact]
    public async Task FailedAnswer_IsKeptAsFailed_AndRegenerateReplacesItInPlace()
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        engine.Fail = "provider down";

        var failed = await Drain(chat.SendAsync(conversation.Id, "问题"));
        var afterFailure = (await chat.GetAsync(conversation.Id)).Value!.Messages;
        engine.Fail = null;
        engine.Reply = ["好了"];
        await Drain(chat.RegenerateAsync(conversation.Id));
        var afterRetry = (await chat.GetAsync(conversation.Id)).Value!.Messages;

        // The provider's own words are for admins; the player is told the model service failed.
        Assert.Equal(ChatRules.AnswerFailedProvider, Assert.IsType<ChatAnswered>(failed[^1]).Error);
        Assert.Equal(MessageStatuses.Failed, afterFailure[^1].Status);
        Assert.Equal(2, afterRetry.Count);
        Assert.Equal(afterFailure[^1].Id, afterRetry[^1].Id);
        Assert.Equal((MessageStatuses.Completed, "好了"), (afterRetry[^1].Status, afterRetry[^1].Content));
        Assert.Equal(["问题"], engine.Requests.Select(r => r.UserMessage).Distinct());
    }

    [Fact]
    public async Task FailedAnswer_AnAdminAsking_SeesTheProviderError_APlayerDoesNot()
    {
        var (_, star) = await StarAsync();
        var admin = ServiceFor(await pg.CreateAdminAsync());
        var player = ServiceFor(await pg.CreateUserAsync());
        var adminChat = (await admin.StartAsync(star, ConversationChannel.Web)).Value!;
        var playerChat = (await player.StartAsync(star, ConversationChannel.Web)).Value!;
        engine.Fail = "HTTP 401 from https://llm.internal.example: invalid key sk-live-…";

        var asAdmin = Assert.IsType<ChatAnswered>((await Drain(admin.SendAsync(adminChat.Id, "问题")))[^1]);
        var asPlayer = Assert.IsType<ChatAnswered>((await Drain(player.SendAsync(playerChat.Id, "问题")))[^1]);

        Assert.Equal(engine.Fail, asAdmin.Error);
        Assert.Equal(ChatRules.AnswerFailedProvider, asPlayer.Error);
        Assert.DoesNotContain("llm.internal", asPlayer.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regenerate_ByAPlayer_TheStarOwnerSeesTheNewestTraceOfTheAnswer()
    {
        var (owner, star) = await StarAsync();
        await using (var publish = pg.OwnerContext())
        {
            await publish.Stars.Where(s => s.Id == star).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPublic, true));
        }

        var player = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await player.StartAsync(star, ConversationChannel.Web)).Value!;
        engine.Fail = "provider down";
        await Drain(player.SendAsync(conversation.Id, "问题"));
        engine.Fail = null;
        await Drain(player.RegenerateAsync(conversation.Id));
        var answerId = (await player.GetAsync(conversation.Id)).Value!.Messages[^1].Id;

        // The player cannot remove the failed attempt's trace (it may not read traces); the owner is shown the newest.
        var trace = await ServiceFor(owner).GetTraceAsync(answerId);
        await using var check = pg.OwnerContext();
        Assert.Equal(2, await check.ChatTraces.CountAsync(t => t.MessageId == answerId));
        Assert.True(trace.Value!.Summary.Success);
    }

    [Fact]
    public async Task Stop_MidAnswer_KeepsThePartialAnswerAsStopped()
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        engine.Reply = ["第一句。", "第二句。", "第三句。"];
        engine.DelayMs = 200;
        using var stop = new CancellationTokenSource();

        await foreach (var update in chat.SendAsync(conversation.Id, "讲个长故事", stop.Token))
        {
            if (update is ChatAnswerDelta)
            {
                await stop.CancelAsync();
            }
        }

        var answer = (await chat.GetAsync(conversation.Id)).Value!.Messages[^1];
        Assert.Equal(MessageStatuses.Stopped, answer.Status);
        Assert.Equal("第一句。", answer.Content);
    }

    [Fact]
    public async Task Closed_StaysReadableButTakesNoMessages_DeletedLeavesTheHistory()
    {
        var (_, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var first = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        var second = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        await Drain(chat.SendAsync(first.Id, "你好"));

        await chat.CloseAsync(first.Id);
        var send = await Drain(chat.SendAsync(first.Id, "还在吗"));
        await chat.DeleteAsync(second.Id);
        var list = await chat.ListMineAsync(star, 0, 10);

        Assert.Equal("Chat.Conversation.Closed", Assert.IsType<ChatRefused>(Assert.Single(send)).Error.Code);
        Assert.Equal(2, (await chat.GetAsync(first.Id)).Value!.Messages.Count);
        Assert.Equal([first.Id], list.Items.Select(c => c.Id));
        Assert.Equal(ResultKind.Forbidden, (await chat.GetAsync(second.Id)).Kind);
    }

    [Fact]
    public async Task Rate_KeepsTheScoreInStepAndRatingAgainReplacesIt()
    {
        var (owner, star) = await StarAsync();
        var chat = ServiceFor(await pg.CreateUserAsync());
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;

        var invalid = await chat.RateAsync(conversation.Id, 6, ["神奇"], null);
        await chat.RateAsync(conversation.Id, 2, ["啰嗦"], "太长");
        var final = await chat.RateAsync(conversation.Id, 5, ["深度", "准确"], "很专业");
        var report = await ServiceFor(owner).GetFeedbackReportAsync(star);

        Assert.Equal(["Chat.Feedback.Rating.Range", "Chat.Feedback.Label.Unknown"], invalid.Errors.Select(e => e.Code));
        Assert.True(final.Succeeded);
        Assert.Equal((short)5, (await chat.GetAsync(conversation.Id)).Value!.Conversation.FeedbackScore);
        Assert.Equal(1, report.Value!.Ratings);
        Assert.Equal(5, report.Value.Average);
        Assert.Equal(1, report.Value.Labels["深度"]);
        Assert.Equal(ResultKind.NotFound, (await chat.GetFeedbackReportAsync(star)).Kind);
    }

    [Fact]
    public async Task UsageRecords_SameRequestIdTwice_CountOnce()
    {
        var (owner, star) = await StarAsync();
        // Usage is recorded for a conversation of the recording user (the database refuses any other).
        var conversation = (await ServiceFor(owner).StartAsync(star, ConversationChannel.Web)).Value!;
        var sql = $"""
            INSERT INTO usage_records (request_id, user_id, star_id, conversation_id, provider, model, tokens_in, tokens_out, cost)
            VALUES ('req-1', '{owner.UserId}', '{star}', '{conversation.Id}', 'p', 'm', 1, 1, 0) ON CONFLICT (request_id) DO NOTHING
            """;
        await pg.Db(owner).RunAsync(async (db, _) =>
        {
            await db.Database.ExecuteSqlRawAsync(sql);
            await db.Database.ExecuteSqlRawAsync(sql);
        });

        await using var check = pg.OwnerContext();
        Assert.Equal(1, await check.UsageRecords.CountAsync(u => u.RequestId == "req-1"));
    }

    /// <summary>Streams a fixed reply, or fails, the way the real engine reports outcomes.</summary>
    private sealed class ScriptedEngine : IStarChatEngine
    {
        public string[] Reply { get; set; } = ["好的。"];
        public string? Fail { get; set; }
        public int DelayMs { get; set; }
        public ChatRequest? LastRequest { get; private set; }
        public List<ChatRequest> Requests { get; } = [];

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            LastRequest = request;
            Requests.Add(request);
            var text = "";
            var cancelled = false;
            if (Fail is null)
            {
                foreach (var piece in Reply)
                {
                    if (ct.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    text += piece;
                    yield return new ChatDelta(piece);
                    try
                    {
                        await Task.Delay(DelayMs, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled = true;
                        break;
                    }
                }
            }

            TraceStepRecord[] steps =
            [
                new(TraceStepKinds.UserMessage, "user", null, null, 0, 0, 0, true, null),
                new(TraceStepKinds.ModelCall, "scripted", """{"n":1}""", "not json", 12, 7, 5, Fail is null, Fail),
                new(TraceStepKinds.ModelCall, "scripted-fallback", null, null, 3, 1, 2, true, null),
            ];
            yield return new ChatCompleted(new ChatOutcome(text, "scripted-provider", "scripted", 12, 7,
                [new MessageCitation(1, Guid.NewGuid(), Guid.NewGuid(), "第一段", 1)], [], steps, "[]", 3, 10,
                Fail is null && !cancelled, cancelled, Fail is null ? (cancelled ? "cancelled" : null) : ChatErrorPhases.ModelCall, Fail, 0.0008m));
        }
    }
}
