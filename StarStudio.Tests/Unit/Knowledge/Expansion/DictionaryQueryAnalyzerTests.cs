using System.Diagnostics;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Expansion;
using Xunit.Abstractions;

namespace StarStudio.Tests.Unit.Knowledge.Expansion;

/// <summary>One analyzer for the class: the dictionaries load once per process, as in the app.</summary>
public sealed class AnalyzerFixture
{
    public DictionaryQueryAnalyzer Analyzer { get; } = new();

    public AnalyzerFixture() => Assert.True(Analyzer.WarmUp(), "the dictionaries did not load");
}

public sealed class DictionaryQueryAnalyzerTests(AnalyzerFixture fixture, ITestOutputHelper output) : IClassFixture<AnalyzerFixture>
{
    private readonly DictionaryQueryAnalyzer analyzer = fixture.Analyzer;

    private static string[] Own(QueryAnalysis a) => [.. a.Original.Select(t => t.Text)];

    [Fact]
    public void A_romanised_name_no_dictionary_knows_is_asked_for_by_its_pinyin_syllables()
    {
        // "Wulan" is a made-up place: no translation, unknown to WordNet, and wu + lan are pinyin syllables.
        var a = analyzer.Analyze("When does the ferry leave Wulan harbour?");

        var bridge = Assert.Single(a.Expansions, t => t.Text == "wulan0");
        Assert.Equal(TermOrigin.Translation, bridge.Origin);
        Assert.Equal("wulan", bridge.From);
        Assert.True(bridge.Name);
        Assert.Equal(DictionaryQueryAnalyzer.TranslationWeight, bridge.Weight);
    }

    [Fact]
    public void English_words_that_happen_to_be_pinyin_are_not_read_as_names()
    {
        // "nine" (ni + ne) is an English word in lowercase; "China" is capitalised but the dictionary translates it.
        var a = analyzer.Analyze("How many of the nine cities in China have a tram?");

        Assert.DoesNotContain(a.Terms, t => t.Text.EndsWith(PinyinTable.Marker, StringComparison.Ordinal));
        Assert.DoesNotContain(a.Terms, t => t.Name);
    }

    [Fact]
    public void A_chinese_name_no_dictionary_knows_is_also_asked_for_as_its_romanisation()
    {
        var a = analyzer.Analyze("雾岚镇的渡船几点出发？");

        // jieba's HMM keeps the unknown 雾岚镇 whole; an English passage would spell it so. Not lent to its document (only
        // the English side's bridge is: a Chinese question's own word already matches its passages).
        Assert.True(a.Expansions.Any(t => t is { Text: "wulanzhen", Origin: TermOrigin.Translation, From: "雾岚镇", Name: false }),
            string.Join(" | ", a.Terms.Select(t => $"{t.Text}:{t.Origin}:{t.From}:{t.Name}")));
        // 渡船 ("ferry") is a dictionary word: translated, not romanised.
        Assert.DoesNotContain(a.Expansions, t => t.Text == "duchuan");
    }

    [Fact]
    public void A_latin_word_in_a_chinese_question_is_a_name_and_no_other_word_is()
    {
        var a = analyzer.Analyze("一个人玩 Lanternfall 的话怎么玩？");

        var name = Assert.Single(a.Original, t => t.Name);
        Assert.Equal("lanternfall", name.Text);
        Assert.Equal(TextLanguage.Chinese, a.Language);
    }

    [Theory]
    [InlineData("When does a game of Star Harbour Guild (星港商会) end?")] // English that quotes Chinese in brackets
    [InlineData("How many players can play Lanternfall?")] // an English question's own words
    [InlineData("5G 信号怎么样？")] // not letters only
    public void Latin_words_are_not_names_outside_a_chinese_question_or_when_not_all_letters(string question)
    {
        var a = analyzer.Analyze(question);

        Assert.DoesNotContain(a.Original, t => t.Name && t.Text.Any(char.IsAsciiLetter));
    }

    [Fact]
    public void Chinese_quoted_in_an_english_question_is_a_name_asked_for_whole()
    {
        var a = analyzer.Analyze("When does a game of Star Harbour Guild (星港商会) end?");

        // jieba cuts 星港商会 into 星 / 港商 / 会; the name is the whole run, its bigrams ANDed.
        var name = Assert.Single(a.Original, t => t.Name);
        Assert.Equal("星港 港商 商会", name.Text);
        Assert.Equal(TermOrigin.Question, name.Origin);
    }

    [Fact]
    public void A_two_character_chinese_name_quoted_in_an_english_question_is_a_name_even_when_the_segmenter_keeps_it_whole()
    {
        var a = analyzer.Analyze("When is the Chenghu pool (澄湖) closed for cleaning?");

        Assert.Equal("澄湖", Assert.Single(a.Original, t => t.Name).Text);
    }

    [Theory]
    [InlineData("星港商会这个游戏最多几个人玩？")] // a Chinese question's Chinese is its words
    [InlineData("What does the 星 on the card mean?")] // one character is no name
    public void Chinese_runs_are_not_names_in_a_chinese_question_or_when_one_character(string question)
    {
        var a = analyzer.Analyze(question);

        Assert.DoesNotContain(a.Original, t => t.Name);
    }

    [Fact]
    public void A_chinese_word_the_dictionary_does_not_know_whole_is_translated_by_its_parts()
    {
        // jieba keeps 喝咖啡 ("drink coffee") as one word; CC-CEDICT has 咖啡 but not 喝咖啡.
        var a = analyzer.Analyze("Maren 喝咖啡吗？");

        Assert.Contains(a.Original, t => t.Text == "喝咖 咖啡");
        Assert.True(a.Expansions.Any(t => t is { Text: "coffee", Origin: TermOrigin.Translation, From: "喝咖啡" }),
            string.Join(" | ", a.Terms.Select(t => $"{t.Text}:{t.Origin}:{t.From}")));
    }

    [Theory]
    [InlineData("银河系的直径是多少？", new[] { "银河 河系", "直径" })]
    [InlineData("光合作用需要哪些条件", new[] { "光合 合作 作用", "条件" })]
    [InlineData("电脑是谁发明的", new[] { "电脑", "发明" })]
    [InlineData("长城有多长？", new[] { "长城" })]
    public void A_chinese_question_is_searched_by_its_words_as_bigrams_without_question_words(string question, string[] expected)
    {
        var a = analyzer.Analyze(question);

        Assert.Equal(TextLanguage.Chinese, a.Language);
        Assert.Equal(expected, Own(a));
        Assert.All(a.Original, t => Assert.Equal(1.0, t.Weight));
    }

    [Fact]
    public void Numbers_are_searched_in_their_other_written_form_too()
    {
        // An English question's digits can only match Chinese numerals in Chinese passages: a translation.
        var english = analyzer.Analyze("At what temperature, 38 or 40 degrees, are the cakes dried?");
        Assert.Contains(english.Expansions, t => t is { Text: "三十 十八", Origin: TermOrigin.Translation, From: "38" });
        Assert.Contains(english.Expansions, t => t is { Text: "四十", Origin: TermOrigin.Translation, From: "40" });

        // A Chinese question's numerals are searched as digits, and its digits as numerals: other forms of its own words.
        var chinese = analyzer.Analyze("每饼净重三百五十七克，误差是不是2克以内？");
        Assert.Contains(chinese.Expansions, t => t is { Text: "357", Origin: TermOrigin.Inflection });
        Assert.DoesNotContain(chinese.Expansions, t => t.Text == "二"); // a lone digit is a word part, not a quantity worth searching
        Assert.Contains(chinese.Expansions, t => t is { Text: "357", Weight: DictionaryQueryAnalyzer.InflectionWeight });
    }

    [Fact]
    public void One_character_words_are_searched_as_the_bigram_they_form_with_a_one_character_neighbour()
    {
        // 猫 next to 喜欢 would give 猫喜, which no passage means; 吃 and 鱼 together are 吃鱼.
        Assert.Equal(["喜欢", "吃鱼"], Own(analyzer.Analyze("猫喜欢吃鱼吗")));
    }

    [Fact]
    public void English_words_stay_words_and_stop_words_go()
    {
        var a = analyzer.Analyze("How do pandas eat bamboo?");

        Assert.Equal(TextLanguage.English, a.Language);
        Assert.Equal(["pandas", "eat", "bamboo"], Own(a));
    }

    [Fact]
    public void A_question_of_stop_words_only_keeps_them()
    {
        Assert.Equal(["the"], Own(analyzer.Analyze("the")));
        Assert.Same(QueryAnalysis.Empty, analyzer.Analyze("  "));
    }

    [Fact]
    public void A_chinese_word_is_translated_into_english()
    {
        var a = analyzer.Analyze("熊猫吃什么？");

        var panda = Assert.Single(a.Expansions, t => t.Text == "panda");
        Assert.Equal(TermOrigin.Translation, panda.Origin);
        Assert.Equal(DictionaryQueryAnalyzer.TranslationWeight, panda.Weight);
        Assert.Equal("熊猫", panda.From);
        Assert.Contains(a.Expansions, t => t is { Text: "eat", From: "吃" });
        // The plural of a translation, since English passages say "pandas" and the index does not stem.
        Assert.Contains(a.Expansions, t => t is { Text: "pandas", Origin: TermOrigin.Translation } && t.Weight == DictionaryQueryAnalyzer.TranslationFormWeight);
    }

    [Fact]
    public void An_english_word_is_translated_into_common_chinese_words_in_bigram_form()
    {
        var a = analyzer.Analyze("Who invented the computer?");

        Assert.Contains(a.Expansions, t => t is { Text: "电脑", Origin: TermOrigin.Translation, From: "computer" });
        Assert.Contains(a.Expansions, t => t is { Text: "计算 算机", Origin: TermOrigin.Translation });
        // The lemma is looked up for an inflected word.
        Assert.Contains(a.Expansions, t => t is { Text: "发明", From: "invented" });
        // The exact gloss first: 直径 is "diameter", 口径 is "bore, caliber, diameter".
        var diameter = analyzer.Analyze("diameter").Expansions.Where(t => t.Origin == TermOrigin.Translation).Select(t => t.Text).ToList();
        Assert.Equal("直径", diameter[0]);
    }

    [Fact]
    public void An_english_phrase_is_translated_as_a_whole()
    {
        var a = analyzer.Analyze("What is the diameter of the Milky Way?");

        Assert.Contains(a.Expansions, t => t is { Text: "银河", From: "milky way" });
        // Its words get only their other forms: "milky" alone is "whitish".
        Assert.DoesNotContain(a.Expansions, t => t.From == "milky" && t.Origin != TermOrigin.Inflection);
    }

    [Fact]
    public void A_chinese_compound_that_jieba_cuts_in_two_is_translated_whole()
    {
        var a = analyzer.Analyze("三次方程怎么解？");

        Assert.Equal(["三次", "方程"], Own(a));
        Assert.Contains(a.Expansions, t => t is { Text: "cubic equation", From: "三次方程", Origin: TermOrigin.Translation });
        Assert.Contains(a.Expansions, t => t is { Text: "equation", From: "方程" });
    }

    [Fact]
    public void English_words_get_wordnet_synonyms_of_their_common_senses()
    {
        var a = analyzer.Analyze("Where can I park my car?");

        var syn = a.Expansions.Where(t => t.From == "car" && t.Origin == TermOrigin.Synonym).ToList();
        Assert.NotEmpty(syn);
        Assert.Contains(syn, t => t.Text is "auto" or "automobile");
        Assert.True(syn.Count <= DictionaryQueryAnalyzer.MaxSynonymsPerWord);
        Assert.All(syn, t => Assert.Equal(DictionaryQueryAnalyzer.SynonymWeight, t.Weight));
    }

    [Fact]
    public void Chinese_words_get_a_synonym_through_a_shared_english_gloss()
    {
        var a = analyzer.Analyze("电脑是谁发明的");

        Assert.Contains(a.Expansions, t => t is { Text: "计算 算机", Origin: TermOrigin.Synonym, From: "电脑" });
    }

    [Theory]
    [InlineData("galaxies", "galaxy")]
    [InlineData("running", "run")]
    [InlineData("went", "go")]
    [InlineData("mice", "mouse")]
    [InlineData("stopped", "stop")]
    [InlineData("run", "running")]
    [InlineData("run", "ran")]
    [InlineData("galaxy", "galaxies")]
    [InlineData("study", "studied")]
    public void English_words_get_their_other_forms(string word, string form)
    {
        var a = analyzer.Analyze($"tell me about {word}");

        var t = Assert.Single(a.Expansions, t => t.Text == form);
        Assert.Equal(TermOrigin.Inflection, t.Origin);
        Assert.Equal(DictionaryQueryAnalyzer.InflectionWeight, t.Weight);
        Assert.Equal(word, t.From);
    }

    [Fact]
    public void The_inflection_rules_spell_regular_forms()
    {
        Assert.Equal("boxes", EnglishMorphology.Plural("box"));
        Assert.Equal("cities", EnglishMorphology.Plural("city"));
        Assert.Equal("days", EnglishMorphology.Plural("day"));
        Assert.Equal("making", EnglishMorphology.Ing("make"));
        Assert.Equal("lying", EnglishMorphology.Ing("lie"));
        Assert.Equal("planning", EnglishMorphology.Ing("plan"));
        Assert.Equal("visiting", EnglishMorphology.Ing("visit"));
        Assert.Equal("carried", EnglishMorphology.Past("carry"));
        Assert.Equal("stopped", EnglishMorphology.Past("stop"));
        Assert.Equal("played", EnglishMorphology.Past("play"));
    }

    [Fact]
    public void Acronyms_are_searched_as_written_without_expansions()
    {
        var a = analyzer.Analyze("什么是 RAG 模型");

        Assert.Equal(["rag", "模型"], Own(a));
        Assert.DoesNotContain(a.Expansions, t => t.From == "rag");
        Assert.Contains(a.Expansions, t => t is { Text: "model", From: "模型" });
    }

    [Fact]
    public void Expansions_are_capped_weighted_below_the_question_and_never_repeat_a_term()
    {
        var a = analyzer.Analyze("How did the stock market crash of 1929 change banking, farming, housing, employment and trade policy in cities?");

        Assert.True(a.Expansions.Count <= DictionaryQueryAnalyzer.MaxExpansions, $"{a.Expansions.Count} expansions");
        Assert.True(a.Expansions.Count >= DictionaryQueryAnalyzer.MaxExpansions - 4, "a long question should use most of the slots");
        Assert.All(a.Expansions, t => Assert.InRange(t.Weight, 0.1, 0.99));
        Assert.Equal(a.Terms.Count, a.Terms.Select(t => t.Text).Distinct().Count());
        foreach (var group in a.Expansions.GroupBy(t => (t.From, t.Origin)))
        {
            var cap = group.Key.Origin switch
            {
                TermOrigin.Inflection => DictionaryQueryAnalyzer.MaxInflectionsPerWord,
                TermOrigin.Synonym => DictionaryQueryAnalyzer.MaxSynonymsPerWord,
                // A translation and its plural.
                _ => 2 * DictionaryQueryAnalyzer.MaxTranslationsPerWord,
            };
            Assert.True(group.Count() <= cap, $"{group.Key}: {group.Count()}");
        }

        // Every word gets a turn before any gets a second one.
        Assert.True(a.Expansions.Take(8).Select(t => t.From).Distinct().Count() >= 6);
    }

    [Fact]
    public void Without_expand_there_are_only_the_questions_own_words()
    {
        var a = analyzer.Analyze("银河系的直径是多少？", expand: false);

        Assert.Empty(a.Expansions);
        Assert.Equal(["银河 河系", "直径"], Own(a));
    }

    [Fact]
    public void Semantic_text_is_the_english_question_or_the_translations_of_a_chinese_one()
    {
        Assert.Equal("How do pandas eat bamboo?", analyzer.Analyze("How do pandas eat bamboo?").SemanticText);
        Assert.Equal("milky way galaxy diameter", analyzer.Analyze("银河系的直径是多少？").SemanticText);
        Assert.Equal("rag model", analyzer.Analyze("什么是 RAG 模型").SemanticText);
        Assert.Null(analyzer.Analyze("什么是什么？").SemanticText);
    }

    [Fact]
    public void Many_threads_read_the_same_analysis()
    {
        string[] questions = ["银河系的直径是多少？", "How do pandas eat bamboo?", "电脑是谁发明的", "Which galaxies are running away?"];
        var expected = questions.Select(q => string.Join(";", analyzer.Analyze(q).Terms)).ToArray();

        var results = new string[400];
        Parallel.For(0, results.Length, i => results[i] = string.Join(";", analyzer.Analyze(questions[i % questions.Length]).Terms));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % questions.Length], results[i]);
        }
    }

    [Fact]
    public void Without_jiebas_files_questions_are_read_without_expansions()
    {
        var broken = new DictionaryQueryAnalyzer(jiebaDirectory: Path.Combine(Path.GetTempPath(), "no-jieba-" + Guid.NewGuid().ToString("N")));

        Assert.False(broken.WarmUp());
        var a = broken.Analyze("银河系的直径是多少？");
        Assert.Empty(a.Expansions);
        Assert.Equal(new BasicQueryAnalyzer().Analyze("银河系的直径是多少？").Terms, a.Terms);
    }

    /// <summary>
    /// Analysis time per question (docs/query-expansion.md). The bound is loose, for a shared machine: what it guards
    /// against is an analysis that scans a dictionary instead of looking words up.
    /// </summary>
    [Fact]
    public void A_question_is_analysed_in_well_under_a_millisecond()
    {
        string[] questions =
        [
            "银河系的直径是多少？", "熊猫吃什么？", "光合作用需要哪些条件", "猫喜欢吃鱼吗", "什么是 RAG 模型", "电脑是谁发明的",
            "长城有多长", "云岚茶厂压一饼标准白茶，净重是多少克？", "茶饼烘干的时候屋里太潮了该怎么办？",
            "What is the diameter of the Milky Way?", "How do pandas eat bamboo?", "Who invented the computer?",
            "Which galaxies are running away from us?", "how did the stock market crash happen",
            "What temperature should the oven be before the bread goes in?", "Why do bridges need expansion joints?",
        ];
        foreach (var q in questions)
        {
            analyzer.Analyze(q);
        }

        var times = new List<double>();
        for (var i = 0; i < 400; i++)
        {
            var q = questions[i % questions.Length];
            var clock = Stopwatch.StartNew();
            analyzer.Analyze(q);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var p50 = times[times.Count / 2];
        var p95 = times[(int)(times.Count * 0.95)];
        output.WriteLine($"analysis: p50 {p50:F3} ms, p95 {p95:F3} ms over {times.Count}; load {analyzer.LoadStats}");
        Assert.True(p50 < 2, $"p50 {p50:F3} ms");
    }
}
