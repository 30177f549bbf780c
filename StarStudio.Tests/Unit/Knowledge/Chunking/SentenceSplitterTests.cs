using StarStudio.Core.Knowledge.Chunking;

namespace StarStudio.Tests.Unit.Knowledge.Chunking;

public class SentenceSplitterTests
{
    private static string[] Sentences(string text) =>
        SentenceSplitter.Split(text).Select(s => text[s.Start..s.End].Trim()).ToArray();

    [Fact]
    public void Split_ChineseTerminators_SplitsAfterEach() =>
        Assert.Equal(["今天天气很好。", "你去吗？", "太好了！", "第一点；", "第二点"], Sentences("今天天气很好。你去吗？太好了！第一点；第二点"));

    [Fact]
    public void Split_ClosingQuoteAfterTerminator_StaysWithSentence() =>
        Assert.Equal(["他说：“我来了。”", "然后走了。"], Sentences("他说：“我来了。”然后走了。"));

    [Fact]
    public void Split_EnglishSentences_SplitsAtPeriodQuestionAndExclamation() =>
        Assert.Equal(["It works.", "Does it?", "Yes!", "Done"], Sentences("It works. Does it? Yes! Done"));

    [Theory]
    [InlineData("Pi is 3.14 and e is 2.718 roughly.")]
    [InlineData("Visit www.example.com for more.")]
    [InlineData("Use a tool, e.g. a hammer, for this.")]
    [InlineData("Ask Dr. Wang about it.")]
    [InlineData("J. R. R. Tolkien wrote it.")]
    [InlineData("It weighs approx. three kilos.")]
    [InlineData("Open config.json first.")]
    [InlineData("Is it http://x.org/?q=1 or not?")]
    public void Split_PeriodsInsideSentence_DoNotSplit(string text) => Assert.Single(Sentences(text));

    [Fact]
    public void Split_EllipsisAndRepeatedMarks_AreOneTerminator() =>
        Assert.Equal(["Wait...", "What?!", "OK."], Sentences("Wait... What?! OK."));

    [Fact]
    public void Split_LineBreaks_EndSentences() =>
        Assert.Equal(["Title line", "第二行没有标点", "third line"], Sentences("Title line\n第二行没有标点\n\n\nthird line"));

    [Fact]
    public void Split_NumberedList_KeepsNumberWithItem() =>
        Assert.Equal(["1. Introduction", "2. Methods"], Sentences("1. Introduction\n2. Methods"));

    [Fact]
    public void Split_MixedChineseAndEnglish_SplitsBoth() =>
        Assert.Equal(["我们使用 GPT-4.", "它很强大。", "Really?", "是的"], Sentences("我们使用 GPT-4.它很强大。Really? 是的"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("一句话没有标点")]
    [InlineData("Hello. 你好。\n\nBye!  ")]
    [InlineData("\n\nleading newlines. and trailing\n")]
    public void Split_AnyText_SpansCoverTextContiguously(string text)
    {
        var spans = SentenceSplitter.Split(text);

        var position = 0;
        foreach (var span in spans)
        {
            Assert.Equal(position, span.Start);
            Assert.True(span.End > span.Start);
            position = span.End;
        }

        Assert.Equal(text.Length, position);
    }

    [Fact]
    public void Split_EmptyText_ReturnsNoSentences() => Assert.Empty(SentenceSplitter.Split(""));
}
