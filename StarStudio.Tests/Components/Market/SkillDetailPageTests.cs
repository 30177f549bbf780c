using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Web.Components.Market.Catalog;

namespace StarStudio.Tests.Components.Market;

public sealed class SkillDetailPageTests : ComponentTest
{
    private static readonly Guid SkillId = Guid.NewGuid();

    private sealed class FakeCatalog(Func<SkillDetail?> detail) : ISkillCatalogService
    {
        public Task<Result<CatalogPage>> SearchAsync(CatalogQuery query, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<SkillDetail>> DetailAsync(Guid skillId, CancellationToken ct = default) =>
            Task.FromResult(detail() is { } d ? Result<SkillDetail>.Ok(d) : Result<SkillDetail>.NotFound());

        public Task<Result<ReviewPage>> ReviewsAsync(Guid skillId, int page, CancellationToken ct = default) =>
            Task.FromResult(Result<ReviewPage>.Ok(new ReviewPage([Review("第二页的评价")], page, false)));
    }

    private sealed class FakeReviews : ISkillReviewService
    {
        public List<ReviewInput> Created { get; } = [];
        public List<(Guid Review, string? Text)> Replies { get; } = [];
        public Result<ReviewView> CreateResult { get; set; } = Result<ReviewView>.Invalid(ReviewRules.BodyField, ReviewRules.DuplicateCode);

        public Task<Result<ReviewView>> CreateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default)
        {
            Created.Add(input);
            return Task.FromResult(CreateResult);
        }

        public Task<Result<ReviewView>> UpdateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> DeleteAsync(Guid skillId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<bool>> ReplyAsync(Guid reviewId, string? reply, CancellationToken ct = default)
        {
            Replies.Add((reviewId, reply));
            return Task.FromResult(Result<bool>.Invalid(ReviewRules.ReplyField, ReviewRules.NotMakerCode));
        }
    }

    private static ReviewView Review(string body, string? reply = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "alice", 4, body, reply, reply is null ? null : DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static SkillDetail Detail(bool maker, bool moreReviews = false) => new(
        new SkillCard(SkillId, "天气预报", "🌤", "七天天气预报", "Seven-day forecast", "weather", SkillPricingType.Subscription, 9.9m, 4.5m, 2, 3, 10, DateTimeOffset.UtcNow, 0),
        Guid.NewGuid(), "1.1.0",
        """{"type":"object","required":["city"],"properties":{"city":{"type":"string","description":"城市名"}}}""", "{}",
        [new SkillExample("明天北京会下雨吗", "{\n  \"city\": \"北京\"\n}", "按城市")],
        SkillPlans.For(SkillPricingType.Subscription),
        [new SkillVersionEntry(Guid.NewGuid(), "1.1.0", "支持空气质量", DateTimeOffset.UtcNow), new SkillVersionEntry(Guid.NewGuid(), "1.0.0", "首个版本", DateTimeOffset.UtcNow.AddDays(-3))],
        [0, 0, 0, 1, 1],
        new ReviewPage([Review("很准", "谢谢"), Review("还行")], 1, moreReviews),
        null, maker, !maker);

    private FakeReviews Setup(Func<SkillDetail?> detail)
    {
        var reviews = new FakeReviews();
        Context.Services.AddSingleton<ISkillCatalogService>(new FakeCatalog(detail));
        Context.Services.AddSingleton<ISkillReviewService>(reviews);
        // The subscribe panel has its own tests (SubscribePanelTests); here it is only placed.
        Context.ComponentFactories.AddStub<StarStudio.Web.Components.Market.Subscriptions.SubscribePanel>();
        Context.Render<MudBlazor.MudPopoverProvider>();
        return reviews;
    }

    [Fact]
    public void ShowsTheVersionSchemasExamplesPlansVersionsAndReviews_AndTheSlotForTheSubscribePanel()
    {
        Setup(() => Detail(maker: false));

        var cut = Render<SkillDetailPage>(p => p.Add(x => x.Id, SkillId));

        Assert.Equal("天气预报", cut.Find("[data-testid=skill-detail-name]").TextContent.Trim());
        Assert.Equal("¥9.90 / 月", cut.Find("[data-testid=skill-detail-price]").TextContent.Trim());
        Assert.Contains("月付", cut.Find("[data-testid=skill-detail-plans]").TextContent, StringComparison.Ordinal);
        Assert.Contains(cut.FindAll("[data-testid=schema-field]"), f => f.TextContent.Contains("城市名", StringComparison.Ordinal));
        Assert.Contains("明天北京会下雨吗", cut.Find("[data-testid=skill-detail-example]").TextContent, StringComparison.Ordinal);
        Assert.Contains("支持空气质量", cut.Find("[data-testid=skill-detail-versions]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("[data-testid=rating-count-5]").TextContent.Trim());
        Assert.Equal(2, cut.FindAll("[data-testid=review-item]").Count);
        Assert.Contains("谢谢", cut.Find("[data-testid=review-maker-reply]").TextContent, StringComparison.Ordinal);
        var panel = Assert.Single(cut.FindComponents<Bunit.TestDoubles.Stub<StarStudio.Web.Components.Market.Subscriptions.SubscribePanel>>());
        Assert.Equal(SkillId, panel.Instance.Parameters.Get(x => x.SkillId));
        Assert.NotNull(cut.Find("[data-testid=review-form]"));
        Assert.Empty(cut.FindAll("[data-testid=review-reply-input]"));
    }

    [Fact]
    public async Task ASecondReview_IsRefusedAtTheBodyField()
    {
        var reviews = Setup(() => Detail(maker: false));
        var cut = Render<SkillDetailPage>(p => p.Add(x => x.Id, SkillId));

        await cut.FindAll("[data-testid=review-rating] .mud-rating-item")[3].ClickAsync();
        await cut.Find("#review-body").ChangeAsync("第二条评价");
        await cut.Find("[data-testid=review-submit]").ClickAsync();

        Assert.Equal(new ReviewInput(4, "第二条评价"), Assert.Single(reviews.Created));
        Assert.Contains("你已经评价过这个技能", cut.Find("[data-testid=review-form]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=review-error]"));
    }

    [Fact]
    public async Task TheMaker_AnswersReviews_InsteadOfWritingOne_AndSeesARefusalAtTheReply()
    {
        var reviews = Setup(() => Detail(maker: true, moreReviews: true));
        var cut = Render<SkillDetailPage>(p => p.Add(x => x.Id, SkillId));

        Assert.Empty(cut.FindAll("[data-testid=review-form]"));
        Assert.NotNull(cut.Find("[data-testid=review-own-skill]"));
        await cut.FindAll("input[data-testid=review-reply-input]")[1].ChangeAsync("会改进");
        await cut.FindAll("[data-testid=review-reply-submit]")[1].ClickAsync();

        Assert.Equal("会改进", Assert.Single(reviews.Replies).Text);
        Assert.Contains("只有技能的开发者可以回复评价", cut.Markup, StringComparison.Ordinal);

        await cut.Find("[data-testid=reviews-more]").ClickAsync();
        Assert.Equal(3, cut.FindAll("[data-testid=review-item]").Count);
        Assert.Empty(cut.FindAll("[data-testid=reviews-more]"));
    }

    [Fact]
    public void AnUnknownOrUnpublishedSkill_SaysSo()
    {
        Setup(() => null);

        var cut = Render<SkillDetailPage>(p => p.Add(x => x.Id, SkillId));

        Assert.Contains("尚未上架", cut.Find("[data-testid=skill-detail-missing]").TextContent, StringComparison.Ordinal);
    }
}
