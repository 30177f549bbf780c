using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Attachments;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Web.Components.Chat;
using StarStudio.Web.Markdown;

namespace StarStudio.Tests.Components.Chat;

/// <summary>
/// The composer of the chat: what is typed (the textarea's <c>input</c> event, as the browser sends it) is what is sent, and
/// the reason a message was refused or its answer failed stays on screen after the send has reloaded the conversation
/// (it used to be cleared by that reload, so an empty or too-fast message did nothing visible); and leaving the page while
/// its after-render JS calls are in flight does not end the circuit.
/// </summary>
public sealed class ChatPanelTests : ComponentTest
{
    private readonly FakeConversations conversations = new();

    public ChatPanelTests()
    {
        Context.Services.AddSingleton<IConversationService>(conversations);
        Context.Services.AddSingleton<IChatAttachmentService>(new NoAttachments());
        Context.Services.AddSingleton<MarkdownRenderer>();
    }

    private IRenderedComponent<ChatPanel> RenderPanel() =>
        Render<ChatPanel>(p => p.Add(x => x.StarId, conversations.Conversation.StarId).Add(x => x.ConversationId, conversations.Conversation.Id));

    [Fact]
    public async Task EmptyMessage_IsRefused_AndTheReasonStaysShown()
    {
        var cut = RenderPanel();

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("请先输入消息。", cut.Find("[data-testid=chat-error]").TextContent.Trim()));
        Assert.Equal([""], conversations.Sent);
    }

    [Fact]
    public async Task TooFast_IsRefused_AndTheReasonStaysShown()
    {
        conversations.RefuseTooFast = true;
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "再问一次" });

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("发送太快了（每分钟最多 20 条），请稍等片刻。", cut.Find("[data-testid=chat-error]").TextContent.Trim()));
    }

    [Fact]
    public async Task TypedText_IsWhatIsSent_AndAFailedAnswerSaysWhy()
    {
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "纸张发黄怎么处理？" });

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("模型服务未能正常回答，请稍后重试。", cut.Find("[data-testid=chat-error]").TextContent.Trim()));
        Assert.Equal(["纸张发黄怎么处理？"], conversations.Sent);
        Assert.Single(cut.FindAll("[data-testid=chat-failed]")); // the stored, failed answer is shown under the question
        Assert.Equal("", cut.Find("textarea").GetAttribute("value")); // the composer is cleared once the message is stored
    }

    [Fact]
    public async Task SendFailingInTheDatabase_SaysSoAtTheComposer_KeepsTheDraft_AndTheCircuitLives()
    {
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "纸张发黄怎么处理？" });
        conversations.FailWith = new TimeoutException("The connection pool has been exhausted");
        conversations.ReadsFail = true; // the reload after the send fails as well

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("暂时无法开始回答（服务繁忙），请稍后重试；你的消息已保留。", cut.Find("[data-testid=chat-error]").TextContent.Trim()));
        Assert.Equal("纸张发黄怎么处理？", cut.Find("textarea").GetAttribute("value"));
        Assert.False(cut.Find("[data-testid=chat-send]").HasAttribute("disabled"));

        // The same circuit sends again once the database is back.
        conversations.FailWith = null;
        conversations.ReadsFail = false;
        conversations.Fail = false;
        await cut.Find("[data-testid=chat-send]").ClickAsync();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=chat-error]")));
        Assert.Equal(["纸张发黄怎么处理？", "纸张发黄怎么处理？"], conversations.Sent);
    }

    [Fact]
    public async Task Busy_IsRefused_WithTheDraftKept()
    {
        conversations.RefuseBusy = true;
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "虫蛀的书页能补吗？" });

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("现在提问的人太多，请稍后再发送；你的消息还在输入框里。", cut.Find("[data-testid=chat-error]").TextContent.Trim()));
        Assert.Equal("虫蛀的书页能补吗？", cut.Find("textarea").GetAttribute("value"));
    }

    [Fact]
    public async Task AnsweredMessage_ShowsNoError()
    {
        conversations.Fail = false;
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "怎么调浆糊？" });

        await cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("先把面粉洗去面筋。", cut.Find("[data-testid=chat-messages]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=chat-error]"));
    }

    [Fact]
    public async Task TheQuestion_ShowsWhileTheAnswerIsOnItsWay_WithoutReloadingTheConversation()
    {
        conversations.Fail = false;
        conversations.HoldAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cut = RenderPanel();
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "虫蛀的书页能补吗？" });
        var readsBefore = conversations.Reads;

        var sending = cut.Find("[data-testid=chat-send]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=chat-streaming]")));
        Assert.Contains("虫蛀的书页能补吗？", cut.Find("[data-testid=chat-message][data-sender=user]").TextContent);
        Assert.Equal(readsBefore, conversations.Reads); // the answer's retrieval waits for nothing on the page's side
        conversations.HoldAnswer.SetResult();
        await sending;
        cut.WaitForAssertion(() => Assert.Contains("先把面粉洗去面筋。", cut.Find("[data-testid=chat-answer]").TextContent));
        Assert.Single(cut.FindAll("[data-testid=chat-message][data-sender=user]"));
    }

    [Fact]
    public async Task LeavingThePage_WhileTheCopyButtonsAreBeingAdded_DoesNotEndTheCircuit()
    {
        var js = new SlowChatModuleRuntime();
        Context.Services.AddSingleton<IJSRuntime>(js);
        RenderPanel();
        await WaitUntil(() => js.Chat?.Calls.Contains("enhance") == true); // the browser has not answered yet

        await Context.DisposeComponentsAsync(); // the player navigates away: the panel disposes its module
        js.Enhance.SetResult(); // then the browser's answer arrives and the after-render code goes on
        await WaitUntil(() => js.Chat!.Calls.Contains("scrollToEnd"));
        await Task.Delay(100);

        Assert.True(js.Chat!.Disposed);
        var unhandled = Context.Renderer.UnhandledException;
        Assert.False(unhandled.IsCompleted, unhandled.IsCompleted ? (await unhandled).ToString() : "");
    }

    [Fact]
    public async Task TheComposer_IsAPlainTextarea_WiredByChatJs()
    {
        // Enter-to-send and the growing box are chat.js's: no MudTextField (four components, three events per key, and a
        // .NET reference its first render used even when a closing circuit had freed it). enhance gets the textarea
        // while the player can write.
        var js = new SlowChatModuleRuntime();
        js.Enhance.SetResult();
        Context.Services.AddSingleton<IJSRuntime>(js);
        var cut = RenderPanel();
        await WaitUntil(() => js.Chat?.EnhanceArgs.IsEmpty == false);

        var textarea = cut.Find("textarea#chat-input");
        Assert.Equal("2", textarea.GetAttribute("rows"));
        Assert.Empty(cut.FindComponents<MudBlazor.MudTextField<string>>());
        var args = js.Chat!.EnhanceArgs.Last();
        Assert.Equal(4, args.Length);
        var element = Assert.IsType<ElementReference>(args[3]);
        Assert.False(string.IsNullOrEmpty(element.Id));

        await textarea.InputAsync(new ChangeEventArgs { Value = "纸张发黄怎么处理？" });
        cut.WaitForAssertion(() => Assert.Equal("纸张发黄怎么处理？", cut.Find("textarea#chat-input").GetAttribute("value")));
    }

    [Fact]
    public async Task TheHistory_MarksTheOpenConversation_AndOpensOneOnClick()
    {
        // The history is list markup (no MudListItem per conversation): the open one is the selected item, a click reads it.
        var cut = RenderPanel();
        var item = cut.Find("[data-testid=chat-history-item]");
        Assert.Contains("mud-selected-item", item.ClassList);
        Assert.Contains("修复", item.TextContent);
        var reads = conversations.Reads;

        await item.ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal(reads + 1, conversations.Reads));
        Assert.Equal("修复", cut.Find("[data-testid=chat-title]").TextContent.Trim());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 5000, "timed out");
            await Task.Delay(20);
        }
    }

    /// <summary>A browser whose js/chat.js answers <c>enhance</c> only when told to; every other call gets the default value.</summary>
    private sealed class SlowChatModuleRuntime : IJSRuntime
    {
        public TaskCompletionSource Enhance { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ChatModule? Chat { get; private set; }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            if (identifier == "import" && args?[0] is "./js/chat.js")
            {
                Chat = new ChatModule(this);
                return ValueTask.FromResult((TValue)(object)Chat);
            }

            return ValueTask.FromResult(default(TValue)!);
        }
    }

    /// <summary>Like the real JS object reference: a call after <see cref="DisposeAsync"/> throws <see cref="ObjectDisposedException"/>.</summary>
    private sealed class ChatModule(SlowChatModuleRuntime js) : IJSObjectReference
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        /// <summary>The arguments of every <c>enhance</c> call.</summary>
        public ConcurrentQueue<object?[]> EnhanceArgs { get; } = new();

        public bool Disposed { get; private set; }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public async ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Calls.Enqueue(identifier);
            ObjectDisposedException.ThrowIf(Disposed, this);
            if (identifier == "enhance")
            {
                EnhanceArgs.Enqueue(args ?? []);
                await js.Enhance.Task;
            }

            return default!;
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One conversation of the current user; a send stores the question and a failed (or completed) answer.</summary>
    private sealed class FakeConversations : IConversationService
    {
        private readonly List<ConversationMessageDocument> messages = [];

        public Conversation Conversation { get; } = new() { Id = Guid.NewGuid(), StarId = Guid.NewGuid(), UserId = Guid.NewGuid(), Title = "修复", UpdatedAt = DateTimeOffset.UtcNow };

        public List<string> Sent { get; } = [];

        public bool RefuseTooFast { get; set; }

        public bool RefuseBusy { get; set; }

        /// <summary>When set, the send fails with it before the question is stored (the database busy or gone).</summary>
        public Exception? FailWith { get; set; }

        /// <summary>When set, every read of the conversation fails with it too.</summary>
        public bool ReadsFail { get; set; }

        public bool Fail { get; set; } = true;

        /// <summary>When set, the answer waits for it after the question is stored.</summary>
        public TaskCompletionSource? HoldAnswer { get; set; }

        /// <summary>How often the conversation was read (GetAsync).</summary>
        public int Reads { get; private set; }

        public Task<Page<ConversationSummary>> ListMineAsync(Guid? starId, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult(new Page<ConversationSummary>([new(Conversation.Id, Conversation.StarId, "墨香", Conversation.Title, Conversation.Status, null, Conversation.UpdatedAt)], 1));

        public Task<Result<ConversationView>> GetAsync(Guid conversationId, CancellationToken ct = default)
        {
            Reads++;
            if (ReadsFail)
            {
                throw new TimeoutException("The connection pool has been exhausted");
            }

            return Task.FromResult(Result<ConversationView>.Ok(new ConversationView(Conversation, "墨香", "古籍修复", "亲切", false, false, true, [.. messages], null)));
        }

        public Task<IReadOnlyDictionary<Guid, AnswerRatingView>> GetMyAnswerRatingsAsync(Guid conversationId, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyDictionary<Guid, AnswerRatingView>>(new Dictionary<Guid, AnswerRatingView>());

        public async IAsyncEnumerable<ChatUpdate> SendAsync(Guid conversationId, string message, [EnumeratorCancellation] CancellationToken ct = default)
        {
            Sent.Add(message);
            await Task.Yield();
            if (FailWith is { } failure)
            {
                throw failure;
            }
            if (ChatRules.ValidateMessage(message, ChatRules.DefaultMaxMessageChars) is { } invalid)
            {
                yield return new ChatRefused(invalid);
                yield break;
            }

            if (RefuseBusy)
            {
                yield return new ChatRefused(new FieldError("Message", "Chat.Busy"));
                yield break;
            }

            if (RefuseTooFast)
            {
                yield return new ChatRefused(new FieldError("Message", "Chat.Message.TooFast", ChatRules.DefaultRatePerMinute));
                yield break;
            }

            var question = new ConversationMessageDocument(Guid.NewGuid(), conversationId, MessageSenders.User, message, 5, [], DateTimeOffset.UtcNow);
            messages.Add(question);
            yield return new ChatUserMessage(question);
            if (HoldAnswer is { } hold)
            {
                await hold.Task;
            }

            yield return new ChatAnswerDelta("先把面粉");
            await Task.Yield();
            yield return new ChatAnswerDelta("洗去面筋。");
            var answer = new ConversationMessageDocument(Guid.NewGuid(), conversationId, MessageSenders.Star, Fail ? "" : "先把面粉洗去面筋。", 5, [], DateTimeOffset.UtcNow,
                Fail ? MessageStatuses.Failed : MessageStatuses.Completed);
            messages.Add(answer);
            yield return new ChatAnswered(answer, Fail ? ChatRules.AnswerFailedProvider : null);
        }

        public IAsyncEnumerable<ChatUpdate> RegenerateAsync(Guid conversationId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Conversation>> StartAsync(Guid starId, ConversationChannel channel, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Conversation>> RenameAsync(Guid conversationId, string title, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Conversation>> CloseAsync(Guid conversationId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteAsync(Guid conversationId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ConversationFeedback>> RateAsync(Guid conversationId, short rating, IReadOnlyList<string> labels, string? comment, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public Task<Result<AnswerFeedback>> RateAnswerAsync(Guid conversationId, Guid messageId, short rating, IReadOnlyList<string> labels, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public Task<Result<TraceView>> GetTraceAsync(Guid messageId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<string>> GetCitedPassageAsync(Guid conversationId, Guid chunkId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<StarFeedbackReport>> GetFeedbackReportAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();
    }

    private sealed class NoAttachments : IChatAttachmentService
    {
        public Task<IReadOnlyList<ChatAttachmentView>> ListAsync(Guid conversationId, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<ChatAttachmentView>>([]);

        public Task<Result<ChatAttachmentView>> UploadAsync(Guid conversationId, string fileName, Stream content, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ChatAttachmentView>> ProcessAsync(Guid attachmentId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> RemoveAsync(Guid attachmentId, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
