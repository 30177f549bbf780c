using System.Text;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Unit.Versions;

public class PersonaDiffTests
{
    [Fact]
    public void Tokenize_ChineseIsOneTokenPerCharacter_EnglishOnePerWord_SpaceAndPunctuationKept()
    {
        var tokens = PersonaDiff.Tokenize("古籍修复师，loves old books 2024.");

        Assert.Equal(["古", "籍", "修", "复", "师", "，", "loves", " ", "old", " ", "books", " ", "2024", "."], tokens);
    }

    [Fact]
    public void Tokenize_KeepsContractionsHyphenatedWordsAndSurrogateIdeographsWhole()
    {
        Assert.Equal(["don't", " ", "well-known", "  ", "𠀀", "𠀁"], PersonaDiff.Tokenize("don't well-known  𠀀𠀁"));
    }

    [Fact]
    public void Compute_SameText_IsOneEqualRun()
    {
        Assert.Equal([new DiffRun(DiffOp.Equal, "一位修复师")], PersonaDiff.Compute("一位修复师", "一位修复师"));
        Assert.Empty(PersonaDiff.Compute("", ""));
    }

    [Fact]
    public void Compute_EnglishWordReplaced_IsThatWordOnly()
    {
        var runs = PersonaDiff.Compute("The cat sat on the mat.", "The dog sat on the mat.");

        Assert.Equal(
            [new(DiffOp.Equal, "The "), new(DiffOp.Delete, "cat"), new(DiffOp.Insert, "dog"), new DiffRun(DiffOp.Equal, " sat on the mat.")],
            runs);
    }

    [Fact]
    public void Compute_ChineseCharacterInserted_IsThatCharacter()
    {
        var runs = PersonaDiff.Compute("她说话温和。", "她说话很温和。");

        Assert.Equal([new(DiffOp.Equal, "她说话"), new(DiffOp.Insert, "很"), new DiffRun(DiffOp.Equal, "温和。")], runs);
    }

    [Fact]
    public void Compute_EditsInTwoSentencesOfMany_LeaveTheOtherSentencesEqual()
    {
        var sentences = Enumerable.Range(1, 50).Select(i => $"第{i}句：她修复第{i}本古籍。").ToList();
        var old = string.Concat(sentences);
        sentences[10] = "第11句：她修复第11本善本古籍。";
        sentences[40] = "第41句：He restores book 41.";
        var runs = PersonaDiff.Compute(old, string.Concat(sentences));

        Assert.Equal(["善本"], runs.Where(r => r.Op == DiffOp.Insert).Select(r => r.Text).Take(1));
        Assert.Contains(runs, r => r.Op == DiffOp.Insert && r.Text.Contains("He restores book 41", StringComparison.Ordinal));
        Assert.True(runs.Where(r => r.Op == DiffOp.Equal).Sum(r => r.Text.Length) > old.Length * 0.9);
    }

    [Fact]
    public void Compute_MixedChineseAndEnglishWordChange_MarksTheWord()
    {
        var runs = PersonaDiff.Compute("擅长 Python 与古籍。", "擅长 Rust 与古籍。");

        Assert.Contains(new DiffRun(DiffOp.Delete, "Python"), runs);
        Assert.Contains(new DiffRun(DiffOp.Insert, "Rust"), runs);
    }

    [Fact]
    public void Compute_RunsAlwaysRebuildBothTexts_OnRandomEdits()
    {
        var random = new Random(14);
        const string alphabet = "古籍修复师的是了，。 abc xyz 12!\n";
        for (var round = 0; round < 300; round++)
        {
            var old = RandomText(random, alphabet, random.Next(0, 120));
            var edited = new StringBuilder(old);
            for (var e = random.Next(0, 8); e > 0; e--)
            {
                var at = edited.Length == 0 ? 0 : random.Next(edited.Length);
                if (random.Next(2) == 0 && edited.Length > 0)
                {
                    edited.Remove(at, Math.Min(random.Next(1, 6), edited.Length - at));
                }
                else
                {
                    edited.Insert(at, RandomText(random, alphabet, random.Next(1, 6)));
                }
            }

            var budget = round % 3 == 0 ? 10 : PersonaDiff.DefaultWorkBudget;
            AssertRebuilds(old, edited.ToString(), PersonaDiff.Compute(old, edited.ToString(), budget));
        }
    }

    [Fact]
    public void Compute_OutOfBudget_ShowsTheRegionAsReplaced()
    {
        const string old = "春眠不觉晓，处处闻啼鸟";
        const string edited = "夜来风雨声，花落知多少";

        var runs = PersonaDiff.Compute(old, edited, workBudget: 1);

        Assert.Equal([new(DiffOp.Delete, old), new DiffRun(DiffOp.Insert, edited)], runs);
    }

    [Fact]
    public void Compute_FullRewriteOf20000Characters_StaysCorrectAndIsReplacedNotConfetti()
    {
        var random = new Random(7);
        const string alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";
        var old = RandomText(random, alphabet + "。", 20_000);
        var rewrite = RandomText(random, alphabet + "。", 20_000);

        var runs = PersonaDiff.Compute(old, rewrite);

        AssertRebuilds(old, rewrite, runs);
    }

    [Fact]
    public void Sentences_SplitAfterChineseAndEnglishSentenceEnds_KeepingClosingQuotes()
    {
        Assert.Equal(["她说：“好。”", "Yes.", " 3.14 is pi!", "\n", "尾"], PersonaDiff.Sentences("她说：“好。”Yes. 3.14 is pi!\n尾"));
    }

    [Fact]
    public void Comparison_MarksOnlyChangedFields_AndListsCompareItemByItem()
    {
        var v1 = Snapshot() with { Tags = ["古籍", "修复"], AlternateGreetings = ["你好"] };
        var v2 = v1 with { Tone = "严谨", Tags = ["古籍", "书画"], AlternateGreetings = ["你好"] };

        var comparison = PersonaComparison.Of(v1, v2);

        Assert.Equal(["Tone", "Tags"], comparison.Changed.Select(f => f.Field));
        Assert.Equal(PersonaSnapshot.FieldNames, comparison.Fields.Select(f => f.Field));
        Assert.Contains(new DiffRun(DiffOp.Insert, "书画"), comparison.Fields.Single(f => f.Field == "Tags").Runs);
    }

    internal static PersonaSnapshot Snapshot() =>
        new("墨痕", "古籍修复", "一位修复师", "温和", ["古籍"], "", "你好，{{user}}。", [], "", "", "");

    private static void AssertRebuilds(string old, string edited, IReadOnlyList<DiffRun> runs)
    {
        Assert.Equal(old, string.Concat(runs.Where(r => r.Op != DiffOp.Insert).Select(r => r.Text)));
        Assert.Equal(edited, string.Concat(runs.Where(r => r.Op != DiffOp.Delete).Select(r => r.Text)));
        Assert.DoesNotContain(runs, r => r.Text.Length == 0);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.NotEqual(runs[i - 1].Op, runs[i].Op);
        }
    }

    private static string RandomText(Random random, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}

public class PersonaVersionRulesTests
{
    [Fact]
    public void NeedsNewVersion_FirstSave_OrAChangedField_ButNotAnUnchangedResave()
    {
        var v1 = PersonaDiffTests.Snapshot();

        Assert.True(PersonaVersionRules.NeedsNewVersion(null, v1));
        Assert.False(PersonaVersionRules.NeedsNewVersion(v1, v1 with { Tags = ["古籍"] }));
        Assert.True(PersonaVersionRules.NeedsNewVersion(v1, v1 with { Greeting = "欢迎。" }));
        Assert.True(PersonaVersionRules.NeedsNewVersion(v1, v1 with { AlternateGreetings = [""] }));
    }

    [Fact]
    public void NextNumber_CountsFromOne()
    {
        Assert.Equal(1, PersonaVersionRules.NextNumber(null));
        Assert.Equal(4, PersonaVersionRules.NextNumber(3));
    }
}
