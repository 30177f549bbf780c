using System.Globalization;
using System.Text;

namespace StarStudio.Core.Stars;

/// <summary>What a run of a diff does to the old text.</summary>
public enum DiffOp
{
    Equal,
    Delete,
    Insert,
}

/// <summary>A maximal run of tokens with the same operation; runs alternate, and their texts concatenate to the inputs.</summary>
public sealed record DiffRun(DiffOp Op, string Text);

/// <summary>
/// A word-level diff for Chinese and English text: CJK characters are one token each, Latin words and numbers are one
/// token, every whitespace run and punctuation mark is a token of its own. Myers' O(ND) algorithm in its linear-space
/// (middle snake) form, after a sentence-level pass that confines the word-level work to the sentences that changed;
/// a work budget turns a region that is too different (a rewrite) into one deletion and one insertion, so two
/// 20,000-character personas diff in milliseconds whatever their edit distance (docs/persona-versions.md).
/// </summary>
public static class PersonaDiff
{
    /// <summary>
    /// Snake steps and diagonal visits one <see cref="Compute(string, string)"/> may spend at the word level before the
    /// rest of the work is shown as replacements; 2 M steps take a few milliseconds.
    /// </summary>
    public const long DefaultWorkBudget = 2_000_000;

    /// <summary>The runs that turn <paramref name="oldText"/> into <paramref name="newText"/>.</summary>
    public static IReadOnlyList<DiffRun> Compute(string oldText, string newText) => Compute(oldText, newText, DefaultWorkBudget);

    /// <summary>As <see cref="Compute(string, string)"/> with an explicit work budget (tests use a tiny one).</summary>
    public static IReadOnlyList<DiffRun> Compute(string oldText, string newText, long workBudget)
    {
        oldText ??= "";
        newText ??= "";
        var output = new RunBuilder();
        if (oldText == newText)
        {
            output.Add(DiffOp.Equal, oldText);
            return output.Build();
        }

        var budget = new Budget(workBudget);

        // Pass 1: sentences. Cheap (a persona has hundreds of sentences, not tens of thousands of tokens) and it keeps
        // the word-level pass away from the long unchanged stretches between edits.
        var oldSentences = Sentences(oldText);
        var newSentences = Sentences(newText);
        var interner = new Dictionary<string, int>(StringComparer.Ordinal);
        var a = Intern(oldSentences, interner);
        var b = Intern(newSentences, interner);
        var sentenceOps = new List<(DiffOp Op, int Start, int Length)>();
        Myers(a, 0, a.Length, b, 0, b.Length, sentenceOps, new Budget(long.MaxValue));

        // Pass 2: words, inside each changed region (the deletions and insertions between two equal sentences).
        var pendingOld = new StringBuilder();
        var pendingNew = new StringBuilder();
        foreach (var (op, start, length) in sentenceOps)
        {
            switch (op)
            {
                case DiffOp.Equal:
                    FlushRegion(pendingOld, pendingNew, output, budget);
                    for (var i = start; i < start + length; i++)
                    {
                        output.Add(DiffOp.Equal, oldSentences[i]);
                    }

                    break;
                case DiffOp.Delete:
                    for (var i = start; i < start + length; i++)
                    {
                        pendingOld.Append(oldSentences[i]);
                    }

                    break;
                default:
                    for (var i = start; i < start + length; i++)
                    {
                        pendingNew.Append(newSentences[i]);
                    }

                    break;
            }
        }

        FlushRegion(pendingOld, pendingNew, output, budget);
        return Cleanup(output.Build());
    }

    /// <summary>Splits a text into diff tokens (see the type's summary); the tokens concatenate to the text.</summary>
    public static List<string> Tokenize(string text)
    {
        var bounds = TokenBounds(text);
        var tokens = new List<string>(bounds.Count - 1);
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            tokens.Add(text[bounds[i]..bounds[i + 1]]);
        }

        return tokens;
    }

    /// <summary>Where each token starts, followed by the text's length (so token i is [b[i], b[i+1])).</summary>
    private static List<int> TokenBounds(string text)
    {
        var bounds = new List<int>(text.Length / 2 + 2);
        var i = 0;
        while (i < text.Length)
        {
            bounds.Add(i);
            var kind = Classify(text, i, out var width);
            i += width;
            if (kind is TokenKind.Word or TokenKind.Space)
            {
                while (i < text.Length && Classify(text, i, out var w) == kind)
                {
                    i += w;
                }
            }
        }

        bounds.Add(text.Length);
        return bounds;
    }

    /// <summary>Splits a text after sentence ends (。！？!?；; and a newline, or . followed by white space).</summary>
    internal static List<string> Sentences(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var end = c is '。' or '！' or '？' or '!' or '?' or '；' or ';' or '\n' or '…'
                      || (c == '.' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!end)
            {
                continue;
            }

            // Closing quotes and brackets belong to the sentence they close.
            while (i + 1 < text.Length && text[i + 1] is '”' or '」' or '』' or '"' or '\'' or '）' or ')')
            {
                i++;
            }

            sentences.Add(text[start..(i + 1)]);
            start = i + 1;
        }

        if (start < text.Length)
        {
            sentences.Add(text[start..]);
        }

        return sentences;
    }

    private static void FlushRegion(StringBuilder oldPart, StringBuilder newPart, RunBuilder output, Budget budget)
    {
        if (oldPart.Length == 0 && newPart.Length == 0)
        {
            return;
        }

        if (oldPart.Length == 0 || newPart.Length == 0)
        {
            output.Add(DiffOp.Delete, oldPart.ToString());
            output.Add(DiffOp.Insert, newPart.ToString());
        }
        else
        {
            // Tokens stay spans of the two strings: a 20,000-character region is 20,000 tokens, not worth as many strings.
            var oldString = oldPart.ToString();
            var newString = newPart.ToString();
            var oldBounds = TokenBounds(oldString);
            var newBounds = TokenBounds(newString);
            var interner = new Dictionary<string, int>(StringComparer.Ordinal);
            var a = Intern(oldString, oldBounds, interner);
            var b = Intern(newString, newBounds, interner);
            var ops = new List<(DiffOp Op, int Start, int Length)>();
            Myers(a, 0, a.Length, b, 0, b.Length, ops, budget);
            foreach (var (op, start, length) in ops)
            {
                var (text, bounds) = op == DiffOp.Insert ? (newString, newBounds) : (oldString, oldBounds);
                output.Add(op, text[bounds[start]..bounds[start + length]]);
            }
        }

        oldPart.Clear();
        newPart.Clear();
    }

    private static int[] Intern(string text, List<int> bounds, Dictionary<string, int> interner)
    {
        var lookup = interner.GetAlternateLookup<ReadOnlySpan<char>>();
        var ids = new int[bounds.Count - 1];
        for (var i = 0; i < ids.Length; i++)
        {
            var token = text.AsSpan(bounds[i], bounds[i + 1] - bounds[i]);
            if (!lookup.TryGetValue(token, out var id))
            {
                id = interner.Count;
                lookup[token] = id;
            }

            ids[i] = id;
        }

        return ids;
    }

    private static int[] Intern(List<string> tokens, Dictionary<string, int> interner)
    {
        var ids = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!interner.TryGetValue(tokens[i], out var id))
            {
                id = interner.Count;
                interner[tokens[i]] = id;
            }

            ids[i] = id;
        }

        return ids;
    }

    /// <summary>
    /// Myers' diff of a[aStart..aEnd) and b[bStart..bEnd) in linear space: trims the common prefix and suffix, finds
    /// the middle snake and recurses on both halves. Ops are appended in order with start indexes into a (equal,
    /// delete) or b (insert).
    /// </summary>
    private static void Myers(int[] a, int aStart, int aEnd, int[] b, int bStart, int bEnd, List<(DiffOp, int, int)> ops, Budget budget)
    {
        var prefix = 0;
        while (aStart + prefix < aEnd && bStart + prefix < bEnd && a[aStart + prefix] == b[bStart + prefix])
        {
            prefix++;
        }

        if (prefix > 0)
        {
            ops.Add((DiffOp.Equal, aStart, prefix));
            aStart += prefix;
            bStart += prefix;
        }

        var suffix = 0;
        while (aEnd - suffix > aStart && bEnd - suffix > bStart && a[aEnd - suffix - 1] == b[bEnd - suffix - 1])
        {
            suffix++;
        }

        aEnd -= suffix;
        bEnd -= suffix;

        var n = aEnd - aStart;
        var m = bEnd - bStart;
        if (n == 0 || m == 0)
        {
            if (n > 0)
            {
                ops.Add((DiffOp.Delete, aStart, n));
            }

            if (m > 0)
            {
                ops.Add((DiffOp.Insert, bStart, m));
            }
        }
        else if (MiddleSnake(a, aStart, n, b, bStart, m, budget) is var (x, y))
        {
            Myers(a, aStart, aStart + x, b, bStart, bStart + y, ops, budget);
            Myers(a, aStart + x, aEnd, b, bStart + y, bEnd, ops, budget);
        }
        else
        {
            // Out of budget: this region is shown as replaced, which is also how a reader sees a rewrite.
            ops.Add((DiffOp.Delete, aStart, n));
            ops.Add((DiffOp.Insert, bStart, m));
        }

        if (suffix > 0)
        {
            ops.Add((DiffOp.Equal, aEnd, suffix));
        }
    }

    /// <summary>
    /// The split point of the middle snake of two non-empty sequences without a common prefix or suffix (Myers 1986,
    /// §4b; the bookkeeping follows diff-match-patch's bisect), or null when the budget runs out.
    /// </summary>
    private static (int X, int Y)? MiddleSnake(int[] a, int aOff, int n, int[] b, int bOff, int m, Budget budget)
    {
        var maxD = (n + m + 1) / 2;
        var vOffset = maxD;
        var vLength = 2 * maxD + 2;
        var v1 = new int[vLength];
        var v2 = new int[vLength];
        Array.Fill(v1, -1);
        Array.Fill(v2, -1);
        v1[vOffset + 1] = 0;
        v2[vOffset + 1] = 0;
        var delta = n - m;
        var front = delta % 2 != 0;
        int k1Start = 0, k1End = 0, k2Start = 0, k2End = 0;
        for (var d = 0; d < maxD; d++)
        {
            if (!budget.Spend(2L * d + 2))
            {
                return null;
            }

            for (var k1 = -d + k1Start; k1 <= d - k1End; k1 += 2)
            {
                var k1Offset = vOffset + k1;
                var x1 = k1 == -d || (k1 != d && v1[k1Offset - 1] < v1[k1Offset + 1]) ? v1[k1Offset + 1] : v1[k1Offset - 1] + 1;
                var y1 = x1 - k1;
                var run = 0;
                while (x1 < n && y1 < m && a[aOff + x1] == b[bOff + y1])
                {
                    x1++;
                    y1++;
                    run++;
                }

                budget.Spend(run);
                v1[k1Offset] = x1;
                if (x1 > n)
                {
                    k1End += 2;
                }
                else if (y1 > m)
                {
                    k1Start += 2;
                }
                else if (front)
                {
                    var k2Offset = vOffset + delta - k1;
                    if (k2Offset >= 0 && k2Offset < vLength && v2[k2Offset] != -1 && x1 >= n - v2[k2Offset])
                    {
                        return (x1, y1);
                    }
                }
            }

            for (var k2 = -d + k2Start; k2 <= d - k2End; k2 += 2)
            {
                var k2Offset = vOffset + k2;
                var x2 = k2 == -d || (k2 != d && v2[k2Offset - 1] < v2[k2Offset + 1]) ? v2[k2Offset + 1] : v2[k2Offset - 1] + 1;
                var y2 = x2 - k2;
                var run = 0;
                while (x2 < n && y2 < m && a[aOff + n - x2 - 1] == b[bOff + m - y2 - 1])
                {
                    x2++;
                    y2++;
                    run++;
                }

                budget.Spend(run);
                v2[k2Offset] = x2;
                if (x2 > n)
                {
                    k2End += 2;
                }
                else if (y2 > m)
                {
                    k2Start += 2;
                }
                else if (!front)
                {
                    var k1Offset = vOffset + delta - k2;
                    if (k1Offset >= 0 && k1Offset < vLength && v1[k1Offset] != -1)
                    {
                        var x1 = v1[k1Offset];
                        var y1 = vOffset + x1 - k1Offset;
                        if (x1 >= n - x2)
                        {
                            return (x1, y1);
                        }
                    }
                }
            }
        }

        // Unreachable for sequences that differ, kept as the safe answer.
        return null;
    }

    /// <summary>
    /// Folds an equal run that is no longer than the changes on both sides of it into those changes (diff-match-patch's
    /// semantic cleanup, simplified): a rewritten sentence that happens to share "的" and a comma with the old one reads
    /// as one replacement, not as confetti.
    /// </summary>
    internal static IReadOnlyList<DiffRun> Cleanup(IReadOnlyList<DiffRun> runs)
    {
        var current = runs;
        for (var pass = 0; pass < 8; pass++)
        {
            var changed = false;
            var builder = new RunBuilder();
            for (var i = 0; i < current.Count; i++)
            {
                var run = current[i];
                if (run.Op == DiffOp.Equal && i > 0 && i < current.Count - 1
                    && run.Text.Length <= ChangeSize(current, i - 1, -1) && run.Text.Length <= ChangeSize(current, i + 1, +1))
                {
                    builder.Add(DiffOp.Delete, run.Text);
                    builder.Add(DiffOp.Insert, run.Text);
                    changed = true;
                }
                else
                {
                    builder.Add(run.Op, run.Text);
                }
            }

            current = builder.Build();
            if (!changed)
            {
                break;
            }
        }

        return current;
    }

    // The larger of the deleted and inserted lengths in the change group next to an equal run.
    private static int ChangeSize(IReadOnlyList<DiffRun> runs, int from, int step)
    {
        int deleted = 0, inserted = 0;
        for (var i = from; i >= 0 && i < runs.Count && runs[i].Op != DiffOp.Equal; i += step)
        {
            if (runs[i].Op == DiffOp.Delete)
            {
                deleted += runs[i].Text.Length;
            }
            else
            {
                inserted += runs[i].Text.Length;
            }
        }

        return Math.Max(deleted, inserted);
    }

    private enum TokenKind
    {
        Word,
        Space,
        Single,
    }

    private static TokenKind Classify(string text, int i, out int width)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            var rune = new Rune(c, text[i + 1]);
            // Supplementary CJK ideographs (extension B and later) are one token each, like the BMP ones; emoji too.
            return Rune.IsLetterOrDigit(rune) && !IsCjk(rune.Value) ? TokenKind.Word : TokenKind.Single;
        }

        width = 1;
        if (char.IsWhiteSpace(c))
        {
            return TokenKind.Space;
        }

        if (IsCjk(c))
        {
            return TokenKind.Single;
        }

        if (char.IsLetterOrDigit(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
        {
            return TokenKind.Word;
        }

        // An apostrophe or hyphen inside a word (don't, well-known) keeps the word whole.
        if (c is '\'' or '’' or '-' && i > 0 && i + 1 < text.Length && char.IsLetter(text[i - 1]) && char.IsLetter(text[i + 1]) && !IsCjk(text[i - 1]) && !IsCjk(text[i + 1]))
        {
            return TokenKind.Word;
        }

        return TokenKind.Single;
    }

    // Han (with extensions and compatibility ideographs), kana, Hangul, and the CJK symbol blocks: scripts written
    // without spaces, where a character is the unit an editor changes.
    private static bool IsCjk(int c) =>
        c is >= 0x2E80 and <= 0x9FFF
          or >= 0xAC00 and <= 0xD7AF
          or >= 0xF900 and <= 0xFAFF
          or >= 0xFF00 and <= 0xFFEF
          or >= 0x20000 and <= 0x3FFFF;

    private sealed class Budget(long limit)
    {
        private long spent;

        public bool Spend(long work)
        {
            spent += work;
            return spent <= limit;
        }
    }

    /// <summary>Collects runs, dropping empty ones and merging neighbours with the same operation.</summary>
    private sealed class RunBuilder
    {
        private readonly List<(DiffOp Op, StringBuilder Text)> runs = [];

        public void Add(DiffOp op, string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            // Keep each change group as its deletions followed by its insertions, so a reader sees old then new.
            if (op == DiffOp.Delete && runs.Count > 0 && runs[^1].Op == DiffOp.Insert)
            {
                if (runs.Count > 1 && runs[^2].Op == DiffOp.Delete)
                {
                    runs[^2].Text.Append(text);
                }
                else
                {
                    runs.Insert(runs.Count - 1, (DiffOp.Delete, new StringBuilder(text)));
                }

                return;
            }

            if (runs.Count > 0 && runs[^1].Op == op)
            {
                runs[^1].Text.Append(text);
            }
            else
            {
                runs.Add((op, new StringBuilder(text)));
            }
        }

        public IReadOnlyList<DiffRun> Build() => runs.Select(r => new DiffRun(r.Op, r.Text.ToString())).ToList();
    }
}
