using System.Collections.Frozen;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>How long the dictionaries took to load and how much memory they hold (measured once, at load).</summary>
public sealed record ExpansionLoadStats(TimeSpan Dictionaries, TimeSpan Segmenter, long RetainedBytes);

/// <summary>
/// Reads a question into full-text terms with dictionary expansions (docs/query-expansion.md): a Chinese question is
/// segmented into words by jieba (each searched as its bigrams, which the search ANDs: a word match), English words are
/// kept as words; stop words and question words are dropped. Expansions, weighted below the question's own words and
/// capped: translations both ways through CC-CEDICT, English synonyms from WordNet (and Chinese ones through a shared
/// English gloss), and English inflections (the index does not stem). Its <see cref="QueryAnalysis.SemanticText"/> is
/// the question when English, else the English translations of its words.
/// <para>
/// A singleton: the dictionaries load once, on the first question or <see cref="WarmUp"/>, and are read-only afterwards,
/// so any number of threads analyse at once. When they cannot be loaded (jieba's files missing from a publish), the error
/// is logged and questions are read as <see cref="BasicQueryAnalyzer"/> reads them, without expansions.
/// </para>
/// </summary>
public sealed class DictionaryQueryAnalyzer : IQueryAnalyzer
{
    /// <summary>
    /// A translation or synonym is one sense of an ambiguous word (CC-CEDICT and WordNet list every sense; only the first
    /// ones are taken, and they are still often not the question's), so it weighs half of a question word.
    /// </summary>
    public const double TranslationWeight = 0.5;

    /// <inheritdoc cref="TranslationWeight"/>
    public const double SynonymWeight = 0.5;

    /// <summary>Another form of the question's own word is nearly always the same meaning: only the stemming the index lacks.</summary>
    public const double InflectionWeight = 0.8;

    /// <summary>An inflection of a translation (the plural of "panda" for 熊猫): a translation's uncertainty, somewhat less again.</summary>
    public const double TranslationFormWeight = TranslationWeight * InflectionWeight;

    /// <summary>Most expansions a question gets: the search ORs them, and each adds matches to rank, mostly weaker ones.</summary>
    public const int MaxExpansions = 24;

    public const int MaxTranslationsPerWord = 2;

    public const int MaxSynonymsPerWord = 2;

    public const int MaxInflectionsPerWord = 3;

    /// <summary>Question words and function words beyond <see cref="SearchText.StopWords"/>, as jieba cuts them.</summary>
    internal static readonly FrozenSet<string> ChineseStopWords = new[]
    {
        "为什么", "什么样", "什么时候", "怎么样", "多少", "几", "谁", "哪", "哪儿", "哪一个", "哪种", "何时", "何处", "何",
        "吗", "呢", "么", "嘛", "呀", "哦", "有", "没有", "一个", "一种", "一些", "我", "你", "他", "她", "它", "我们", "你们",
        "他们", "她们", "它们", "能", "能够", "会", "可以", "可能", "要", "需要", "应该", "让", "对", "请", "告诉", "介绍", "一下",
        "之", "其", "又", "还", "到", "从", "给", "用", "个", "种", "些", "很", "最", "得", "地", "着", "过", "来", "去", "说",
        "做", "叫", "以及", "如果", "因为", "所以", "但是", "然后", "时候", "主要", "通常", "一般", "哪里", "为", "以", "中",
        "上", "下", "里", "多", "大", "小", "吧", "啊", "呢", "是", "的", "了", "在", "和", "与", "及", "也", "而", "就", "都",
        "把", "被", "于", "或", "等", "这", "那", "这个", "那个", "这些", "那些", "这样", "那样", "多长", "多大", "多高", "多远",
        "多久", "多重", "多少次", "哪些", "哪个", "什么", "怎么", "怎样", "如何", "为何", "是否", "请问",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>English words of questions that say nothing of the subject, beyond <see cref="SearchText.StopWords"/>.</summary>
    internal static readonly FrozenSet<string> EnglishStopWords = new[]
    {
        "many", "much", "whose", "please", "tell", "explain", "describe", "does", "did", "kind", "sort", "us", "let",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly Lazy<Loaded?> loaded;
    private readonly ILogger logger;
    private readonly BasicQueryAnalyzer basic = new();

    /// <param name="jiebaDirectory">Where jieba's files are (default: <c>jieba/</c> next to the app).</param>
    public DictionaryQueryAnalyzer(ILogger<DictionaryQueryAnalyzer>? logger = null, string? jiebaDirectory = null)
    {
        this.logger = logger ?? NullLogger<DictionaryQueryAnalyzer>.Instance;
        loaded = new Lazy<Loaded?>(() => Load(jiebaDirectory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The load's time and memory, once loaded; null before, or when it failed.</summary>
    public ExpansionLoadStats? LoadStats => loaded.IsValueCreated ? loaded.Value?.Stats : null;

    /// <summary>Loads the dictionaries now (so the first question does not wait); true when they loaded.</summary>
    public bool WarmUp() => loaded.Value is not null;

    public QueryAnalysis Analyze(string question, bool expand = true)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            return QueryAnalysis.Empty;
        }

        var state = loaded.Value;
        if (state is null)
        {
            return basic.Analyze(question, expand);
        }

        var language = TextLanguage.Detect(question);
        var words = Read(state, question);
        var terms = OriginalTerms(words, question, language);
        if (expand)
        {
            AddExpansions(state, words, terms, NumberExpansions(question, language));
        }

        return new QueryAnalysis(language, terms, SemanticText(state, language, question, words));
    }

    /// <summary>
    /// A word of the question: its text (lowercase for English), whether it is Chinese, a stop word, or an acronym (written
    /// in capitals: "RAG" is not a rag, so it is searched as it is, without expansions).
    /// </summary>
    internal readonly record struct Word(string Text, bool Chinese, bool Stop, bool Acronym = false, bool Capitalised = false);

    internal static List<Word> Read(Loaded state, string question)
    {
        var words = new List<Word>();
        var hasCjk = question.EnumerateRunes().Any(r => SearchText.IsCjk(r.Value));
        var pieces = hasCjk ? state.Segmenter.Cut(question) : [question];
        foreach (var piece in pieces)
        {
            if (piece.Length > 0 && SearchText.IsAllCjk(piece))
            {
                words.Add(new Word(piece, true, SearchText.StopWords.Contains(piece) || ChineseStopWords.Contains(piece)));
                continue;
            }

            foreach (var (token, acronym, capitalised) in Tokens(piece))
            {
                // SearchText splits a CJK run that jieba left inside a mixed token into bigrams; keep those as Chinese.
                var chinese = SearchText.IsAllCjk(token);
                var stop = SearchText.StopWords.Contains(token) || EnglishStopWords.Contains(token) || ChineseStopWords.Contains(token);
                words.Add(new Word(token, chinese, stop, acronym && !stop, capitalised && !acronym));
            }
        }

        return words;
    }

    /// <summary>
    /// The tokens of <see cref="SearchText.Tokens"/>, each marked when the text wrote it in two or more capitals (an acronym)
    /// or with a capital first letter (a name, or the first word of a sentence).
    /// </summary>
    private static IEnumerable<(string Token, bool Acronym, bool Capitalised)> Tokens(string piece)
    {
        var start = 0;
        foreach (var token in SearchText.Tokens(piece))
        {
            // Tokens come in order and lowercase only changes case, so each is found from where the last one ended.
            var at = piece.IndexOf(token, start, StringComparison.OrdinalIgnoreCase);
            var acronym = false;
            var capitalised = false;
            if (at >= 0)
            {
                var surface = piece.AsSpan(at, token.Length);
                acronym = surface.Length >= 2 && !surface.ContainsAnyInRange('a', 'z') && surface.ContainsAnyInRange('A', 'Z');
                capitalised = surface.Length > 0 && char.IsAsciiLetterUpper(surface[0]);
                start = at + token.Length;
            }

            yield return (token, acronym, capitalised);
        }
    }

    /// <summary>
    /// The question's own terms: each content word (a Chinese one as its bigrams). A one-character Chinese word cannot
    /// match by itself (the index holds a Chinese run as bigrams), so it is searched as the bigram it forms with a
    /// neighbouring one-character content word ("吃" "鱼" → 吃鱼); next to a longer word it is left to its translations
    /// (猫 + 喜欢 would make 猫喜, which says nothing). A question of stop words alone falls back to all its tokens.
    /// In a Chinese question (<paramref name="language"/>), a word written in Latin letters ("Lanternfall", "Marrow Hill")
    /// is a name (<see cref="QueryTerm.Name"/>): a Chinese sentence borrows a Latin word for a proper noun — a game, a
    /// place, a brand — which tells the document rather than the passage. (An English question that quotes Chinese in
    /// brackets is not Chinese, and its words stay words; the Chinese it quotes is the name, asked for whole.)
    /// </summary>
    private static List<QueryTerm> OriginalTerms(List<Word> words, string question, string language)
    {
        var terms = new List<QueryTerm>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chineseQuestion = language == TextLanguage.Chinese;
        void Add(string text, bool name = false)
        {
            if (text.Length > 0 && terms.Count < SearchText.MaxQueryTerms && seen.Add(text))
            {
                terms.Add(new QueryTerm(text, TermOrigin.Question) { Name = name });
            }
            else if (name && terms.FindIndex(t => t.Text == text) is >= 0 and var at)
            {
                terms[at] = terms[at] with { Name = true }; // a quoted name the segmenter kept whole (澄湖)
            }
        }

        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (w.Stop)
            {
                continue;
            }

            if (!w.Chinese)
            {
                Add(w.Text, chineseQuestion && w.Text.Length >= 2 && w.Text.All(char.IsAsciiLetter));
            }
            else if (w.Text.Length >= 2)
            {
                Add(SearchText.For(w.Text));
            }
            else
            {
                if (i > 0 && words[i - 1] is { Chinese: true, Stop: false, Text.Length: 1 } before)
                {
                    Add(string.Concat(before.Text, w.Text));
                }

                if (i + 1 < words.Count && words[i + 1] is { Chinese: true, Stop: false, Text.Length: 1 } after)
                {
                    Add(string.Concat(w.Text, after.Text));
                }
            }
        }

        if (!chineseQuestion)
        {
            // A Chinese run quoted in a question in another language ("Star Harbour Guild (星港商会)") is a name: asked for
            // whole (its bigrams ANDed), beside the words the segmenter cut it into, and lent to its document.
            foreach (var run in CjkRuns(question))
            {
                Add(SearchText.For(run), name: true);
            }
        }

        if (terms.Count == 0)
        {
            foreach (var t in SearchText.QueryTerms(question))
            {
                Add(t);
            }
        }

        return terms;
    }

    /// <summary>The runs of two or more CJK characters in <paramref name="text"/>.</summary>
    private static IEnumerable<string> CjkRuns(string text)
    {
        var run = new StringBuilder();
        var characters = 0;
        foreach (var rune in text.EnumerateRunes().Append(new Rune(' ')))
        {
            if (SearchText.IsCjk(rune.Value))
            {
                run.Append(rune.ToString());
                characters++;
                continue;
            }

            if (characters >= 2)
            {
                yield return run.ToString();
            }

            run.Clear();
            characters = 0;
        }
    }

    private static void AddExpansions(Loaded state, List<Word> words, List<QueryTerm> terms, List<QueryTerm> numbers)
    {
        var taken = new HashSet<string>(terms.Select(t => t.Text), StringComparer.Ordinal);
        var perWord = new List<List<QueryTerm>>();
        if (numbers.Count > 0)
        {
            perWord.Add(numbers);
        }

        var phraseWords = new HashSet<int>();

        // English phrases either dictionary knows as one entry ("milky way"), longest first: translated and given synonyms
        // as a whole; their words then only get their other forms ("milky" alone would bring "whitish").
        for (var i = 0; i < words.Count; i++)
        {
            for (var n = 3; n >= 2; n--)
            {
                if (i + n > words.Count || words.Skip(i).Take(n).Any(w => w.Chinese || w.Acronym || w.Stop))
                {
                    continue;
                }

                var phrase = string.Join(' ', words.Skip(i).Take(n).Select(w => w.Text));
                var list = new List<QueryTerm>();
                AddChinese(state, phrase, phrase, list);
                if (state.Dictionaries.WordNet.TryGetValue(phrase, out var entry))
                {
                    list.AddRange(entry.Synonyms.Take(MaxSynonymsPerWord).Select(s => new QueryTerm(s, TermOrigin.Synonym, SynonymWeight, phrase)));
                }

                if (list.Count > 0)
                {
                    perWord.Add(list);
                    for (var k = i; k < i + n; k++)
                    {
                        phraseWords.Add(k);
                    }

                    break;
                }
            }
        }

        // Chinese compounds jieba cut in two (事件 + 视界) that CC-CEDICT knows whole (事件视界, "event horizon"): their
        // translations come first; the parts keep their own.
        for (var i = 0; i < words.Count; i++)
        {
            for (var n = 3; n >= 2; n--)
            {
                if (i + n > words.Count || words.Skip(i).Take(n).Any(w => !w.Chinese || w.Stop))
                {
                    continue;
                }

                var compound = string.Concat(words.Skip(i).Take(n).Select(w => w.Text));
                if (state.Dictionaries.ChineseToEnglish.ContainsKey(compound))
                {
                    perWord.Add(ChineseExpansions(state, compound));
                    break;
                }
            }
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (w.Stop || w.Acronym || !done.Add(w.Text))
            {
                continue;
            }

            var list = w.Chinese ? ChineseExpansions(state, w.Text) : EnglishExpansions(state, w.Text, formsOnly: phraseWords.Contains(i));
            if (w.Chinese && list.Count == 0)
            {
                // A word CC-CEDICT does not know whole (喝咖啡, "drink coffee") is translated by the words it is made of: ways
                // to say the word (its concept), not words of their own.
                perWord.AddRange(KnownParts(state, w.Text)
                    .Select(part => ChineseExpansions(state, part).Select(t => t with { From = w.Text }).ToList())
                    .Where(l => l.Count > 0));
            }

            if (!w.Chinese)
            {
                // A romanised name goes first: such a word has nothing else to offer (no translation, usually no other form).
                list.InsertRange(0, PinyinExpansions(state, w));
            }

            if (list.Count > 0)
            {
                perWord.Add(list);
            }
        }

        perWord.AddRange(PinyinRuns(state, words));
        perWord.AddRange(RomanisedRuns(state, words));

        // Round robin over the words, so that no word takes every slot.
        var added = 0;
        for (var round = 0; added < MaxExpansions; round++)
        {
            var any = false;
            foreach (var list in perWord)
            {
                if (round >= list.Count)
                {
                    continue;
                }

                any = true;
                if (added < MaxExpansions && taken.Add(list[round].Text))
                {
                    terms.Add(list[round]);
                    added++;
                }
            }

            if (!any)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The pinyin bridge for an English word (docs/query-expansion.md): a word the dictionaries cannot translate that is
    /// written with a capital or is no English word WordNet knows, and that splits into two or more pinyin syllables
    /// ("Yunlan" → yun lan), is asked for as the bridge tokens of its syllables (<see cref="PinyinTable.QueryTerms"/>), a
    /// translation: it finds the Chinese passages that write the name in characters.
    /// </summary>
    internal static List<QueryTerm> PinyinExpansions(Loaded state, Word w)
    {
        if (!IsRomanisedName(state, w))
        {
            return [];
        }

        return [.. state.Pinyin.QueryTerms(w.Text).Select(t => new QueryTerm(t, TermOrigin.Translation, TranslationWeight, w.Text) { Name = true })];
    }

    private static bool IsRomanisedName(Loaded state, Word w)
    {
        if (w.Chinese || w.Stop || w.Acronym || w.Text.Length < 3 || w.Text.Any(c => c is < 'a' or > 'z'))
        {
            return false;
        }

        var dictionaries = state.Dictionaries;
        var lemma = state.Morphology.BasesOf(w.Text).FirstOrDefault() ?? w.Text;
        if (dictionaries.EnglishToChinese.ContainsKey(w.Text) || dictionaries.EnglishToChinese.ContainsKey(lemma))
        {
            return false; // a word the dictionary translates is an English word (China → 中国)
        }

        return w.Capitalised || !(dictionaries.WordNet.ContainsKey(w.Text) || dictionaries.WordNet.ContainsKey(lemma));
    }

    /// <summary>
    /// A name written as several capitalised words, at least one of them a single syllable ("Lin Zhaoye", "Li Bai"): the
    /// run's syllables together, as a concept of its own (the one-syllable word alone asks for nothing).
    /// </summary>
    private static IEnumerable<List<QueryTerm>> PinyinRuns(Loaded state, List<Word> words)
    {
        var i = 0;
        while (i < words.Count)
        {
            var j = i;
            while (j < words.Count && words[j] is { Chinese: false, Stop: false, Acronym: false, Capitalised: true } w
                && w.Text.All(c => c is >= 'a' and <= 'z') && (state.Pinyin.IsSyllable(w.Text) || state.Pinyin.Segment(w.Text).Count > 0)
                && !state.Dictionaries.EnglishToChinese.ContainsKey(w.Text))
            {
                j++;
            }

            if (j - i >= 2 && words.Skip(i).Take(j - i).Any(w => state.Pinyin.IsSyllable(w.Text)))
            {
                var phrase = string.Join(' ', words.Skip(i).Take(j - i).Select(w => w.Text));
                var joined = string.Concat(words.Skip(i).Take(j - i).Select(w => w.Text));
                var list = state.Pinyin.QueryTerms(joined).Select(t => new QueryTerm(t, TermOrigin.Translation, TranslationWeight, phrase) { Name = true }).ToList();
                if (list.Count > 0)
                {
                    yield return list;
                }
            }

            i = Math.Max(j, i + 1);
        }
    }

    /// <summary>
    /// The other direction: a Chinese word of two or more characters that CC-CEDICT does not translate (a name: 云岚), or a
    /// run of one-character words, romanised by each character's common reading ("yunlan") — how an English passage
    /// writes the name. A translation.
    /// </summary>
    private static IEnumerable<List<QueryTerm>> RomanisedRuns(Loaded state, List<Word> words)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < words.Count)
        {
            var w = words[i];
            string? name = null;
            var next = i + 1;
            if (w is { Chinese: true, Stop: false } && w.Text.Length >= 2 && IsName(state, w.Text))
            {
                name = w.Text;
            }
            else if (w is { Chinese: true, Stop: false, Text.Length: 1 })
            {
                var j = i;
                while (j < words.Count && words[j] is { Chinese: true, Stop: false, Text.Length: 1 })
                {
                    j++;
                }

                var run = string.Concat(words.Skip(i).Take(j - i).Select(x => x.Text));
                if (j - i >= 2 && IsName(state, run))
                {
                    name = run;
                }

                next = Math.Max(j, i + 1);
            }

            if (name is not null && state.Pinyin.Romanise(name) is { } roman && seen.Add(roman))
            {
                yield return [new QueryTerm(roman, TermOrigin.Translation, TranslationWeight, name)];
            }

            i = next;
        }
    }

    /// <summary>
    /// A word that looks like a name: neither CC-CEDICT nor jieba's dictionary knows it (jieba's HMM cut it out of
    /// unknown characters, or it is a run of single characters): 云岚 is, 茶厂 ("tea factory") is not.
    /// </summary>
    private static bool IsName(Loaded state, string word) =>
        word.Length is >= 2 and <= 4 && !state.Dictionaries.ChineseToEnglish.ContainsKey(word) && ChineseSegmenter.Frequency(word) <= 1;

    /// <summary>
    /// The question's numbers in their other written form (<see cref="NumberForms"/>): 38 → 三十八 and 三十八 → 38, since
    /// Chinese text writes quantities in numerals as often as in digits. Chinese numerals asked for in an English question
    /// are translations (they can only match Chinese passages); the rest are other forms of the question's own words.
    /// </summary>
    internal static List<QueryTerm> NumberExpansions(string question, string language)
    {
        var result = new List<QueryTerm>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var toChinese = language == TextLanguage.English ? TermOrigin.Translation : TermOrigin.Inflection;
        foreach (var number in NumberForms.ArabicNumbersIn(question).Take(MaxNumbers))
        {
            foreach (var form in NumberForms.ToChinese(number))
            {
                // One character (二, 十) is a unigram the bigram index only holds where it stands alone: no use.
                if (form.Length > 1 && seen.Add(form))
                {
                    result.Add(new QueryTerm(SearchText.For(form), toChinese, InflectionWeight, number));
                }
            }
        }

        foreach (var number in NumberForms.ChineseNumbersIn(question).Take(MaxNumbers))
        {
            if (seen.Add(number))
            {
                result.Add(new QueryTerm(SearchText.For(number), TermOrigin.Inflection, InflectionWeight, number));
            }
        }

        return result;
    }

    /// <summary>The most numbers of a question given their other form.</summary>
    public const int MaxNumbers = 4;

    /// <summary>A Chinese word's expansions, best first: its English glosses, their plural, a Chinese synonym.</summary>
    internal static List<QueryTerm> ChineseExpansions(Loaded state, string word)
    {
        var result = new List<QueryTerm>();
        if (!state.Dictionaries.ChineseToEnglish.TryGetValue(word, out var glosses))
        {
            return result;
        }

        var translations = glosses.Where(g => !IsEnglishStop(g)).Take(MaxTranslationsPerWord).ToList();
        foreach (var g in translations)
        {
            result.Add(new QueryTerm(g, TermOrigin.Translation, TranslationWeight, word));
        }

        // A synonym through the first gloss: another word whose first sense is glossed the same (电脑 → computer → 计算机).
        if (translations.Count > 0 && word.Length >= 2
            && state.Dictionaries.EnglishToChinese.TryGetValue(translations[0], out var candidates))
        {
            // As common as the word, within a factor of twenty: 直径's twin 中径 is too rare to find anything.
            var least = ChineseSegmenter.Frequency(word) / 20L;
            var synonym = candidates
                .Where(c => c.Sense == 0 && c.Word != word
                    && state.Dictionaries.ChineseToEnglish.TryGetValue(c.Word, out var theirs) && theirs.Length > 0 && theirs[0] == translations[0])
                .Select(c => (c.Word, Frequency: ChineseSegmenter.Frequency(c.Word)))
                .Where(c => c.Frequency >= least)
                .OrderByDescending(c => c.Frequency)
                .Select(c => c.Word)
                .FirstOrDefault();
            if (synonym is not null)
            {
                result.Add(new QueryTerm(SearchText.For(synonym), TermOrigin.Synonym, SynonymWeight, word));
            }
        }

        foreach (var g in translations.Where(g => !g.Contains(' ', StringComparison.Ordinal)))
        {
            var form = state.Morphology.FormsOf(g).FirstOrDefault();
            if (form is not null)
            {
                result.Add(new QueryTerm(form, TermOrigin.Translation, TranslationFormWeight, word));
            }
        }

        return result;
    }

    /// <summary>An English word's expansions, interleaved by kind: forms of it, Chinese translations, synonyms.</summary>
    internal static List<QueryTerm> EnglishExpansions(Loaded state, string word, bool formsOnly = false)
    {
        // The base it is a form of ("running" → run), rather than the word as a lemma of its own (the noun "running").
        var bases = state.Morphology.BasesOf(word);
        var lemma = bases.FirstOrDefault(b => b != word) ?? (bases.Count > 0 ? bases[0] : word);

        var inflections = new List<QueryTerm>();
        foreach (var form in bases.Concat(state.Morphology.FormsOf(lemma)).Where(f => f != word).Distinct(StringComparer.Ordinal).Take(MaxInflectionsPerWord))
        {
            inflections.Add(new QueryTerm(form, TermOrigin.Inflection, InflectionWeight, word));
        }

        var translations = new List<QueryTerm>();
        if (!formsOnly)
        {
            // The lemma's translations first ("cats" → cat); the form's own only when the lemma has none.
            AddChinese(state, lemma, word, translations);
            if (translations.Count == 0 && lemma != word)
            {
                AddChinese(state, word, word, translations);
            }
        }

        var synonyms = new List<QueryTerm>();
        if (!formsOnly && state.Dictionaries.WordNet.TryGetValue(lemma, out var entry))
        {
            foreach (var s in entry.Synonyms.Where(s => s != word && !IsEnglishStop(s)).Take(MaxSynonymsPerWord))
            {
                synonyms.Add(new QueryTerm(s, TermOrigin.Synonym, SynonymWeight, word));
            }
        }

        var result = new List<QueryTerm>();
        for (var i = 0; i < Math.Max(inflections.Count, Math.Max(translations.Count, synonyms.Count)); i++)
        {
            if (i < inflections.Count)
            {
                result.Add(inflections[i]);
            }

            if (i < translations.Count)
            {
                result.Add(translations[i]);
            }

            if (i < synonyms.Count)
            {
                result.Add(synonyms[i]);
            }
        }

        return result;
    }

    /// <summary>
    /// The Chinese words glossed exactly <paramref name="english"/>, best first: those for which it is the first gloss
    /// (直径 is "diameter"; 口径 is "bore, caliber, diameter"), then the more frequent in jieba's dictionary (common words
    /// over rare and literary ones). A second word is taken only when it is at least a twentieth as frequent as the first:
    /// a rare synonym adds matches to rank and rarely a passage.
    /// </summary>
    private static void AddChinese(Loaded state, string english, string from, List<QueryTerm> into)
    {
        if (!state.Dictionaries.EnglishToChinese.TryGetValue(english, out var candidates))
        {
            return;
        }

        var ranked = candidates
            .Select(c => (c.Word, First: state.Dictionaries.ChineseToEnglish.TryGetValue(c.Word, out var g) && g.Length > 0 && g[0] == english,
                Frequency: ChineseSegmenter.Frequency(c.Word)))
            .OrderByDescending(c => c.First)
            .ThenByDescending(c => c.Frequency)
            .ThenBy(c => c.Word.Length)
            .ToList();
        for (var i = 0; i < ranked.Count && i < MaxTranslationsPerWord; i++)
        {
            if (i > 0 && ranked[i].Frequency * 20L < ranked[0].Frequency)
            {
                break;
            }

            into.Add(new QueryTerm(SearchText.For(ranked[i].Word), TermOrigin.Translation, TranslationWeight, from));
        }
    }

    /// <summary>
    /// The words of two to four characters CC-CEDICT knows inside a Chinese word of three or more it does not know whole,
    /// longest first from the left (喝咖啡 → 咖啡; a character that starts no known word is skipped): what jieba kept
    /// together can still be translated by its parts. Empty for a word the dictionary knows or a shorter one.
    /// </summary>
    internal static List<string> KnownParts(Loaded state, string word)
    {
        var parts = new List<string>();
        var dictionary = state.Dictionaries.ChineseToEnglish;
        if (word.Length < 3 || dictionary.ContainsKey(word))
        {
            return parts;
        }

        for (var at = 0; at < word.Length - 1;)
        {
            var length = Math.Min(4, word.Length - at);
            while (length >= 2 && !dictionary.ContainsKey(word.Substring(at, length)))
            {
                length--;
            }

            if (length >= 2)
            {
                parts.Add(word.Substring(at, length));
                at += length;
            }
            else
            {
                at++;
            }
        }

        return parts;
    }

    private static bool IsEnglishStop(string gloss) =>
        !gloss.Contains(' ', StringComparison.Ordinal) && (SearchText.StopWords.Contains(gloss) || EnglishStopWords.Contains(gloss));

    /// <summary>
    /// The question for an English one; otherwise its English words and the first gloss of each Chinese content word, in
    /// the question's order (what an English-only semantic model can read of it); null when that leaves nothing.
    /// </summary>
    private static string? SemanticText(Loaded state, string language, string question, List<Word> words)
    {
        if (language == TextLanguage.English)
        {
            return question;
        }

        var parts = new List<string>();
        foreach (var w in words)
        {
            if (!w.Chinese)
            {
                if (!w.Stop)
                {
                    parts.Add(w.Text);
                }
            }
            else if (!w.Stop && state.Dictionaries.ChineseToEnglish.TryGetValue(w.Text, out var glosses))
            {
                var gloss = glosses.FirstOrDefault(g => !IsEnglishStop(g));
                if (gloss is not null && !parts.Contains(gloss, StringComparer.Ordinal))
                {
                    parts.Add(gloss);
                }
            }
        }

        return parts.Count > 0 && parts.Any(p => p.Any(char.IsAsciiLetter)) ? string.Join(' ', parts) : null;
    }

    private Loaded? Load(string? jiebaDirectory)
    {
        try
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var clock = Stopwatch.StartNew();
            var dictionaries = ExpansionDictionaries.LoadEmbedded();
            var dictionaryTime = clock.Elapsed;
            clock.Restart();
            var segmenter = ChineseSegmenter.Load(jiebaDirectory);
            // jieba builds its trie on load; its HMM model loads with it. A first cut JITs the paths questions take.
            _ = segmenter.Cut("预热分词").ToList();
            var segmenterTime = clock.Elapsed;
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            var stats = new ExpansionLoadStats(dictionaryTime, segmenterTime, retained);
            logger.LogInformation(
                "Query expansion dictionaries loaded: CC-CEDICT and WordNet in {DictionariesMs:F0} ms, jieba in {JiebaMs:F0} ms, about {Megabytes:F0} MB retained.",
                dictionaryTime.TotalMilliseconds, segmenterTime.TotalMilliseconds, retained / 1048576.0);
            return new Loaded(dictionaries, segmenter, new EnglishMorphology(dictionaries), stats);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException)
        {
            logger.LogError(ex, "Query expansion is off: its dictionaries did not load, so questions are searched by their own words only.");
            return null;
        }
    }

    /// <summary>The loaded dictionaries (internal so tests can build one over their own data).</summary>
    internal sealed record Loaded(ExpansionDictionaries Dictionaries, ChineseSegmenter Segmenter, EnglishMorphology Morphology, ExpansionLoadStats Stats)
    {
        /// <summary>Character readings for the pinyin bridge.</summary>
        public PinyinTable Pinyin { get; init; } = PinyinReadings.Shared;
    }
}
