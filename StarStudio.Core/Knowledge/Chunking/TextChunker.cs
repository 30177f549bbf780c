using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Core.Knowledge.Chunking;

/// <summary>
/// Cuts a parsed document into chunks of at most <see cref="ChunkingOptions.ChunkSizeTokens"/> tokens, sentence by
/// sentence, with about <see cref="ChunkingOptions.OverlapTokens"/> tokens of overlap between neighbours.
/// </summary>
/// <remarks>
/// <para>Chunks never cross units, so each keeps its unit's page and heading path. A chunk is trimmed of surrounding
/// whitespace and <c>unit.Text[CharStart..CharEnd] == chunk.Text</c> holds exactly; whitespace-only chunks are dropped;
/// <see cref="TextChunk.Seq"/> runs from 0 across the document.</para>
/// <para>Each sentence is counted once; a chunk's <see cref="TextChunk.Tokens"/> is the sum over its sentences (plus the
/// counted overlap tail), which is what the limit is checked against. A sentence longer than the limit is cut into
/// pieces proportionally by characters (at whitespace when there is some), each piece counted and shrunk until it fits.
/// The overlap is made of whole trailing sentences of the previous chunk when they fit the overlap budget, otherwise
/// of a character tail of its last sentence.</para>
/// </remarks>
public static class TextChunker
{
    /// <summary>The smallest chunk size accepted.</summary>
    public const int MinChunkSizeTokens = 50;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless size ≥ 50 and 0 ≤ overlap &lt; size / 2.</summary>
    public static void Validate(ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSizeTokens < MinChunkSizeTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSizeTokens, $"ChunkSizeTokens must be at least {MinChunkSizeTokens}.");
        }

        if (options.OverlapTokens < 0 || options.OverlapTokens * 2 >= options.ChunkSizeTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OverlapTokens, "OverlapTokens must be at least 0 and less than half of ChunkSizeTokens.");
        }
    }

    /// <summary>The chunks of <paramref name="doc"/>, in document order.</summary>
    public static IReadOnlyList<TextChunk> Chunk(ParsedDocument doc, ChunkingOptions options, ITokenCounter tokens)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(tokens);
        Validate(options);

        var chunks = new List<TextChunk>();
        var sentences = new List<SentenceSpan>();
        var pieces = new List<Piece>();
        foreach (var unit in doc.Units)
        {
            if (string.IsNullOrEmpty(unit.Text))
            {
                continue;
            }

            sentences.Clear();
            pieces.Clear();
            SentenceSplitter.Split(unit.Text, sentences);
            BuildPieces(unit.Text, sentences, options.ChunkSizeTokens, tokens, pieces);
            Pack(unit, pieces, options, tokens, chunks);
        }

        return chunks;
    }

    /// <summary>A counted stretch of a unit's text: a sentence, or a part of a sentence too long for one chunk.</summary>
    private readonly record struct Piece(int Start, int End, int Tokens)
    {
        public int Length => End - Start;
    }

    /// <summary>Sentences longer than this many characters per token of the limit are not counted whole: a long run of
    /// letters without spaces or punctuation (classical Chinese) is one BPE word, and counting it costs quadratic time.</summary>
    private const int MaxCharsPerLimitTokenToCountWhole = 2;

    private const double MaxCharsPerTokenEstimate = 8;

    private static void BuildPieces(string text, List<SentenceSpan> sentences, int limit, ITokenCounter tokens, List<Piece> pieces)
    {
        foreach (var sentence in sentences)
        {
            if (sentence.Length > limit * MaxCharsPerLimitTokenToCountWhole)
            {
                SplitLongSentence(text, sentence, charsPerToken: 1.0, limit, tokens, pieces);
                continue;
            }

            // Spaces after a sentence go with the next word's token (" the"), so they are not counted here.
            var count = Count(tokens, text.AsSpan(sentence.Start, sentence.Length).TrimEnd(' '));
            if (count <= limit)
            {
                pieces.Add(new Piece(sentence.Start, sentence.End, count));
            }
            else
            {
                SplitLongSentence(text, sentence, (double)sentence.Length / count, limit, tokens, pieces);
            }
        }
    }

    /// <summary>Cuts a sentence too long for one chunk into pieces that fit, by characters: each piece is sized from the
    /// characters per token seen so far, counted, and shrunk until it fits.</summary>
    private static void SplitLongSentence(string text, SentenceSpan sentence, double charsPerToken, int limit, ITokenCounter tokens, List<Piece> pieces)
    {
        var pos = sentence.Start;
        while (pos < sentence.End)
        {
            var target = Math.Max(1, (int)(limit * charsPerToken * 0.95));
            while (true)
            {
                var cut = pos + target >= sentence.End ? sentence.End : SnapCut(text, pos, pos + target);
                var pieceTokens = Count(tokens, text.AsSpan(pos, cut - pos));
                if (pieceTokens <= limit || cut - pos <= 1)
                {
                    pieces.Add(new Piece(pos, cut, pieceTokens));
                    if (pieceTokens > 0 && cut < sentence.End)
                    {
                        // Capped: a window is counted as one BPE word at worst, and that cost grows with its square.
                        charsPerToken = Math.Min((double)(cut - pos) / pieceTokens, MaxCharsPerTokenEstimate);
                    }

                    pos = cut;
                    break;
                }

                target = Math.Max(1, Math.Min(cut - pos - 1, (int)((cut - pos) * (double)limit / pieceTokens * 0.95)));
            }
        }
    }

    /// <summary>Moves a cut back to just after whitespace when there is some in the last fifth of the piece, and never between a surrogate pair.</summary>
    private static int SnapCut(string text, int pos, int cut)
    {
        var floor = cut - ((cut - pos) / 5);
        for (var i = cut; i > floor; i--)
        {
            if (char.IsWhiteSpace(text[i - 1]))
            {
                return i;
            }
        }

        if (cut > pos + 1 && char.IsLowSurrogate(text[cut]) && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return cut;
    }

    private static void Pack(DocumentUnit unit, List<Piece> pieces, ChunkingOptions options, ITokenCounter tokens, List<TextChunk> chunks)
    {
        var text = unit.Text;
        var limit = options.ChunkSizeTokens;
        var overlap = options.OverlapTokens;

        // The chunk being built starts at `start` with `prefixTokens` of overlap, then takes pieces from `i` on.
        var i = 0;
        var start = pieces.Count > 0 ? pieces[0].Start : 0;
        var prefixTokens = 0;
        while (i < pieces.Count)
        {
            var j = i;
            var sum = prefixTokens;
            while (j < pieces.Count && sum + pieces[j].Tokens <= limit)
            {
                sum += pieces[j].Tokens;
                j++;
            }

            if (j == i)
            {
                if (prefixTokens > 0)
                {
                    // The overlap does not leave room for the next piece: start afresh without it.
                    start = pieces[i].Start;
                    prefixTokens = 0;
                    continue;
                }

                // Only a counter that disagrees with itself gets here; take the piece alone rather than loop.
                sum = pieces[i].Tokens;
                j = i + 1;
            }

            Emit(unit, text, start, pieces[j - 1].End, sum, chunks);
            if (j == pieces.Count)
            {
                break;
            }

            (start, prefixTokens) = Overlap(text, pieces, i, j, overlap, limit, tokens);
            i = j;
        }
    }

    /// <summary>Where the chunk after pieces <c>[first, next)</c> starts, and the tokens it carries over.</summary>
    private static (int Start, int Tokens) Overlap(string text, List<Piece> pieces, int first, int next, int overlap, int limit, ITokenCounter tokens)
    {
        var room = Math.Min(overlap, limit - pieces[next].Tokens);
        if (room <= 0)
        {
            return (pieces[next].Start, 0);
        }

        // Whole trailing sentences of the previous chunk.
        var k = next;
        var carried = 0;
        while (k - 1 >= first && carried + pieces[k - 1].Tokens <= room)
        {
            carried += pieces[k - 1].Tokens;
            k--;
        }

        if (k < next && HasText(text, pieces[k].Start, pieces[next - 1].End))
        {
            return (pieces[k].Start, carried);
        }

        // Otherwise a tail of the last piece, about `room` tokens long.
        var last = pieces[next - 1];
        if (last.Tokens <= 0)
        {
            return (pieces[next].Start, 0);
        }

        var tailChars = (int)((long)last.Length * room / last.Tokens);
        var tailStart = last.End - tailChars;
        while (tailStart < last.End)
        {
            tailStart = SnapTailStart(text, tailStart, last.End);
            var tailTokens = Count(tokens, text.AsSpan(tailStart, last.End - tailStart));
            if (tailTokens <= room)
            {
                return HasText(text, tailStart, last.End) ? (tailStart, tailTokens) : (pieces[next].Start, 0);
            }

            tailStart += Math.Max(1, (last.End - tailStart) / 4);
        }

        return (pieces[next].Start, 0);
    }

    /// <summary>Moves the start of an overlap tail forward to a word start when there is whitespace close by, and never into a surrogate pair.</summary>
    private static int SnapTailStart(string text, int tailStart, int end)
    {
        var ceiling = tailStart + ((end - tailStart) / 5);
        for (var i = tailStart; i < ceiling; i++)
        {
            if (i > 0 && char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        if (tailStart > 0 && tailStart < end && char.IsLowSurrogate(text[tailStart]))
        {
            tailStart++;
        }

        return tailStart;
    }

    /// <summary>Runs without whitespace longer than this are counted in windows of this many characters.</summary>
    private const int MaxCountedRun = 32;

    /// <summary>The token count, with runs of non-whitespace longer than <see cref="MaxCountedRun"/> counted window by
    /// window: BPE merges within one pre-tokenized "word", and its cost grows with the square of the word's length (a
    /// 5 MiB line without spaces took seconds per chunk). Cutting a word can only stop merges, so the sum is never
    /// below the true count: a chunk that fits by this count fits. Text without such runs is counted exactly as before.</summary>
    private static int Count(ITokenCounter tokens, ReadOnlySpan<char> text)
    {
        if (text.Length <= MaxCountedRun)
        {
            return tokens.Count(text);
        }

        var total = 0;
        var start = 0;
        var runStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                runStart = i + 1;
            }
            else if (i - runStart >= MaxCountedRun && !char.IsLowSurrogate(text[i]))
            {
                total += tokens.Count(text[start..i]);
                start = i;
                runStart = i;
            }
        }

        return total + tokens.Count(text[start..]);
    }

    private static bool HasText(string text, int start, int end) => !text.AsSpan(start, end - start).IsWhiteSpace();

    private static void Emit(DocumentUnit unit, string text, int start, int end, int tokenCount, List<TextChunk> chunks)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            return;
        }

        chunks.Add(new TextChunk(chunks.Count, text[start..end], unit.Page, unit.HeadingPath, start, end, tokenCount));
    }
}
