using System.Text;
using StarStudio.Core.Explore;
using StarStudio.Data.Knowledge.Expansion;

namespace StarStudio.Data.Explore;

/// <summary>
/// A star's search text and a query's search words, both by jieba (<see cref="ChineseSegmenter"/>): the index side uses
/// <see cref="ChineseSegmenter.CutForSearch"/> (long words and the words inside them), the query side
/// <see cref="ChineseSegmenter.Cut"/>, so a query word is found inside a longer indexed word. English and digits come out
/// of jieba as whole words. If jieba's files are missing the same fallback applies on both sides: each Chinese character
/// is a word (coarser, but a search still finds what it names).
/// </summary>
internal static class GallerySearchText
{
    /// <summary>Most words a query contributes (ANDed): more only narrows to nothing.</summary>
    public const int MaxQueryWords = 8;

    private static readonly Lazy<ChineseSegmenter?> Segmenter = new(() =>
    {
        try
        {
            return ChineseSegmenter.Load();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The search text of a star's public fields: distinct words separated by spaces.</summary>
    public static string For(string name, string domain, string tone, IEnumerable<string> tags, string greeting)
    {
        var text = new StringBuilder().Append(name).Append('\n').Append(domain).Append('\n').Append(tone).Append('\n')
            .AppendJoin('\n', tags).Append('\n').Append(greeting).ToString().Normalize(NormalizationForm.FormKC);
        var segmenter = Segmenter.Value;
        var tokens = segmenter is null ? Fallback(text) : segmenter.CutForSearch(text);
        return string.Join(' ', GallerySearchWords.Normalize(tokens));
    }

    /// <summary>The words of a query, at most <see cref="MaxQueryWords"/>; empty when it has no letter or digit.</summary>
    public static IReadOnlyList<string> QueryWords(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        var segmenter = Segmenter.Value;
        // NFKC first: full-width Ｈｉｓｔｏｒｙ is one word to jieba only as History.
        query = query.Normalize(NormalizationForm.FormKC);
        var tokens = segmenter is null ? Fallback(query) : segmenter.Cut(query);
        return GallerySearchWords.Normalize(tokens, MaxQueryWords);
    }

    /// <summary>Latin words and digits as runs; every other letter (Chinese) on its own.</summary>
    private static IEnumerable<string> Fallback(string text)
    {
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && Rune.IsLetterOrDigit(rune))
            {
                word.Append((char)rune.Value);
                continue;
            }

            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }

            yield return rune.ToString();
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
