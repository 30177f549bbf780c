using System.Text;

namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>
/// The pinyin bridge (docs/query-expansion.md, "The pinyin bridge"): a romanised Chinese name in an English question
/// ("Yunlan") finds the Chinese passages that write it in characters (云岚), which no dictionary translates. Each Chinese
/// bigram of a chunk is indexed, beside its characters, as the toneless syllables of its characters run together with
/// the <see cref="Marker"/> ("yunlan0"; <see cref="IndexTokens"/>); a question word that splits into two or more pinyin
/// syllables asks for the tokens of its consecutive syllable pairs (<see cref="QueryTerms"/>: "yunlan" → yunlan0,
/// "shimenzhen" → "shimen0 menzhen0", which the full-text search ANDs). The marker keeps the bridge tokens apart from
/// English words: "nine" and "china" are valid pinyin, and an English question's own words must not match 你呢 or 吃哪.
/// <para>
/// Readings come from CC-CEDICT (character → its toneless syllables, the most used first); the table is data, so this
/// class is pure and shared by the indexer, the query analyzer and the tests.
/// </para>
/// </summary>
public sealed class PinyinTable
{
    /// <summary>Ends every bridge token: no English word is letters followed by "0", and PostgreSQL's parser keeps "yunlan0" one lexeme.</summary>
    public const string Marker = "0";

    /// <summary>Readings per character indexed (a bigram gets at most their product): the common reading and one more (行 xing, hang).</summary>
    public const int ReadingsIndexed = 2;

    /// <summary>Most segmentations of one question word asked for (only words of three syllables and more can split in more than one way that matters).</summary>
    public const int MaxSegmentations = 3;

    /// <summary>Longest word tried (letters): longer ones are not names.</summary>
    public const int MaxWordLength = 24;

    private readonly Dictionary<int, string[]> readings;
    private readonly HashSet<string> syllables;
    private readonly int longestSyllable;

    /// <param name="readings">Character (code point) → toneless syllables, lowercase a–z, the most used first.</param>
    public PinyinTable(IReadOnlyDictionary<int, string[]> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        this.readings = new Dictionary<int, string[]>(readings);
        syllables = new HashSet<string>(readings.Values.SelectMany(r => r), StringComparer.Ordinal);
        longestSyllable = syllables.Count == 0 ? 0 : syllables.Max(s => s.Length);
    }

    /// <summary>How many characters have a reading.</summary>
    public int Characters => readings.Count;

    /// <summary>Whether <paramref name="syllable"/> is a pinyin syllable of some character (toneless, lowercase).</summary>
    public bool IsSyllable(string syllable) => syllables.Contains(syllable);

    /// <summary>The readings of a character, the most used first; empty when it has none.</summary>
    public IReadOnlyList<string> ReadingsOf(int codePoint) => readings.TryGetValue(codePoint, out var r) ? r : [];

    /// <summary>The bridge token of two syllables: <c>a + b + "0"</c>.</summary>
    public static string Token(string first, string second) => string.Concat(first, second, Marker);

    /// <summary>
    /// The distinct bridge tokens of <paramref name="text"/>: for every Chinese bigram of its index form
    /// (<see cref="SearchText.Tokens"/>) whose two characters have readings, the tokens of their first
    /// <see cref="ReadingsIndexed"/> readings' combinations, in order of first occurrence.
    /// </summary>
    public IEnumerable<string> IndexTokens(string? text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in SearchText.Tokens(text))
        {
            if (!TwoCharacters(token, out var first, out var second)
                || !readings.TryGetValue(first, out var a) || !readings.TryGetValue(second, out var b))
            {
                continue;
            }

            for (var i = 0; i < a.Length && i < ReadingsIndexed; i++)
            {
                for (var j = 0; j < b.Length && j < ReadingsIndexed; j++)
                {
                    var bridge = Token(a[i], b[j]);
                    if (seen.Add(bridge))
                    {
                        yield return bridge;
                    }
                }
            }
        }
    }

    /// <summary>
    /// What a chunk's full-text index holds (<c>star_embeddings.search_text</c>): <see cref="SearchText.For"/> of the text,
    /// then its distinct <see cref="IndexTokens"/>.
    /// </summary>
    public string SearchTextFor(string? text)
    {
        var baseText = SearchText.For(text);
        var sb = new StringBuilder(baseText);
        foreach (var token in IndexTokens(text))
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(token);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The ways <paramref name="word"/> (lowercase letters a–z) splits into two or more pinyin syllables, fewest syllables
    /// first, at most <see cref="MaxSegmentations"/>; empty when it does not split (most English words).
    /// </summary>
    public IReadOnlyList<string[]> Segment(string word)
    {
        var result = new List<string[]>();
        if (string.IsNullOrEmpty(word) || word.Length > MaxWordLength || word.Any(c => c is < 'a' or > 'z'))
        {
            return result;
        }

        // All splits, by depth-first search from the start; a word of 24 letters has few valid splits in practice, and
        // the count is capped well above what is kept.
        var all = new List<string[]>();
        var path = new List<string>();
        void Walk(int at)
        {
            if (all.Count >= 32)
            {
                return;
            }

            if (at == word.Length)
            {
                all.Add([.. path]);
                return;
            }

            for (var len = Math.Min(longestSyllable, word.Length - at); len >= 1; len--)
            {
                var piece = word.Substring(at, len);
                if (syllables.Contains(piece))
                {
                    path.Add(piece);
                    Walk(at + len);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        Walk(0);
        result.AddRange(all.Where(s => s.Length >= 2).OrderBy(s => s.Length).Take(MaxSegmentations));
        return result;
    }

    /// <summary>
    /// The full-text terms a romanised word asks for: per segmentation (<see cref="Segment"/>), the bridge tokens of its
    /// consecutive syllable pairs, space-separated (ANDed by the search), distinct.
    /// </summary>
    public IReadOnlyList<string> QueryTerms(string word)
    {
        var terms = new List<string>();
        foreach (var split in Segment(word))
        {
            var tokens = new List<string>(split.Length - 1);
            for (var i = 0; i + 1 < split.Length; i++)
            {
                var t = Token(split[i], split[i + 1]);
                if (!tokens.Contains(t, StringComparer.Ordinal))
                {
                    tokens.Add(t);
                }
            }

            var term = string.Join(' ', tokens);
            if (!terms.Contains(term, StringComparer.Ordinal))
            {
                terms.Add(term);
            }
        }

        return terms;
    }

    /// <summary>
    /// How a bridge term (<see cref="QueryTerms"/>) reads for a person: its syllable pairs without the marker ("yunlan0" →
    /// "yunlan", "shimen0 menzhen0" → "shimen·menzhen"); null when <paramref name="term"/> is not one.
    /// </summary>
    public static string? Spelling(string term)
    {
        if (string.IsNullOrEmpty(term))
        {
            return null;
        }

        var tokens = term.Split(' ');
        foreach (var t in tokens)
        {
            if (t.Length < 2 || !t.EndsWith(Marker, StringComparison.Ordinal) || t[..^Marker.Length].Any(c => c is < 'a' or > 'z'))
            {
                return null;
            }
        }

        return string.Join('·', tokens.Select(t => t[..^Marker.Length]));
    }

    /// <summary>
    /// A Chinese word romanised by each character's most used reading ("云岚" → "yunlan"), as English text writes a name;
    /// null when a character has no reading or the word is not all Chinese characters.
    /// </summary>
    public string? Romanise(string word)
    {
        if (string.IsNullOrEmpty(word))
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (!readings.TryGetValue(rune.Value, out var r) || r.Length == 0)
            {
                return null;
            }

            sb.Append(r[0]);
        }

        return sb.ToString();
    }

    private static bool TwoCharacters(string token, out int first, out int second)
    {
        first = second = 0;
        var n = 0;
        foreach (var rune in token.EnumerateRunes())
        {
            if (n == 0)
            {
                first = rune.Value;
            }
            else if (n == 1)
            {
                second = rune.Value;
            }

            n++;
        }

        return n == 2 && SearchText.IsCjk(first) && SearchText.IsCjk(second);
    }
}
