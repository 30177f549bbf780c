using Microsoft.Extensions.AI;
using StarStudio.Core.Chat.Engine;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>The offline engine: says it is offline, answers from passages with [n], in the question's language and the star's tone, streams.</summary>
public sealed class OfflineChatClientTests
{
    private static async Task<List<string>> StreamAsync(OfflineChatClient client, string question)
    {
        var pieces = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, question)]))
        {
            if (update.Text.Length > 0)
            {
                pieces.Add(update.Text);
            }
        }

        return pieces;
    }

    [Fact]
    public async Task Stream_ChineseQuestionWithPassages_SaysOfflineQuotesAndCites()
    {
        var star = ChatTestData.Star();
        var client = new OfflineChatClient(star, ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText), ChatTestData.Passage(ChatTestData.PasteText, "浆糊.md")));

        var pieces = await StreamAsync(client, "修补宋元古籍应该选用什么补纸？");
        var answer = string.Concat(pieces);

        Assert.StartsWith("（离线引擎）我是墨香", answer);
        Assert.Contains("离线引擎", answer);
        Assert.Contains("皮纸", answer); // the sentence that answers the question
        Assert.Contains("[1]", answer);
        Assert.Contains("[2]", answer);
        Assert.Contains("《古籍修复手册.pdf》第 12 页", answer);
        Assert.Contains("希望这些对你有帮助", answer); // the warm tone
        Assert.True(pieces.Count > 20, "streams in small pieces");
        Assert.All(pieces, p => Assert.True(p.Length <= 40, p));
    }

    [Fact]
    public async Task Stream_EnglishQuestion_AnswersInEnglishAndSaysOffline()
    {
        var star = ChatTestData.Star("Quill", "formal and precise");
        var client = new OfflineChatClient(star, ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.TissueText, "Conservation Handbook.pdf", 4)));

        var answer = string.Concat(await StreamAsync(client, "How are tears in paper mended?"));

        Assert.StartsWith("(Offline engine) I'm Quill", answer);
        Assert.Contains("offline engine", answer);
        Assert.Contains("Japanese tissue", answer);
        Assert.Contains("[1]", answer);
        Assert.Contains("Conservation Handbook.pdf, page 4", answer);
        Assert.Contains("verbatim excerpts", answer); // the formal tone
    }

    [Fact]
    public async Task Stream_NoPassages_SaysTheKnowledgeHasNothingOnIt()
    {
        var zh = string.Concat(await StreamAsync(new OfflineChatClient(ChatTestData.Star(), []), "怎么做红烧肉？"));
        var en = string.Concat(await StreamAsync(new OfflineChatClient(ChatTestData.Star("Quill"), []), "How do I bake bread?"));

        Assert.Contains("（离线引擎）", zh);
        Assert.Contains("知识库里没有找到", zh);
        Assert.Contains("怎么做红烧肉？", zh);
        Assert.DoesNotContain("[1]", zh);
        Assert.Contains("(Offline engine)", en);
        Assert.Contains("My knowledge has nothing on \"How do I bake bread?\"", en);
    }

    [Fact]
    public async Task Stream_Cancelled_StopsWithCancellation()
    {
        var client = new OfflineChatClient(ChatTestData.Star(), ChatTestData.Numbered(ChatTestData.Passage(ChatTestData.PaperText)));
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "补纸")], null, cts.Token))
            {
                if (++seen == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(3, seen);
    }

    [Fact]
    public void Pieces_MixedText_ReassemblesExactly()
    {
        const string text = "（离线引擎）I'm Quill. 这是 a test，含有 emoji 😀 和标点。\n\nNext line.";

        var pieces = OfflineChatClient.Pieces(text).ToList();

        Assert.Equal(text, string.Concat(pieces));
        Assert.True(pieces.Count > 10);
    }

    [Fact]
    public void Metadata_Always_NamesTheOfflineEngine()
    {
        var client = new OfflineChatClient(ChatTestData.Star(), []);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal(OfflineEngine.Provider, metadata?.ProviderName);
        Assert.Equal(OfflineEngine.Model, metadata?.DefaultModelId);
    }
}
