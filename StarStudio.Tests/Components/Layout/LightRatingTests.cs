using Bunit;
using StarStudio.Web.Components.Shared;

namespace StarStudio.Tests.Components.Layout;

/// <summary>MudRating's markup and behaviour in one component (docs/scaling.md).</summary>
public sealed class LightRatingTests : ComponentTest
{
    [Fact]
    public async Task Click_ChoosesAStar_AndTheSameStarAgainClearsIt()
    {
        var chosen = new List<int>();
        var cut = Render<LightRating>(p => p.Add(x => x.SelectedValue, 0)
            .Add(x => x.SelectedValueChanged, v => chosen.Add(v))
            .AddUnmatched("data-testid", "chat-rating"));

        Assert.Equal(5, cut.FindAll("[data-testid=chat-rating] .mud-rating-item").Count);
        Assert.Empty(cut.FindAll(".mud-rating-input[checked]"));

        await cut.FindAll(".mud-rating-item")[3].ClickAsync();
        Assert.Equal([4], chosen);
        Assert.Equal("4", cut.Find(".mud-rating-input[checked]").GetAttribute("value"));
        Assert.Equal("4 星", cut.FindAll(".mud-rating-input")[3].GetAttribute("aria-label"));

        await cut.FindAll(".mud-rating-item")[3].ClickAsync();
        Assert.Equal([4, 0], chosen);
        Assert.Empty(cut.FindAll(".mud-rating-input[checked]"));
    }

    [Fact]
    public async Task Disabled_IgnoresClicks()
    {
        var chosen = new List<int>();
        var cut = Render<LightRating>(p => p.Add(x => x.SelectedValue, 2).Add(x => x.Disabled, true).Add(x => x.SelectedValueChanged, v => chosen.Add(v)));

        await cut.FindAll(".mud-rating-item")[4].ClickAsync();

        Assert.Empty(chosen);
        Assert.Contains("mud-disabled", cut.Find(".mud-rating-root").ClassName);
        Assert.Equal("2", cut.Find(".mud-rating-input[checked]").GetAttribute("value"));
    }
}
