using StarStudio.Core.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>Inline <c>&lt;think&gt;</c> reasoning of a thinking model is split from its answer, whatever the chunking.</summary>
public sealed class ThinkTagSplitterTests
{
    private static (string Answer, string Thinking) Run(params string[] chunks)
    {
        var splitter = new ThinkTagSplitter();
        var answer = "";
        var thinking = "";
        foreach (var chunk in chunks)
        {
            var (a, t) = splitter.Push(chunk);
            answer += a;
            thinking += t;
        }

        var (ra, rt) = splitter.Flush();
        return (answer + ra, thinking + rt);
    }

    [Fact]
    public void Push_WholeTagsInOneChunk_SplitsThinkingFromAnswer()
    {
        Assert.Equal(("答案是竹纸。", "先想想纸的种类"), Run("<think>先想想纸的种类</think>答案是竹纸。"));
    }

    [Fact]
    public void Push_TagsCutAcrossChunks_AreStillRecognised()
    {
        var text = "<think>reason about paper</think>Use kozo tissue [1].";
        for (var size = 1; size <= 7; size++)
        {
            var chunks = Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - (i * size)))).ToArray();
            Assert.Equal(("Use kozo tissue [1].", "reason about paper"), Run(chunks));
        }
    }

    [Fact]
    public void Push_NoTags_IsAllAnswer_AndALessThanSignIsKept()
    {
        Assert.Equal(("a < b and <thin ice>", ""), Run("a < b and <thin", " ice>"));
    }

    [Fact]
    public void Flush_UnclosedThinking_StaysThinking()
    {
        Assert.Equal(("", "still thinking"), Run("<think>still ", "thinking"));
    }
}
