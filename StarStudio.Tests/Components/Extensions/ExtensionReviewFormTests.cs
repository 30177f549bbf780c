using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Web.Components.Extensions;

namespace StarStudio.Tests.Components.Extensions;

public sealed class ExtensionReviewFormTests : ComponentTest
{
    private readonly FakeExtensionService extensions = new();

    public ExtensionReviewFormTests() => Context.Services.AddSingleton<IExtensionService>(extensions);

    [Fact]
    public void Send_WithoutStars_ShowsTheRatingError()
    {
        extensions.ReviewResult = Result<ExtensionReviewView>.Invalid("rating", "Extensions.Reviews.Rating");
        var cut = Render<ExtensionReviewForm>(p => p.Add(c => c.ExtensionId, "warm-chat"));

        cut.Find("[data-testid=extension-review-send]").Click();

        cut.WaitForAssertion(() => Assert.Equal("请选择 1 到 5 星。", cut.Find("[data-testid=extension-review-rating-error]").TextContent));
        Assert.Equal(["review:warm-chat:0:"], extensions.Calls);
    }

    [Fact]
    public void Send_NotInstalled_SaysSo()
    {
        extensions.ReviewResult = Result<ExtensionReviewView>.Invalid("rating", "Extensions.Reviews.NotInstalled");
        var cut = Render<ExtensionReviewForm>(p => p.Add(c => c.ExtensionId, "warm-chat"));

        cut.Find("[data-testid=extension-review-send]").Click();

        cut.WaitForAssertion(() => Assert.Contains("只有安装了此扩展的用户才能评价", cut.Markup));
    }

    [Fact]
    public void Edit_StartsFromTheExistingReview_AndSavesTheChosenStars()
    {
        ExtensionReviewView? saved = null;
        var existing = new ExtensionReviewView(Guid.NewGuid(), "我", 3, "还行", "1.0.0", 0, false, true, DateTimeOffset.UtcNow);
        var cut = Render<ExtensionReviewForm>(p => p.Add(c => c.ExtensionId, "warm-chat").Add(c => c.Existing, existing).Add(c => c.OnSaved, v => saved = v));

        Assert.Contains("修改你的评价", cut.Markup);
        cut.FindAll(".mud-rating-item")[4].Click();
        cut.Find("textarea").Change("很好用");
        cut.Find("[data-testid=extension-review-send]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(saved));
        Assert.Equal(["review:warm-chat:5:很好用"], extensions.Calls);
    }
}
