using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Chat;

namespace StarStudio.Tests.Components.Chat;

/// <summary>The per-generation rating under an answer: a click on a star saves, the given rating shows, a new generation starts unrated.</summary>
public sealed class AnswerRatingTests : ComponentTest
{
    private readonly RatingOnlyConversations conversations = new();

    public AnswerRatingTests() => Context.Services.AddSingleton<IConversationService>(conversations.Proxy);

    private static ConversationMessageDocument Answer(Guid id, Guid trace) =>
        new(id, Guid.NewGuid(), MessageSenders.Star, "先润湿。", 3, [], DateTimeOffset.UtcNow, MessageStatuses.Completed, "m", trace);

    [Fact]
    public async Task ClickingTheFourthStar_SavesFourForThatMessage_AndSaysSaved()
    {
        var message = Answer(Guid.NewGuid(), Guid.NewGuid());
        var cut = Render<AnswerRating>(p => p.Add(x => x.ConversationId, message.ConversationId).Add(x => x.Message, message));

        await cut.FindAll("[data-testid=answer-rating] .mud-rating-item")[3].ClickAsync();

        Assert.Equal((message.ConversationId, message.Id, (short)4), conversations.Last);
        Assert.Single(cut.FindAll("[data-testid=answer-rating-saved]"));
        Assert.Equal(message.Id.ToString(), cut.Find("[data-testid=answer-rating]").GetAttribute("data-message-id"));
    }

    [Fact]
    public void ExistingRating_IsShown_ButANewGenerationStartsUnrated()
    {
        var message = Answer(Guid.NewGuid(), Guid.NewGuid());
        var existing = new AnswerRatingView(message.Id, message.TraceId!.Value, 3, ["有用"]);
        var cut = Render<AnswerRating>(p => p.Add(x => x.ConversationId, message.ConversationId).Add(x => x.Message, message).Add(x => x.Existing, existing));

        Assert.Equal("3", cut.Find(".mud-rating-input[checked]").GetAttribute("value"));
        Assert.NotEmpty(cut.FindAll("[data-testid=answer-rating-label]"));

        cut.Render(p => p.Add(x => x.Message, message with { TraceId = Guid.NewGuid(), Content = "新的回答" }));

        Assert.Empty(cut.FindAll("[data-testid=answer-rating-label]"));
        Assert.Empty(cut.FindAll(".mud-rating-input[checked]"));
    }

    [Fact]
    public async Task AfterRating_LabelChips_AreSavedWithTheRating()
    {
        var message = Answer(Guid.NewGuid(), Guid.NewGuid());
        var cut = Render<AnswerRating>(p => p.Add(x => x.ConversationId, message.ConversationId).Add(x => x.Message, message));
        Assert.Empty(cut.FindAll("[data-testid=answer-rating-label]"));

        await cut.FindAll("[data-testid=answer-rating] .mud-rating-item")[2].ClickAsync();
        await cut.FindAll("[data-testid=answer-rating-label]").Single(c => c.TextContent.Trim() == "有用").ClickAsync();

        Assert.Equal((message.ConversationId, message.Id, (short)3), conversations.Last);
        Assert.Equal(["有用"], conversations.Labels);
        Assert.Equal("true", cut.FindAll("[data-testid=answer-rating-label]").Single(c => c.TextContent.Trim() == "有用").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task RefusedRating_ShowsTheReason()
    {
        conversations.Refuse = "Chat.AnswerRating.NotCompleted";
        var message = Answer(Guid.NewGuid(), Guid.NewGuid());
        var cut = Render<AnswerRating>(p => p.Add(x => x.ConversationId, message.ConversationId).Add(x => x.Message, message));

        await cut.FindAll("[data-testid=answer-rating] .mud-rating-item")[4].ClickAsync();

        Assert.Equal("只能给已完成的回答评分。", cut.Find("[data-testid=answer-rating-error]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=answer-rating-saved]"));
    }

    /// <summary>An <see cref="IConversationService"/> whose only working call is RateAnswerAsync (the component needs no other).</summary>
    private sealed class RatingOnlyConversations
    {
        public RatingOnlyConversations() => Proxy = OneCallFake.Create<IConversationService>(nameof(IConversationService.RateAnswerAsync), args =>
        {
            Last = ((Guid)args[0]!, (Guid)args[1]!, (short)args[2]!);
            Labels = (IReadOnlyList<string>)args[3]!;
            return Task.FromResult(Refuse is { } code
                ? Result<AnswerFeedback>.Invalid("Message", code)
                : Result<AnswerFeedback>.Ok(new AnswerFeedback { Rating = (short)args[2]! }));
        });

        public (Guid, Guid, short)? Last { get; private set; }
        public IReadOnlyList<string> Labels { get; private set; } = [];
        public string? Refuse { get; set; }
        public IConversationService Proxy { get; }
    }
}
