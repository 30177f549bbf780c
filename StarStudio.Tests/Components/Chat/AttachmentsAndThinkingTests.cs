using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Chat.Attachments;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Chat;
using StarStudio.Web.Markdown;

namespace StarStudio.Tests.Components.Chat;

/// <summary>Attachment chips in each state, and a thinking model's thinking collapsed above its answer (docs/chat-attachments.md, docs/chat.md).</summary>
public sealed class AttachmentsAndThinkingTests : ComponentTest
{
    public AttachmentsAndThinkingTests() => Context.Services.AddSingleton<MarkdownRenderer>();

    private static ChatAttachmentView File(string status, string kind = ChatAttachmentKinds.Pdf, string? error = null, bool truncated = false) =>
        new(Guid.NewGuid(), Guid.NewGuid(), null, "论文.pdf", kind, 2_400_000, status, error, 3, truncated);

    [Fact]
    public void Chip_Parsing_ShowsNameSizeAndReading()
    {
        var chip = Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Parsing)));

        Assert.Equal("parsing", chip.Find("[data-testid=chat-attachment]").GetAttribute("data-status"));
        Assert.Equal("论文.pdf", chip.Find("[data-testid=chat-attachment-name]").TextContent);
        Assert.Contains("2.3 MB", chip.Markup);
        Assert.Contains("解析中", chip.Find("[data-testid=chat-attachment-state]").TextContent);
        Assert.Empty(chip.FindAll("[data-testid=chat-attachment-error]"));
    }

    [Fact]
    public void Chip_Ready_SaysSo_AndATruncatedFileSaysOnlyTheBeginningIsUsed()
    {
        Assert.Contains("已就绪", Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Ready))).Find("[data-testid=chat-attachment-state]").TextContent);
        Assert.Contains("只使用了开头部分", Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Ready, truncated: true))).Markup);
    }

    [Fact]
    public void Chip_Failed_ShowsTheParsersReasonInTheUsersLanguage()
    {
        var chip = Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Failed, error: "Knowledge.Parse.Encrypted")));

        Assert.Equal("failed", chip.Find("[data-testid=chat-attachment]").GetAttribute("data-status"));
        Assert.Equal("PDF 已加密或受密码保护，请上传未加密的副本。", chip.Find("[data-testid=chat-attachment-error]").TextContent.Trim());
    }

    [Fact]
    public void Chip_FailedWithAnUnknownCode_ShowsAGenericReasonNotTheCode()
    {
        var chip = Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Failed, error: "Something.Internal")));

        Assert.Equal("无法读取这个文件。", chip.Find("[data-testid=chat-attachment-error]").TextContent.Trim());
        Assert.DoesNotContain("Something.Internal", chip.Markup);
    }

    [Fact]
    public void Chip_Image_SaysPlainlyTheModelDoesNotReadIt()
    {
        var chip = Render<AttachmentChip>(p => p.Add(x => x.View, File(ChatAttachmentStatuses.Ready, ChatAttachmentKinds.Image)));

        Assert.Contains("图片，模型不读取", chip.Find("[data-testid=chat-attachment-state]").TextContent);
        Assert.Contains("模型看不到图片内容", chip.Find("[data-testid=chat-attachment]").GetAttribute("title"));
    }

    [Fact]
    public async Task Chip_Waiting_CanBeRemoved()
    {
        ChatAttachmentView? removed = null;
        var file = File(ChatAttachmentStatuses.Ready);
        var chip = Render<AttachmentChip>(p => p.Add(x => x.View, file).Add(x => x.OnRemove, (ChatAttachmentView v) => removed = v));

        await chip.Find("[data-testid=chat-attachment-chip] button").ClickAsync();

        chip.WaitForAssertion(() => Assert.Equal(file, removed));
    }

    [Fact]
    public void UserMessage_ShowsItsAttachmentsAsChips()
    {
        var message = new ConversationMessageDocument(Guid.NewGuid(), Guid.NewGuid(), MessageSenders.User, "总结一下", 3, [], DateTimeOffset.UtcNow);
        var view = Render<ChatMessageView>(p => p.Add(x => x.Message, message).Add(x => x.Attachments, [File(ChatAttachmentStatuses.Ready)]));

        Assert.Single(view.FindAll("[data-testid=chat-message-attachments] [data-testid=chat-attachment]"));
    }

    [Fact]
    public void Answer_WithThinking_ShowsItCollapsedAboveTheAnswer_AsPlainText()
    {
        var answer = new ConversationMessageDocument(Guid.NewGuid(), Guid.NewGuid(), MessageSenders.Star, "用皮纸 [1]。", 4, [], DateTimeOffset.UtcNow,
            Model: "deepseek-r1", Thinking: "先比对纸张 <b>厚薄</b>");
        var view = Render<ChatMessageView>(p => p.Add(x => x.Message, answer));

        var thinking = view.Find("[data-testid=chat-thinking]");
        Assert.Equal("DETAILS", thinking.TagName);
        Assert.False(thinking.HasAttribute("open")); // collapsed until the reader opens it
        Assert.Equal("思考过程", thinking.QuerySelector("summary")!.TextContent.Trim());
        Assert.Equal("先比对纸张 <b>厚薄</b>", view.Find("[data-testid=chat-thinking-text]").TextContent); // text, not markup
        var markup = view.Markup;
        Assert.True(markup.IndexOf("chat-thinking", StringComparison.Ordinal) < markup.IndexOf("chat-answer", StringComparison.Ordinal));
    }

    [Fact]
    public void Answer_WithoutThinking_HasNoThinkingSection()
    {
        var answer = new ConversationMessageDocument(Guid.NewGuid(), Guid.NewGuid(), MessageSenders.Star, "用皮纸。", 4, [], DateTimeOffset.UtcNow);

        Assert.Empty(Render<ChatMessageView>(p => p.Add(x => x.Message, answer)).FindAll("[data-testid=chat-thinking]"));
    }
}
