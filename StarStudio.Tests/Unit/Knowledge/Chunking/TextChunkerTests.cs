using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.TestData;

namespace StarStudio.Tests.Unit.Knowledge.Chunking;

public class TextChunkerTests
{
    private static readonly ITokenCounter Tokens = Cl100kTokenCounter.Instance;
    private static readonly ChunkingOptions Small = new(ChunkSizeTokens: 100, OverlapTokens: 20);

    private static ParsedDocument Doc(params string[] texts) =>
        new(texts.Select((t, i) => new DocumentUnit(t, i + 1, [$"Section {i + 1}"])).ToArray(), texts.Length);

    /// <summary>The invariants every chunking must keep: exact offsets, trimmed non-blank text, the limit, consecutive Seq.</summary>
    private static void AssertWellFormed(ParsedDocument doc, IReadOnlyList<TextChunk> chunks, ChunkingOptions options)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Seq);
            var unit = doc.Units.Single(u => u.Page == chunk.Page);
            Assert.Equal(chunk.Text, unit.Text[chunk.CharStart..chunk.CharEnd]);
            Assert.False(string.IsNullOrWhiteSpace(chunk.Text));
            Assert.Equal(chunk.Text.Trim(), chunk.Text);
            Assert.InRange(chunk.Tokens, 1, options.ChunkSizeTokens);
            var real = Tokens.Count(chunk.Text);
            Assert.InRange(real, 1, options.ChunkSizeTokens);
            Assert.InRange(chunk.Tokens, real * 0.9 - 2, real * 1.1 + 2); // the reported count is the per-sentence sum
            Assert.Same(unit.HeadingPath, chunk.HeadingPath);
        }
    }

    [Fact]
    public void Chunk_EnglishText_KeepsInvariantsAndLimit()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(6000, seed: 3));

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        Assert.True(chunks.Count > 5);
        AssertWellFormed(doc, chunks, Small);
    }

    [Fact]
    public void Chunk_ChineseText_KeepsInvariantsAndEndsAtSentences()
    {
        var doc = Doc(KnowledgeDocuments.ChineseText(3000, seed: 5));

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        Assert.True(chunks.Count > 5);
        AssertWellFormed(doc, chunks, Small);
        Assert.All(chunks.SkipLast(1), c => Assert.Contains(c.Text[^1], "。！？；"));
    }

    [Fact]
    public void Chunk_MixedText_KeepsInvariants()
    {
        var mixed = string.Concat(Enumerable.Range(0, 30).Select(i =>
            KnowledgeDocuments.ChineseText(80, i) + "\n" + KnowledgeDocuments.EnglishText(150, i) + " "));
        var doc = Doc(mixed);

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        AssertWellFormed(doc, chunks, Small);
    }

    [Fact]
    public void Chunk_ConsecutiveChunks_OverlapByWholeSentences()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(5000, seed: 9));
        var options = new ChunkingOptions(ChunkSizeTokens: 120, OverlapTokens: 40);

        var chunks = TextChunker.Chunk(doc, options, Tokens);

        var overlapping = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            var previous = chunks[i - 1];
            var current = chunks[i];
            Assert.True(current.CharStart > previous.CharStart);
            if (current.CharStart < previous.CharEnd)
            {
                overlapping++;
                var shared = doc.Units[0].Text[current.CharStart..previous.CharEnd];
                Assert.InRange(Tokens.Count(shared), 1, options.OverlapTokens + 5);
            }
        }

        Assert.True(overlapping >= chunks.Count / 2, $"only {overlapping} of {chunks.Count} chunks overlap");
    }

    [Fact]
    public void Chunk_ZeroOverlap_ChunksDoNotOverlap()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(4000, seed: 2));

        var chunks = TextChunker.Chunk(doc, new ChunkingOptions(100, 0), Tokens);

        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].CharStart >= chunks[i - 1].CharEnd);
        }
    }

    [Fact]
    public void Chunk_WholeTextCovered_EveryNonBlankCharacterIsInSomeChunk()
    {
        var text = KnowledgeDocuments.ChineseText(1500, 4) + "\n\n" + KnowledgeDocuments.EnglishText(2000, 4);
        var doc = Doc(text);

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        var covered = new bool[text.Length];
        foreach (var chunk in chunks)
        {
            Array.Fill(covered, true, chunk.CharStart, chunk.CharEnd - chunk.CharStart);
        }

        for (var i = 0; i < text.Length; i++)
        {
            Assert.True(covered[i] || char.IsWhiteSpace(text[i]), $"character {i} '{text[i]}' is in no chunk");
        }
    }

    [Fact]
    public void Chunk_LongChineseSentenceWithoutPunctuation_IsSplitWithinLimit()
    {
        var sentence = string.Concat(Enumerable.Repeat("知识库解析文档每一页都保留引用位置星辰回答问题需要准确的来源", 70))[..2000];
        var doc = Doc(sentence);

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        Assert.True(chunks.Count > 1);
        AssertWellFormed(doc, chunks, Small);
        Assert.Equal(0, chunks[0].CharStart);
        Assert.Equal(2000, chunks[^1].CharEnd);
    }

    [Fact]
    public void Chunk_HundredThousandHanCharactersWithoutPunctuation_IsSplitWithinLimitQuickly()
    {
        // One BPE "word" to cl100k: counting it whole would take quadratic time (tens of seconds).
        var text = string.Concat(Enumerable.Repeat("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏", 5000))[..100_000];
        var doc = Doc(text);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var chunks = TextChunker.Chunk(doc, new ChunkingOptions(), Tokens);
        stopwatch.Stop();

        AssertWellFormed(doc, chunks, new ChunkingOptions());
        Assert.Equal(text.Length, chunks[^1].CharEnd);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("x")]
    [InlineData("中文字符")]
    public void Chunk_FiveMiBLineWithoutSpaces_IsSplitWithinLimitInLinearTime(string filler)
    {
        // A 5 MiB line without spaces or punctuation: BPE merges a run of letters as one "word", at a cost that grows
        // with the square of the run (5–18 s before the fix). The chunker must hand the tokenizer short runs only, and
        // in total not much more text than there is.
        var line = string.Concat(Enumerable.Repeat(filler, 5 * 1024 * 1024 / filler.Length));
        var doc = Doc(line);
        var counter = new RecordingCounter(Tokens);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var chunks = TextChunker.Chunk(doc, new ChunkingOptions(), counter);

        Assert.True(counter.LongestRun <= 64, $"a run of {counter.LongestRun} characters was counted whole");
        Assert.True(counter.Characters <= 3L * line.Length, $"{counter.Characters} characters counted for {line.Length}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal(0, chunks[0].CharStart);
        Assert.Equal(line.Length, chunks[^1].CharEnd);
        Assert.All(chunks.Skip(1).Select((c, i) => (Previous: chunks[i], Chunk: c)), p => Assert.True(p.Chunk.CharStart <= p.Previous.CharEnd, "a gap between chunks"));
        Assert.All(chunks.Take(20), c => Assert.InRange(Tokens.Count(c.Text), 1, 500));
    }

    /// <summary>Counts with the real tokenizer and records how much text, and how long a run without whitespace, it was given.</summary>
    private sealed class RecordingCounter(ITokenCounter inner) : ITokenCounter
    {
        public long Characters { get; private set; }

        public int LongestRun { get; private set; }

        public int Count(ReadOnlySpan<char> text)
        {
            Characters += text.Length;
            var run = 0;
            foreach (var c in text)
            {
                run = char.IsWhiteSpace(c) ? 0 : run + 1;
                LongestRun = Math.Max(LongestRun, run);
            }

            return inner.Count(text);
        }
    }

    [Fact]
    public void Chunk_LongEnglishSentenceWithoutPunctuation_IsSplitAtWordBoundaries()
    {
        var words = KnowledgeDocuments.EnglishText(2400, 8).Replace(".", "").Replace("?", "");
        var sentence = words[..2000].TrimEnd();
        var doc = Doc(sentence);

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        Assert.True(chunks.Count > 1);
        AssertWellFormed(doc, chunks, Small);
        foreach (var chunk in chunks.SkipLast(1))
        {
            Assert.True(chunk.CharEnd == sentence.Length || char.IsWhiteSpace(sentence[chunk.CharEnd]), "a chunk ends inside a word");
        }
    }

    [Fact]
    public void Chunk_ChunksNeverCrossUnits_AndKeepPageAndHeadingPath()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(700, 1), KnowledgeDocuments.ChineseText(700, 2), "Short last page.");

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        AssertWellFormed(doc, chunks, Small);
        Assert.Equal([1, 2, 3], chunks.Select(c => c.Page!.Value).Distinct());
        Assert.Equal(["Section 3"], chunks[^1].HeadingPath);
        Assert.Equal("Short last page.", chunks[^1].Text);
    }

    [Fact]
    public void Chunk_SmallText_IsOneTrimmedChunk()
    {
        var doc = Doc("  \n Hello world. 你好世界。 \n ");

        var chunk = Assert.Single(TextChunker.Chunk(doc, new ChunkingOptions(), Tokens));

        Assert.Equal("Hello world. 你好世界。", chunk.Text);
        Assert.Equal(4, chunk.CharStart);
        var real = Tokens.Count(chunk.Text);
        Assert.InRange(chunk.Tokens, real, real + 4); // the sum over sentences (and the blank lines around them)
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t  ")]
    public void Chunk_EmptyOrBlankUnits_ReturnsNoChunks(string text) =>
        Assert.Empty(TextChunker.Chunk(Doc(text), Small, Tokens));

    [Fact]
    public void Chunk_NoUnits_ReturnsNoChunks() =>
        Assert.Empty(TextChunker.Chunk(new ParsedDocument([], 0), Small, Tokens));

    [Fact]
    public void Chunk_DefaultOptions_Give500TokenChunks()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(20_000, 6));

        var chunks = TextChunker.Chunk(doc, new ChunkingOptions(), Tokens);

        AssertWellFormed(doc, chunks, new ChunkingOptions());
        Assert.All(chunks.SkipLast(1), c => Assert.InRange(c.Tokens, 400, 500));
    }

    [Fact]
    public void Chunk_SurrogatePairs_AreNeverCut()
    {
        var text = string.Concat(Enumerable.Repeat("😀𠀀", 600));
        var doc = Doc(text);

        var chunks = TextChunker.Chunk(doc, Small, Tokens);

        AssertWellFormed(doc, chunks, Small);
        Assert.All(chunks, c => Assert.False(char.IsLowSurrogate(c.Text[0]) || char.IsHighSurrogate(c.Text[^1])));
    }

    [Theory]
    [InlineData(49, 0)]
    [InlineData(0, 0)]
    [InlineData(100, -1)]
    [InlineData(100, 50)]
    [InlineData(100, 80)]
    public void Chunk_InvalidOptions_Throw(int size, int overlap) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TextChunker.Chunk(Doc("text"), new ChunkingOptions(size, overlap), Tokens));

    [Fact]
    public void Chunk_SmallestValidOptions_Work()
    {
        var doc = Doc(KnowledgeDocuments.EnglishText(1000, 1));
        var options = new ChunkingOptions(50, 24);

        AssertWellFormed(doc, TextChunker.Chunk(doc, options, Tokens), options);
    }
}
