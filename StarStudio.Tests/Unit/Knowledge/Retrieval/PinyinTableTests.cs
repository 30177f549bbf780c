using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class PinyinTableTests
{
    // A small table of the shape CC-CEDICT's readings give: the most used reading first.
    private static readonly PinyinTable Table = new(new Dictionary<int, string[]>
    {
        ['云'] = ["yun"],
        ['岚'] = ["lan"],
        ['石'] = ["shi", "dan"],
        ['门'] = ["men"],
        ['镇'] = ["zhen"],
        ['西'] = ["xi"],
        ['安'] = ["an"],
        ['行'] = ["xing", "hang", "heng"],
        ['你'] = ["ni"],
        ['呢'] = ["ne", "ni"],
    });

    [Fact]
    public void A_chinese_bigram_is_indexed_by_the_syllables_of_its_characters_with_the_marker()
    {
        Assert.Equal(["yunlan0"], Table.IndexTokens("云岚"));
        // Two readings of each character at most (石: shi, dan; 行: xing, hang — not heng).
        Assert.Equal(["shimen0", "danmen0"], Table.IndexTokens("石门"));
        Assert.Equal(["xingxing0", "xinghang0", "hangxing0", "hanghang0"], Table.IndexTokens("行行"));
        // Distinct, in order; English words and characters without a reading add nothing.
        Assert.Equal(["yunlan0", "lanzhen0"], Table.IndexTokens("云岚镇 tea 云岚 茶"));
    }

    [Fact]
    public void The_search_text_is_the_index_form_followed_by_the_bridge_tokens()
    {
        Assert.Equal("云岚 岚镇 tea yunlan0 lanzhen0", Table.SearchTextFor("云岚镇 tea"));
        Assert.Equal("green tea", Table.SearchTextFor("Green tea"));
    }

    [Theory]
    [InlineData("yunlan", "yunlan0")]
    [InlineData("shimenzhen", "shimen0 menzhen0")]
    [InlineData("xian", "xian0")] // xi + an; "xian" alone is one syllable, which no bigram is
    public void A_romanised_word_asks_for_the_tokens_of_its_syllable_pairs(string word, string expected) =>
        Assert.Contains(expected, Table.QueryTerms(word));

    [Theory]
    [InlineData("tea")]
    [InlineData("yun")] // one syllable: no bigram
    [InlineData("temperature")]
    [InlineData("Yunlan")] // only lowercase a–z; the analyzer lowercases
    public void A_word_that_is_not_two_or_more_syllables_asks_for_nothing(string word) => Assert.Empty(Table.QueryTerms(word));

    [Fact]
    public void A_marked_token_never_equals_an_english_word()
    {
        // "nine" is ni + ne: without the marker an English question's "nine" would match 你呢 in a Chinese passage.
        Assert.Contains("nine0", Table.IndexTokens("你呢"));
        Assert.DoesNotContain("nine", Table.IndexTokens("你呢"));
        Assert.DoesNotContain(SearchText.Tokens("nine"), t => t.EndsWith(PinyinTable.Marker, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("yunlan0", "yunlan")]
    [InlineData("shimen0 menzhen0", "shimen·menzhen")]
    [InlineData("yunlan", null)]
    [InlineData("云岚", null)]
    [InlineData("mp3 0", null)]
    public void A_bridge_term_reads_as_its_syllables_for_the_ask_box(string term, string? expected) =>
        Assert.Equal(expected, PinyinTable.Spelling(term));

    [Fact]
    public void A_chinese_name_is_romanised_by_each_characters_most_used_reading()
    {
        Assert.Equal("yunlan", Table.Romanise("云岚"));
        Assert.Equal("shimen", Table.Romanise("石门"));
        Assert.Null(Table.Romanise("云x"));
        Assert.Null(Table.Romanise("茶厂")); // no readings in this table
    }
}
