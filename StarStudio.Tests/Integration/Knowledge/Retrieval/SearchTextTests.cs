using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Retrieval;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>The full-text form of chunks and questions (pure functions), and that PostgreSQL reads it as intended.</summary>
public sealed class SearchTextTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Theory]
    [InlineData("", "")]
    [InlineData("Book Binding, 2nd edition!", "book binding 2nd edition")]
    [InlineData("古籍修复", "古籍 籍修 修复")]
    [InlineData("纸", "纸")]
    [InlineData("宣纸 and 竹纸", "宣纸 and 竹纸")]
    [InlineData("用Klucel G加固", "用 klucel g 加固")]
    [InlineData("ＡＩ模型", "ai 模型")]
    [InlineData("修复：纸、墨。", "修复 纸 墨")]
    [InlineData("Ünïcode café", "ünïcode café")]
    [InlineData("ひらがなカタカナ", "ひら らが がな なカ カタ タカ カナ")]
    [InlineData("한국어 텍스트", "한국 국어 텍스 스트")]
    [InlineData("e-mail: a.b@c.de", "e mail a b c de")]
    public void For_SplitsWordsAndCjkBigrams(string text, string expected)
    {
        Assert.Equal(expected, SearchText.For(text));
    }

    [Fact]
    public void For_DecomposedAccents_StayInTheWord()
    {
        Assert.Equal("cafe\u0301 noir", SearchText.For("Cafe\u0301 noir"));
    }

    [Fact]
    public void For_SupplementaryPlaneHan_IsOneCharacter()
    {
        Assert.Equal("𠀀𠀁 𠀁字", SearchText.For("𠀀𠀁字"));
    }

    [Fact]
    public void For_DropsOverlongTokens()
    {
        var junk = new string('x', SearchText.MaxTokenLength + 1);

        Assert.Equal("before after", SearchText.For($"before {junk} after"));
    }

    [Fact]
    public void QueryTerms_AreDistinctAndWithoutStopWords()
    {
        Assert.Equal(["修复", "复用", "用什", "么纸", "纸张"], SearchText.QueryTerms("修复用什么纸张？"));
        Assert.Equal(["history", "telescope"], SearchText.QueryTerms("What is the history of the telescope? The telescope!"));
    }

    [Fact]
    public void QueryTerms_OfOnlyStopWords_KeepsThem()
    {
        Assert.Equal(["to", "be", "or", "not"], SearchText.QueryTerms("To be or not to be"));
    }

    [Fact]
    public void QueryTerms_AreCapped()
    {
        var question = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"w{i}"));

        Assert.Equal(SearchText.MaxQueryTerms, SearchText.QueryTerms(question).Count);
    }

    [Fact]
    public void ToTsQuery_QuotesEveryTermAndOrsThem()
    {
        Assert.Equal("'古籍' | 'paper' | 'it''s' | 'a\\\\b'", KnowledgeSearchSql.ToTsQuery(["古籍", "paper", "it's", "a\\b", " "]));
        Assert.Equal("", KnowledgeSearchSql.ToTsQuery([]));
    }

    [Fact]
    public async Task PostgreSql_IndexesTheSearchTextAsTheSameLexemes()
    {
        var user = await pg.CreateUserAsync();
        const string text = "古籍修复用竹纸 and Japanese tissue, ＡＩ！";
        var searchText = SearchText.For(text);

        var lexemes = await pg.Db(user).RunAsync((db, _) => db.Database
            .SqlQuery<string>($"SELECT word AS \"Value\" FROM ts_stat({"SELECT to_tsvector('simple', '" + searchText.Replace("'", "''", StringComparison.Ordinal) + "')"}) ORDER BY word")
            .ToListAsync());

        Assert.Equal(SearchText.Tokens(text).Distinct().Order(StringComparer.Ordinal), lexemes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("修复古籍用什么纸？", true)]
    [InlineData("Japanese tissue", true)]
    [InlineData("望远镜", false)]
    [InlineData("it's a 'quote' \\ & | ! ( ) : * <-> tissue", true)]
    public async Task PostgreSql_MatchesQuestionsAgainstTheSearchText_AndTermsCannotInjectOperators(string question, bool expected)
    {
        var user = await pg.CreateUserAsync();
        var searchText = SearchText.For("古籍修复用竹纸 and Japanese tissue");
        var tsquery = KnowledgeSearchSql.ToTsQuery(SearchText.QueryTerms(question));

        var matches = await pg.Db(user).RunAsync((db, _) => db.Database
            .SqlQuery<bool>($"SELECT to_tsvector('simple', {searchText}) @@ to_tsquery('simple', {tsquery}) AS \"Value\"")
            .SingleAsync());

        Assert.Equal(expected, matches);
    }
}
