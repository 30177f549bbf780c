using System.IO.Compression;
using System.Text;
using StarStudio.Data.Knowledge.Expansion;

namespace StarStudio.Tests.Unit.Knowledge.Expansion;

public sealed class ExpansionDictionariesTests
{
    [Fact]
    public void The_embedded_dictionaries_load_with_their_entries()
    {
        var d = ExpansionDictionaries.LoadEmbedded();

        Assert.True(d.ChineseToEnglish.Count > 80_000, $"{d.ChineseToEnglish.Count} Chinese words");
        Assert.True(d.EnglishToChinese.Count > 60_000, $"{d.EnglishToChinese.Count} English glosses");
        Assert.True(d.WordNet.Count > 140_000, $"{d.WordNet.Count} lemmas");
        Assert.Equal("diameter", d.ChineseToEnglish["直径"][0]);
        Assert.Contains(d.EnglishToChinese["computer"], c => c.Word == "电脑" && c.Sense == 0);
        Assert.Contains("automobile", d.WordNet["car"].Synonyms);
        Assert.Equal("n", d.WordNet["car"].PartsOfSpeech);
        Assert.Contains(('v', "go"), d.IrregularToBase["went"]);
        Assert.Contains(('n', "mice"), d.BaseToIrregular["mouse"]);
    }

    [Fact]
    public void Load_reads_the_format_the_script_writes()
    {
        var d = ExpansionDictionaries.Load(
            Gzip("猫\tcat\tmodem\n熊猫\tpanda\n"),
            Gzip("panda\t熊猫:0\t猫熊:1\n"),
            Gzip("car\tn\tauto|automobile\nquickly\tr\t\n"),
            Gzip("mice\tn\tmouse\nwent\tv\tgo\n"));

        Assert.Equal(["cat", "modem"], d.ChineseToEnglish["猫"]);
        Assert.Equal([new ChineseCandidate("熊猫", 0), new ChineseCandidate("猫熊", 1)], d.EnglishToChinese["panda"]);
        Assert.Equal(["auto", "automobile"], d.WordNet["car"].Synonyms);
        Assert.Empty(d.WordNet["quickly"].Synonyms);
        Assert.Equal([('n', "mouse")], d.IrregularToBase["mice"]);
        Assert.Equal([('v', "went")], d.BaseToIrregular["go"]);
    }

    [Theory]
    [InlineData("panda\t熊猫\n", "cedict-en-zh line 1")]
    [InlineData("panda\t熊猫:0\nbear\t熊:x\n", "cedict-en-zh line 2")]
    public void A_malformed_english_line_is_refused_with_its_line_number(string enZh, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExpansionDictionaries.Load(Gzip("猫\tcat\n"), Gzip(enZh), Gzip("car\tn\tauto\n"), Gzip("went\tv\tgo\n")));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_malformed_wordnet_line_is_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExpansionDictionaries.Load(Gzip("猫\tcat\n"), Gzip("cat\t猫咪:0\n"), Gzip("car\tx\tauto\n"), Gzip("went\tv\tgo\n")));
        Assert.Contains("wordnet line 1", ex.Message);
        Assert.Throws<InvalidDataException>(() => ExpansionDictionaries.Load(Gzip("猫\tcat\n"), Gzip("cat\t猫咪:0\n"), Gzip("car\tn\tauto\n"), Gzip("went\tverb\tgo\n")));
        Assert.Throws<InvalidDataException>(() => ExpansionDictionaries.Load(Gzip("猫\n"), Gzip("cat\t猫咪:0\n"), Gzip("car\tn\tauto\n"), Gzip("went\tv\tgo\n")));
    }

    [Fact]
    public void An_assembly_without_the_dictionaries_is_refused_by_name()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ExpansionDictionaries.LoadEmbedded(typeof(object).Assembly));
        Assert.Contains("cedict-zh-en.tsv.gz", ex.Message);
    }

    [Fact]
    public void Jiebas_files_are_copied_next_to_the_app_and_load()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, ChineseSegmenter.DefaultDirectory);
        Assert.True(File.Exists(Path.Combine(dir, "dict.txt")));

        var segmenter = ChineseSegmenter.Load();

        Assert.Equal(["银河系", "的", "直径", "是", "多少", "？"], segmenter.Cut("银河系的直径是多少？"));
        Assert.True(ChineseSegmenter.Frequency("直径") > ChineseSegmenter.Frequency("中径"));
    }

    [Fact]
    public void A_directory_without_jiebas_files_is_refused()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-jieba-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<InvalidOperationException>(() => ChineseSegmenter.Load(missing));
        Assert.Contains("dict.txt", ex.Message);
    }

    private static MemoryStream Gzip(string text)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }

        ms.Position = 0;
        return ms;
    }
}
