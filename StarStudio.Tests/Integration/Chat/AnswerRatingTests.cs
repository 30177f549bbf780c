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

/// <summary>
/// Ratings of single generations over the real PostgreSQL (RLS) and document store. Answers and their traces are arranged
/// directly, each generation with its own trace, as the chat records them.
/// </summary>
public sealed class AnswerRatingTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private IConversationService ServiceFor(UserContext user)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), new NoEngine(), new ChatRateLimiter(),
            Cl100kTokenCounter.Instance, TimeProvider.System, NullLogger<ConversationService>.Instance);
    }

    private sealed record Arranged(UserContext Owner, UserContext Player, Guid Star, Guid Conversation, Guid Question, Guid Answer, Guid Trace);

    private async Task<Arranged> ConversationAsync(Guid? versionId = null)
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var star = Guid.NewGuid();
        var conversation = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            if (versionId is { } v)
            {
                db.StarModelVersions.Add(new StarModelVersion { Id = v, StarId = star, VersionName = "v1", TrainingMethod = TrainingMethod.Sft, CreatedAt = DateTimeOffset.UtcNow });
            }

            db.Conversations.Add(new Conversation { Id = conversation, StarId = star, UserId = player.UserId!.Value, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var store = new PostgresConversationMessageStore(pg.Db(player));
        var question = new ConversationMessageDocument(Guid.NewGuid(), conversation, MessageSenders.User, "怎么揭裱？", 4, [], DateTimeOffset.UtcNow.AddSeconds(-10));
        await store.AppendAsync(question);
        var answer = Guid.NewGuid();
        var trace = await GenerationAsync(player, star, conversation, answer, "先润湿，再慢慢揭。", versionId);
        return new Arranged(owner, player, star, conversation, question.Id, answer, trace);
    }

    /// <summary>A (new) generation of the answer: the message replaced in place with a new trace, as regenerating does.</summary>
    private async Task<Guid> GenerationAsync(UserContext player, Guid star, Guid conversation, Guid answer, string text, Guid? versionId = null, string status = MessageStatuses.Completed)
    {
        var trace = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.ChatTraces.Add(new ChatTrace { Id = trace, ConversationId = conversation, StarId = star, UserId = player.UserId!.Value, MessageId = answer, Model = "m", Success = true, CreatedAt = DateTimeOffset.UtcNow, ModelVersionId = versionId });
            await db.SaveChangesAsync();
        }

        await new PostgresConversationMessageStore(pg.Db(player)).UpsertAsync(new ConversationMessageDocument(answer, conversation, MessageSenders.Star, text, 8, [],
            DateTimeOffset.UtcNow.AddSeconds(-5), status, "m", trace, [], versionId, versionId is null ? null : "v1"));
        return trace;
    }

    [Fact]
    public async Task RateAnswer_ThenRateAgain_KeepsOneRowWithPromptAnswerAndVersion()
    {
        var version = Guid.NewGuid();
        var a = await ConversationAsync(version);
        var chat = ServiceFor(a.Player);

        var first = await chat.RateAnswerAsync(a.Conversation, a.Answer, 2, ["啰嗦"]);
        var again = await chat.RateAnswerAsync(a.Conversation, a.Answer, 5, ["有用", "准确", "有用"]);

        Assert.True(first.Succeeded);
        Assert.True(again.Succeeded);
        await using var db = pg.OwnerContext();
        var row = await db.AnswerFeedback.SingleAsync(f => f.ConversationId == a.Conversation);
        Assert.Equal((a.Answer, a.Trace, (short)5), (row.MessageId, row.TraceId, row.Rating));
        Assert.Equal(["有用", "准确"], row.Labels);
        Assert.Equal(("怎么揭裱？", "先润湿，再慢慢揭。", (Guid?)version), (row.Prompt, row.Answer, row.ModelVersionId));
        Assert.Equal((a.Star, a.Player.UserId!.Value), (row.StarId, row.UserId));
        var mine = await chat.GetMyAnswerRatingsAsync(a.Conversation);
        Assert.Equal(5, mine[a.Trace].Rating);
    }

    [Fact]
    public async Task RateAnswer_ManyAtOnce_AllSucceed_AndLeaveOneRow()
    {
        // Rounds of fresh answers: the race is between the first ratings of a generation, before any row exists.
        for (var round = 0; round < 5; round++)
        {
            var a = await ConversationAsync(null);

            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                Task.Run(() => ServiceFor(a.Player).RateAnswerAsync(a.Conversation, a.Answer, (short)(1 + i % 5), []))));

            Assert.All(results, r => Assert.True(r.Succeeded, string.Join(",", r.Errors.Select(e => e.Code))));
            await using var db = pg.OwnerContext();
            Assert.Single(await db.AnswerFeedback.Where(f => f.TraceId == a.Trace).ToListAsync());
        }
    }

    [Fact]
    public async Task RateAnswer_RegeneratedAnswer_GetsARowOfItsOwnAndTheOldGenerationStays()
    {
        var a = await ConversationAsync();
        var chat = ServiceFor(a.Player);
        await chat.RateAnswerAsync(a.Conversation, a.Answer, 2, []);

        var second = await GenerationAsync(a.Player, a.Star, a.Conversation, a.Answer, "先用排笔润湿，静置十分钟，再从一角揭起。");
        var rated = await chat.RateAnswerAsync(a.Conversation, a.Answer, 5, ["有用"]);

        Assert.True(rated.Succeeded);
        await using var db = pg.OwnerContext();
        var rows = await db.AnswerFeedback.Where(f => f.MessageId == a.Answer).OrderBy(f => f.Rating).ToListAsync();
        Assert.Equal([(a.Trace, (short)2, "先润湿，再慢慢揭。"), (second, (short)5, "先用排笔润湿，静置十分钟，再从一角揭起。")],
            rows.Select(r => (r.TraceId, r.Rating, r.Answer)));
        Assert.Equal(2, (await chat.GetMyAnswerRatingsAsync(a.Conversation)).Count);
    }

    [Fact]
    public async Task RateAnswer_SomeoneElsesConversation_IsForbiddenAndNothingIsStored()
    {
        var a = await ConversationAsync();
        var stranger = await pg.CreateUserAsync();

        var byStranger = await ServiceFor(stranger).RateAnswerAsync(a.Conversation, a.Answer, 5, []);
        var byOwner = await ServiceFor(a.Owner).RateAnswerAsync(a.Conversation, a.Answer, 5, []);

        Assert.Equal(ResultKind.Forbidden, byStranger.Kind);
        Assert.Equal(ResultKind.Forbidden, byOwner.Kind);
        await using var db = pg.OwnerContext();
        Assert.False(await db.AnswerFeedback.AnyAsync(f => f.ConversationId == a.Conversation));
        Assert.Empty(await ServiceFor(stranger).GetMyAnswerRatingsAsync(a.Conversation));
    }

    [Fact]
    public async Task RateAnswer_UserMessageFailedAnswerBadRatingOrLabel_AreFieldErrors()
    {
        var a = await ConversationAsync();
        var chat = ServiceFor(a.Player);
        var failed = Guid.NewGuid();
        await GenerationAsync(a.Player, a.Star, a.Conversation, failed, "", status: MessageStatuses.Failed);

        Assert.Equal("Chat.AnswerRating.NotAnAnswer", Assert.Single((await chat.RateAnswerAsync(a.Conversation, a.Question, 4, [])).Errors).Code);
        Assert.Equal("Chat.AnswerRating.NotAnAnswer", Assert.Single((await chat.RateAnswerAsync(a.Conversation, Guid.NewGuid(), 4, [])).Errors).Code);
        Assert.Equal("Chat.AnswerRating.NotCompleted", Assert.Single((await chat.RateAnswerAsync(a.Conversation, failed, 4, [])).Errors).Code);
        Assert.Equal("Rating", Assert.Single((await chat.RateAnswerAsync(a.Conversation, a.Answer, 6, [])).Errors).Field);
        Assert.Equal("Labels", Assert.Single((await chat.RateAnswerAsync(a.Conversation, a.Answer, 4, ["好"])).Errors).Field);
    }

    [Fact]
    public async Task Ratings_TheStarOwnerReadsThem_AnotherPlayerDoesNot()
    {
        var a = await ConversationAsync();
        await ServiceFor(a.Player).RateAnswerAsync(a.Conversation, a.Answer, 4, ["深度"]);
        var other = await pg.CreateUserAsync();

        Task<int> CountAs(UserContext user) => pg.Db(user).RunAsync((ctx, _) => ctx.AnswerFeedback.CountAsync(f => f.ConversationId == a.Conversation));

        Assert.Equal(1, await CountAs(a.Owner));
        Assert.Equal(1, await CountAs(a.Player));
        Assert.Equal(0, await CountAs(other));
    }

    [Fact]
    public async Task RateAnswer_MessageNamingAnotherConversationsTrace_IsRefusedByTheDatabase()
    {
        var a = await ConversationAsync();
        var b = await ConversationAsync();
        // The message of a's conversation claims b's trace (a corrupt or forged record): the RLS check refuses it.
        await new PostgresConversationMessageStore(pg.Db(a.Player)).UpsertAsync(new ConversationMessageDocument(a.Answer, a.Conversation,
            MessageSenders.Star, "伪造", 2, [], DateTimeOffset.UtcNow, MessageStatuses.Completed, "m", b.Trace));

        var result = await ServiceFor(a.Player).RateAnswerAsync(a.Conversation, a.Answer, 5, []);

        Assert.Equal("Chat.AnswerRating.NotCompleted", Assert.Single(result.Errors).Code);
    }

    private sealed class NoEngine : IStarChatEngine
    {
        public IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
