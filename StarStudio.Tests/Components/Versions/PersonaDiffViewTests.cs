using Bunit;
using StarStudio.Core.Stars;
using StarStudio.Web.Components.Studio.Versions;

namespace StarStudio.Tests.Components.Versions;

public sealed class PersonaDiffViewTests : ComponentTest
{
    private static readonly PersonaSnapshot V1 =
        new("墨痕", "古籍修复", "她是一位修复师。", "温和", ["古籍"], "", "你好。", [], "", "", "");

    [Fact]
    public void ChangedField_ShowsDeletionsLeftAndInsertionsRight_UnchangedFieldsFolded()
    {
        var v3 = V1 with { Persona = "她是一位严谨的修复师。" };

        var cut = Render<PersonaDiffView>(p => p
            .Add(c => c.Comparison, PersonaComparison.Of(V1, v3))
            .Add(c => c.LeftTitle, "v1")
            .Add(c => c.RightTitle, "v3"));

        Assert.Equal("1 项字段有变化", cut.Find("[data-testid=diff-summary]").TextContent.Trim());
        var row = Assert.Single(cut.FindAll("tbody tr"));
        Assert.Equal("diff-field-Persona", row.GetAttribute("data-testid"));
        Assert.Equal("严谨的", row.QuerySelector("[data-testid=diff-ins]")!.TextContent);
        Assert.Null(row.QuerySelector("[data-testid=diff-del]"));
        Assert.Equal("她是一位修复师。", row.QuerySelector("[data-testid=diff-left]")!.TextContent.Trim());
        Assert.Equal("她是一位严谨的修复师。", row.QuerySelector("[data-testid=diff-right]")!.TextContent.Trim());
        Assert.Equal("v3", cut.Find("[data-testid=diff-right-title]").TextContent);
    }

    [Fact]
    public async Task ShowAll_ListsEveryField()
    {
        var cut = Render<PersonaDiffView>(p => p.Add(c => c.Comparison, PersonaComparison.Of(V1, V1 with { Tone = "严肃" })));

        await cut.Find("input[data-testid=diff-show-all]").ChangeAsync(true);

        Assert.Equal(PersonaSnapshot.FieldNames.Count, cut.FindAll("tbody tr").Count);
        Assert.Equal("温和", cut.Find("[data-testid=diff-field-Tone] [data-testid=diff-del]").TextContent);
        Assert.Contains("人设", cut.Find("[data-testid=diff-field-Persona]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ScriptInAPersona_IsShownAsText()
    {
        var cut = Render<PersonaDiffView>(p => p.Add(c => c.Comparison,
            PersonaComparison.Of(V1, V1 with { Persona = "<script>alert(1)</script>" })));

        Assert.Empty(cut.FindAll("script"));
        Assert.Contains("&lt;script&gt;", cut.Markup, StringComparison.Ordinal);
    }
}
