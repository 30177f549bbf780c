using AngleSharp.Dom;
using Bunit;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Web.Components.Studio.Stars;

namespace StarStudio.Tests.Components.Studio;

public class StarFormTests : ComponentTest
{
    private readonly List<StarDraft> submitted = [];

    private IRenderedComponent<StarForm> RenderForm(StarDraft? model = null, IReadOnlyList<FieldError>? serverErrors = null) =>
        Render<StarForm>(p => p
            .Add(f => f.Model, model ?? new StarDraft())
            .Add(f => f.ServerErrors, serverErrors)
            .Add(f => f.SubmitText, "保存")
            .Add(f => f.OnSubmit, d => submitted.Add(d)));

    private static string FieldText(IRenderedComponent<StarForm> cut, string inputId) =>
        cut.Find("#" + inputId).Closest(".mud-input-control")!.TextContent;

    private static Task Fill(IRenderedComponent<StarForm> cut, string inputId, string value) => cut.Find("#" + inputId).InputAsync(value);

    private static Task Save(IRenderedComponent<StarForm> cut) => cut.Find("[data-testid=star-save]").ClickAsync();

    [Fact]
    public async Task StarForm_NameOf81Characters_ShowsTheLimitAtTheFieldAndDoesNotSubmit()
    {
        var cut = RenderForm();
        await Fill(cut, "star-name", new string('星', 81));
        await Fill(cut, "star-domain", "古籍修复");
        await Fill(cut, "star-persona", "修复师");

        await Save(cut);

        Assert.Contains("名称最多 80 个字符", FieldText(cut, "star-name"));
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task StarForm_TooLongNameWhileTyping_ShowsTheErrorBeforeSubmit()
    {
        var cut = RenderForm();

        await Fill(cut, "star-tone", new string('调', 41));

        Assert.Contains("交流风格最多 40 个字符", FieldText(cut, "star-tone"));
        Assert.DoesNotContain("请填写名称", FieldText(cut, "star-name"));
    }

    [Fact]
    public async Task StarForm_BlankForm_ShowsEveryRequiredFieldOnSubmit()
    {
        var cut = RenderForm();

        await Save(cut);

        Assert.Contains("请填写名称", FieldText(cut, "star-name"));
        Assert.Contains("请填写星域", FieldText(cut, "star-domain"));
        Assert.Contains("请填写人格设定", FieldText(cut, "star-persona"));
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task StarForm_ValidInput_SubmitsTheDraftWithParsedTags()
    {
        var cut = RenderForm();
        await Fill(cut, "star-name", "墨痕");
        await Fill(cut, "star-domain", "古籍修复");
        await Fill(cut, "star-persona", "修复师");
        await Fill(cut, "star-tags", "古籍，修复、古籍");

        await Save(cut);

        var draft = Assert.Single(submitted);
        Assert.Equal("墨痕", draft.Name);
        Assert.Equal(["古籍", "修复"], draft.Tags);
    }

    [Fact]
    public void StarForm_ExistingStar_StartsWithItsValues()
    {
        var cut = RenderForm(new StarDraft { Name = "星图", Domain = "天文", Persona = "向导", Tone = "热情", Tags = ["天文", "观星"] });

        Assert.Equal("星图", cut.Find("#star-name").GetAttribute("value"));
        Assert.Equal("天文, 观星", cut.Find("#star-tags").GetAttribute("value"));
        Assert.Equal(2, cut.FindAll("[data-testid=tag-preview] .mud-chip").Count);
    }

    [Fact]
    public void StarForm_ServerErrors_AreShownAtTheirFields()
    {
        var cut = RenderForm(new StarDraft { Name = "x", Domain = "y", Persona = "z" }, [new FieldError("Domain", "Star.Domain.TooLong", 120)]);

        Assert.Contains("星域最多 120 个字符", FieldText(cut, "star-domain"));
    }

    [Fact]
    public async Task StarForm_InEnglish_ShowsEnglishMessages()
    {
        UseCulture("en-US");
        var cut = RenderForm();

        await Save(cut);

        Assert.Contains("Give the star a name.", FieldText(cut, "star-name"));
    }
}
