using System.Text;

namespace StarStudio.Core.Explore;

/// <summary>
/// The words of the gallery's full-text search, from a segmenter's tokens (jieba for Chinese, see docs/explore.md): only
/// tokens made of letters and digits survive (punctuation, operators, SQL and regex metacharacters are dropped, so nothing
/// a user types reaches a query as syntax), lowercased, full-width folded, distinct, in order.
/// </summary>
public static class GallerySearchWords
{
    /// <summary>Longer tokens are dropped (hashes, base64); PostgreSQL refuses words over 2,047 bytes anyway.</summary>
    public const int MaxWordLength = 60;

    /// <summary>The normalized, distinct words of <paramref name="tokens"/>, at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> tokens, int max = int.MaxValue)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (words.Count >= max)
            {
                break;
            }

            var word = Word(token);
            if (word is not null && seen.Add(word))
            {
                words.Add(word);
            }
        }

        return words;
    }

    /// <summary>The token as a search word, or null when it holds anything but letters, digits and combining marks.</summary>
    public static string? Word(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        var sb = new StringBuilder(token.Length);
        var hasLetterOrDigit = false;
        foreach (var rune in token.Trim().EnumerateRunes())
        {
            var folded = new Rune(Knowledge.Retrieval.SearchText.FoldWidth(rune.Value));
            if (Rune.IsLetterOrDigit(folded))
            {
                hasLetterOrDigit = true;
                sb.Append(Rune.ToLowerInvariant(folded).ToString());
            }
            else if (Rune.GetUnicodeCategory(folded) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)
            {
                sb.Append(folded.ToString());
            }
            else
            {
                return null;
            }
        }

        return hasLetterOrDigit && sb.Length <= MaxWordLength ? sb.ToString() : null;
    }

    /// <summary>True for a word written in Latin letters and digits only: the search matches it as a prefix (teach finds teacher).</summary>
    public static bool IsLatin(string word) => word.All(c => char.IsAsciiLetterOrDigit(c));
}
