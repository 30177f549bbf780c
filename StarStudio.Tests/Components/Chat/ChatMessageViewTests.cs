using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Chat;
using StarStudio.Web.Markdown;

namespace StarStudio.Tests.Components.Chat;

public sealed class ChatMessageViewTests : ComponentTest
{
    public ChatMessageViewTests() => Context.Services.AddSingleton<MarkdownRenderer>();

    private static ConversationMessageDocument Answer(string? version) =>
        new(Guid.NewGuid(), Guid.NewGuid(), MessageSenders.Star, "先除尘。", 4, [], DateTimeOffset.UtcNow,
            Model: "offline", ModelVersionId: version is null ? null : Guid.NewGuid(), ModelVersion: version);

    [Fact]
    public void AnAnswerOfAModelVersion_ShowsWhichVersionWroteIt()
    {
        var view = Render<ChatMessageView>(p => p.Add(x => x.Message, Answer("v2")));
        Assert.Equal("版本 v2", view.Find("[data-testid=chat-model-version]").TextContent.Trim());
    }

    [Fact]
    public void AnAnswerOfTheBasePersona_ShowsNoVersion()
    {
        var view = Render<ChatMessageView>(p => p.Add(x => x.Message, Answer(null)));
        Assert.Empty(view.FindAll("[data-testid=chat-model-version]"));
    }
}
