using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Chat;

namespace StarStudio.Tests.Components.Chat;

/// <summary>The conversation's rating form, in MudBlazor's markup: stars, labels and a comment are saved together; a refusal shows at the comment.</summary>
public sealed class ChatFeedbackFormTests : ComponentTest
{
    private readonly FeedbackOnly conversations = new();

    public ChatFeedbackFormTests() => Context.Services.AddSingleton<IConversationService>(conversations.Proxy);

    [Fact]
    public async Task StarsLabelsAndComment_AreSavedTogether()
    {
        var id = Guid.NewGuid();
        var cut = Render<ChatFeedbackForm>(p => p.Add(x => x.ConversationId, id)
            .Add(x => x.Existing, new ConversationFeedback { Rating = 2, Labels = ["有用"], Comment = "之前的" }));
        Assert.Equal("之前的", cut.Find("textarea#chat-comment").GetAttribute("value"));
        Assert.Equal("true", cut.FindAll("[data-testid=chat-label]").Single(c => c.TextContent.Trim() == "有用").GetAttribute("aria-pressed"));

        await cut.FindAll("[data-testid=chat-rating] .mud-rating-item")[4].ClickAsync();
        await cut.FindAll("[data-testid=chat-label]").Single(c => c.TextContent.Trim() == "深度").ClickAsync();
        await cut.Find("textarea#chat-comment").ChangeAsync(new ChangeEventArgs { Value = "回答得很专业" });
        await cut.Find("[data-testid=chat-feedback-save]").ClickAsync();

        Assert.Equal((id, (short)5, (IReadOnlyList<string>)["深度", "有用"], "回答得很专业"), conversations.Last);
        Assert.Empty(cut.FindAll(".mud-input-error-text"));
    }

    [Fact]
    public async Task ARefusedComment_ShowsTheReasonAtTheField_AndKeepsWhatWasTyped()
    {
        conversations.Refuse = ("Chat.Feedback.Comment.TooLong", ChatRules.CommentMax);
        var cut = Render<ChatFeedbackForm>(p => p.Add(x => x.ConversationId, Guid.NewGuid()));
        var tooLong = new string('长', ChatRules.CommentMax + 1);

        await cut.FindAll("[data-testid=chat-rating] .mud-rating-item")[3].ClickAsync();
        await cut.Find("textarea#chat-comment").ChangeAsync(new ChangeEventArgs { Value = tooLong });
        await cut.Find("[data-testid=chat-feedback-save]").ClickAsync();

        Assert.Equal("评价最多 2000 个字符。", cut.Find("#chat-comment-error").TextContent);
        var comment = cut.Find("textarea#chat-comment");
        Assert.Equal("true", comment.GetAttribute("aria-invalid"));
        Assert.Equal("chat-comment-error", comment.GetAttribute("aria-describedby"));
        Assert.Equal(tooLong, comment.GetAttribute("value"));
    }

    /// <summary>An <see cref="IConversationService"/> whose only working call is RateAsync.</summary>
    private sealed class FeedbackOnly
    {
        public FeedbackOnly() => Proxy = OneCallFake.Create<IConversationService>(nameof(IConversationService.RateAsync), args =>
        {
            Last = ((Guid)args[0]!, (short)args[1]!, (IReadOnlyList<string>)args[2]!, (string?)args[3]);
            return Task.FromResult(Refuse is { } refusal
                ? Result<ConversationFeedback>.Invalid("Comment", refusal.Code, refusal.Arg)
                : Result<ConversationFeedback>.Ok(new ConversationFeedback { Rating = (short)args[1]! }));
        });

        public (Guid, short, IReadOnlyList<string>, string?)? Last { get; private set; }
        public (string Code, int Arg)? Refuse { get; set; }
        public IConversationService Proxy { get; }
    }
}
