using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>
/// The text a chunk's full-text index sees (<c>star_embeddings.search_text</c>), and the terms of a question
/// searched against it. PostgreSQL's <c>simple</c> configuration splits on spaces and punctuation, which
/// leaves a Chinese sentence as one "word"; here CJK runs become overlapping character bigrams (a lone
/// character stays a unigram), so a question and a passage that share a two-character word match.
/// </summary>
public static class SearchText
{
    /// <summary>Longer tokens are dropped: they are hashes, base64 or markup, and PostgreSQL would refuse them anyway.</summary>
    public const int MaxTokenLength = 100;

    /// <summary>Most terms a question contributes to a full-text query.</summary>
    public const int MaxQueryTerms = 64;

    /// <summary>
    /// The full-text form of <paramref name="text"/>: lowercased words of letters and digits as they are,
    /// CJK runs as overlapping bigrams, separated by single spaces.
    /// </summary>
    public static string For(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length * 2);
        foreach (var token in Tokens(text))
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(token);
        }

        return sb.ToString();
    }

    /// <summary>The tokens of <see cref="For"/>, in order, with repeats.</summary>
    public static IEnumerable<string> Tokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var word = new StringBuilder();
        var cjk = new List<Rune>();
        var i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            i += consumed;
            var kind = Classify(rune.Value);
            if (kind != CharKind.Cjk && cjk.Count > 0)
            {
                foreach (var t in CjkTokens(cjk))
                {
                    yield return t;
                }

                cjk.Clear();
            }

            if (kind != CharKind.Word && kind != CharKind.Mark && word.Length > 0)
            {
                if (word.Length <= MaxTokenLength)
                {
                    yield return word.ToString();
                }

                word.Clear();
            }

            switch (kind)
            {
                case CharKind.Cjk:
                    cjk.Add(rune);
                    break;
                case CharKind.Word:
                    AppendLower(word, rune);
                    break;
                case CharKind.Mark when word.Length > 0:
                    // A combining accent belongs to the letter before it.
                    word.Append(rune.ToString());
                    break;
            }
        }

        foreach (var t in CjkTokens(cjk))
        {
            yield return t;
        }

        if (word.Length is > 0 and <= MaxTokenLength)
        {
            yield return word.ToString();
        }
    }

    /// <summary>
    /// The distinct terms of a question to OR together in a full-text query: the tokens of <see cref="For"/>
    /// without stop words (unless nothing else is left), at most <see cref="MaxQueryTerms"/>.
    /// </summary>
    public static IReadOnlyList<string> QueryTerms(string? question)
    {
        var all = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in Tokens(question))
        {
            if (seen.Add(token))
            {
                all.Add(token);
            }
        }

        var content = all.Where(t => !StopWords.Contains(t)).ToList();
        var terms = content.Count > 0 ? content : all;
        return terms.Count > MaxQueryTerms ? terms.GetRange(0, MaxQueryTerms) : terms;
    }

    /// <summary>
    /// Words too common to tell passages apart: English function words, Chinese function characters (as lone
    /// unigrams) and the bigrams of Chinese question words. Lowercase, as <see cref="Tokens"/> produces them.
    /// </summary>
    public static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on",
        "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so",
        "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
        "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what",
        "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "的", "了", "是", "在", "和", "与", "及", "也", "而", "就", "都", "把", "被", "于", "或", "等", "这", "那",
        "吗", "呢", "吧", "啊",
        "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪里", "为何", "是否", "请问",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether every character of <paramref name="text"/> is <see cref="IsCjk(int)"/> (true for "").</summary>
    public static bool IsAllCjk(string text) => text.EnumerateRunes().All(r => IsCjk(r.Value));

    /// <summary>True for the scripts written without spaces between words: Han, kana and Hangul syllables.</summary>
    public static bool IsCjk(int codePoint) => codePoint switch
    {
        >= 0x4E00 and <= 0x9FFF => true,    // CJK unified ideographs
        >= 0x3400 and <= 0x4DBF => true,    // extension A
        >= 0x20000 and <= 0x3134F => true,  // extensions B–G
        >= 0xF900 and <= 0xFAFF => true,    // compatibility ideographs
        >= 0x3040 and <= 0x30FF => true,    // hiragana, katakana
        >= 0x31F0 and <= 0x31FF => true,    // katakana phonetic extensions
        >= 0xAC00 and <= 0xD7AF => true,    // Hangul syllables
        0x3005 or 0x3007 => true,           // 々 〇
        _ => false,
    };

    /// <summary>Full-width ASCII (Ａ, １) as its ordinary form, so that ＡＩ and AI are the same word.</summary>
    public static int FoldWidth(int codePoint) => codePoint is >= 0xFF01 and <= 0xFF5E ? codePoint - 0xFEE0 : codePoint;

    private enum CharKind
    {
        Other,
        Word,
        Mark,
        Cjk,
    }

    private static CharKind Classify(int codePoint)
    {
        codePoint = FoldWidth(codePoint);
        if (codePoint < 0x80)
        {
            return (uint)((codePoint | 0x20) - 'a') <= 'z' - 'a' || (uint)(codePoint - '0') <= 9 ? CharKind.Word : CharKind.Other;
        }

        if (IsCjk(codePoint))
        {
            return CharKind.Cjk;
        }

        return Rune.GetUnicodeCategory(new Rune(codePoint)) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber => CharKind.Word,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => CharKind.Mark,
            _ => CharKind.Other,
        };
    }

    private static void AppendLower(StringBuilder sb, Rune rune)
    {
        var folded = new Rune(FoldWidth(rune.Value));
        var lower = Rune.ToLowerInvariant(folded);
        Span<char> buffer = stackalloc char[2];
        var n = lower.EncodeToUtf16(buffer);
        sb.Append(buffer[..n]);
    }

    private static IEnumerable<string> CjkTokens(List<Rune> run)
    {
        if (run.Count == 1)
        {
            yield return run[0].ToString();
            yield break;
        }

        for (var j = 0; j + 1 < run.Count; j++)
        {
            yield return string.Concat(run[j].ToString(), run[j + 1].ToString());
        }
    }
}
