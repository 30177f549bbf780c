using Bunit;
using System.Text.Json.Nodes;
using StarStudio.Core.Cards;
using StarStudio.Parsing.Cards;
using StarStudio.Tests.Unit.Cards;
using StarStudio.Web.Components.Studio.Cards;

namespace StarStudio.Tests.Components.Studio.Cards;

public class CardPreviewViewTests : ComponentTest
{
    private static CardImportPlan Plan(JsonNode card, CardLimits? limits = null) =>
        CardImportMapping.Plan(CardReader.Read(CardFiles.Utf8(card), limits ?? new CardLimits())).Value!;

    private IRenderedComponent<CardPreviewView> RenderPlan(CardImportPlan plan) => Render<CardPreviewView>(p => p.Add(c => c.Plan, plan));

    [Fact]
    public void Preview_ListsWhatMapsWhere_InChinese()
    {
        var cut = RenderPlan(Plan(CardFiles.V3(entries: CardFiles.Entries(4))));

        var rows = cut.FindAll("[data-testid=card-mapped-row]").Select(r => r.TextContent).ToList();
        Assert.Contains(rows, r => r.Contains("first_mes", StringComparison.Ordinal) && r.Contains("开场白", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("character_book", StringComparison.Ordinal) && r.Contains("世界书条目（4 条）", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("personality", StringComparison.Ordinal) && r.Contains("语气", StringComparison.Ordinal));
        Assert.Contains("nickname", cut.Find("[data-testid=card-extras-row]").TextContent, StringComparison.Ordinal);
        Assert.Equal("V3 · JSON", cut.Find("[data-testid=card-format]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=card-macros]"));
        Assert.NotNull(cut.Find("[data-testid=card-nothing-dropped]"));
    }

    [Fact]
    public void Preview_SaysWhatIsDroppedAndWhy()
    {
        var card = CardFiles.V2(entries: CardFiles.Entries(5));
        card["data"]!["first_mes"] = new string('g', 4001);
        var cut = RenderPlan(Plan(card, new CardLimits { MaxLoreEntries = 3 }));

        var dropped = cut.FindAll("[data-testid=card-dropped-row]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, dropped.Count);
        Assert.Contains("世界书：超出 3 条上限的 2 条未导入。", dropped);
        Assert.Contains("first_mes：4,001 个字符，超过智星可保存的 4,000 个。", dropped);
        Assert.Contains("未导入（2 项）", cut.Find("[data-testid=card-dropped]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_ShowsAScriptInTheDescriptionAsText()
    {
        var card = CardFiles.V2();
        card["data"]!["description"] = "<script>alert('x')</script><b>bold</b>";
        var cut = RenderPlan(Plan(card));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("[data-testid=card-mapped] b"));
        Assert.Contains("&lt;script&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Contains(cut.FindAll("[data-testid=card-mapped-row]"), r => r.TextContent.Contains("<script>alert('x')</script>", StringComparison.Ordinal));
    }

    [Fact]
    public void Preview_InEnglish()
    {
        UseCulture("en-US");
        var card = CardFiles.V2();
        card["data"]!["scenario"] = 7;
        var cut = RenderPlan(Plan(card));
        Assert.Contains("scenario: not text, so not imported.", cut.Find("[data-testid=card-dropped]").TextContent, StringComparison.Ordinal);
    }
}
