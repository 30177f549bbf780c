namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>Where a search term came from.</summary>
public enum TermOrigin
{
    /// <summary>A word of the question itself (a Chinese question's words as its segmenter found them).</summary>
    Question,

    /// <summary>A translation of a question word into the other language (bilingual dictionary).</summary>
    Translation,

    /// <summary>A synonym of a question word in its own language.</summary>
    Synonym,

    /// <summary>Another form of a question word (plural, tense).</summary>
    Inflection,
}

/// <summary>
/// One full-text term: <see cref="Text"/> is in the form the index stores (<see cref="SearchText.For"/>: lowercase
/// words, a CJK word as its space-separated bigrams, which the search ANDs), <see cref="Weight"/> ≤ 1 (expansions
/// weigh less than the question's own words), <see cref="From"/> the question word an expansion came from.
/// </summary>
public sealed record QueryTerm(string Text, TermOrigin Origin, double Weight = 1.0, string? From = null)
{
    public bool IsExpansion => Origin != TermOrigin.Question;

    /// <summary>
    /// A name's other spelling: the pinyin bridge's syllables of a romanised word ("Yunlan" → yunlan0) or a Chinese name's
    /// romanisation (云岚 → yunlan). A name tells which document a question is about rather than which passage, so coverage
    /// lends its match to the other passages of the document that says it (<c>RetrievalOptions.CoverageDocumentWeight</c>).
    /// </summary>
    public bool Name { get; init; }
}

/// <summary>
/// How a question was read: its language (<see cref="TextLanguage"/>), its own terms and its expansions, and the text a
/// semantic (English) model should embed for it (the question when it is English, else its English translations; null
/// when there is nothing English to embed).
/// </summary>
public sealed record QueryAnalysis(string Language, IReadOnlyList<QueryTerm> Terms, string? SemanticText = null)
{
    public IReadOnlyList<QueryTerm> Original => [.. Terms.Where(t => !t.IsExpansion)];

    public IReadOnlyList<QueryTerm> Expansions => [.. Terms.Where(t => t.IsExpansion)];

    public static QueryAnalysis Empty { get; } = new(TextLanguage.Other, []);
}

/// <summary>Reads a question into search terms, with expansions when <paramref name="expand"/> is true.</summary>
public interface IQueryAnalyzer
{
    QueryAnalysis Analyze(string question, bool expand = true);
}

/// <summary>
/// The analyzer with no dictionaries: the question's own tokens (<see cref="SearchText.QueryTerms"/>: words, CJK
/// bigrams), no expansions; the question itself as semantic text when it is English.
/// </summary>
public sealed class BasicQueryAnalyzer : IQueryAnalyzer
{
    public QueryAnalysis Analyze(string question, bool expand = true)
    {
        var language = TextLanguage.Detect(question);
        var terms = SearchText.QueryTerms(question).Select(t => new QueryTerm(t, TermOrigin.Question)).ToList();
        return new QueryAnalysis(language, terms, language == TextLanguage.English ? question : null);
    }
}

/// <summary>The language of a question or chunk, by script: Chinese (CJK characters), English (Latin letters), mixed or other.</summary>
public static class TextLanguage
{
    public const string Chinese = "zh";
    public const string English = "en";
    public const string Mixed = "mixed";
    public const string Other = "other";

    /// <summary>
    /// <see cref="Chinese"/> when CJK characters are at least 70 % of the letters (a CJK character counts as one, a
    /// Latin word as one), <see cref="English"/> when Latin words are, <see cref="Mixed"/> otherwise, <see cref="Other"/>
    /// with neither.
    /// </summary>
    public static string Detect(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Other;
        }

        int cjk = 0, latinWords = 0;
        var inWord = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var v = SearchText.FoldWidth(rune.Value);
            if (SearchText.IsCjk(v))
            {
                cjk++;
                inWord = false;
            }
            else if (v < 0x250 && System.Text.Rune.IsLetter(new System.Text.Rune(v)))
            {
                if (!inWord)
                {
                    latinWords++;
                }

                inWord = true;
            }
            else
            {
                inWord = false;
            }
        }

        var total = cjk + latinWords;
        if (total == 0)
        {
            return Other;
        }

        if (cjk >= 0.7 * total)
        {
            return Chinese;
        }

        return latinWords >= 0.7 * total ? English : Mixed;
    }
}
