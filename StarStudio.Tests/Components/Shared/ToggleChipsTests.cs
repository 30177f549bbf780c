using Bunit;
using StarStudio.Web.Components.Shared;

namespace StarStudio.Tests.Components.Shared;

/// <summary>MudChipSet's markup in one component: chips are buttons that toggle, say so, and keep the options' order.</summary>
public sealed class ToggleChipsTests : ComponentTest
{
    private static readonly string[] Options = ["深度", "准确", "有用"];

    [Fact]
    public async Task AClick_TogglesAChip_InTheOptionsOrder_AndSaysWhichArePressed()
    {
        IReadOnlyCollection<string>? changed = null;
        var cut = Render<ToggleChips>(p => p.Add(x => x.Options, Options).Add(x => x.Selected, ["有用"]).Add(x => x.CheckMark, true).Add(x => x.TestId, "label")
            .Add(x => x.SelectedChanged, (IReadOnlyCollection<string> v) => changed = v));

        var chips = cut.FindAll("button[data-testid=label]");
        Assert.Equal(Options, chips.Select(c => c.TextContent.Trim()));
        Assert.Equal(["false", "false", "true"], chips.Select(c => c.GetAttribute("aria-pressed")));
        Assert.Contains("mud-chip-selected", chips[2].ClassList);
        Assert.NotNull(chips[2].QuerySelector("svg.mud-chip-icon"));
        Assert.Null(chips[0].QuerySelector("svg"));

        await cut.FindAll("button[data-testid=label]")[0].ClickAsync();

        Assert.Equal(["深度", "有用"], changed);
        Assert.Equal("true", cut.FindAll("button[data-testid=label]")[0].GetAttribute("aria-pressed"));

        await cut.FindAll("button[data-testid=label]")[2].ClickAsync();

        Assert.Equal(["深度"], changed);
        Assert.DoesNotContain("mud-chip-selected", cut.FindAll("button[data-testid=label]")[2].ClassList);
    }

    [Fact]
    public void Disabled_ChipsCannotBePressed_AndNoKeyInterceptorIsConnected()
    {
        var cut = Render<ToggleChips>(p => p.Add(x => x.Options, Options).Add(x => x.Disabled, true));

        Assert.All(cut.FindAll("button"), b => Assert.True(b.HasAttribute("disabled")));
        Assert.Empty(Context.JSInterop.Invocations);
    }
}
