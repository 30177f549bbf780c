using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Data.Market.Catalog;

namespace StarStudio.Tests.Integration.Market.Catalog;

/// <summary>The detail page's data and the review rules, against PostgreSQL as the app role.</summary>
public sealed class SkillReviewsAndDetailTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private SkillCatalogService Catalog(UserContext user) => new(pg.Db(user));

    private SkillReviewService Reviews(UserContext user) => new(pg.Db(user), TimeProvider.System);

    private async Task<(UserContext Maker, Guid Skill)> PublishedAsync(SkillSpec? spec = null)
    {
        var maker = await CatalogArrange.MakerAsync(pg);
        var (skill, _) = await CatalogArrange.SkillAsync(pg, maker, spec ?? new SkillSpec("天气预报") { Description = "天气" });
        return (maker, skill);
    }

    [Fact]
    public async Task Detail_ShowsThePublishedVersion_ItsPlans_ThePublishedVersionsOnly_AndNothingForDraftsOrSuspended()
    {
        var maker = await CatalogArrange.MakerAsync(pg);
        var spec = new SkillSpec("图书检索")
        {
            Description = "检索馆藏", Pricing = SkillPricingType.Subscription, Price = 9.9m, Category = "library",
            Examples = """[{"question":"有没有《三体》","arguments":{"title":"三体"},"note":"按书名"}]""",
        };
        var (skill, v1) = await CatalogArrange.SkillAsync(pg, maker, spec);
        var v2 = await CatalogArrange.AddVersionAsync(pg, skill, maker.UserId!.Value, "1.1.0", spec with { Name = "图书检索 Pro" }, SkillVersionStatus.Published,
            "支持 ISBN", DateTimeOffset.UtcNow.AddMinutes(1));
        await CatalogArrange.AddVersionAsync(pg, skill, maker.UserId!.Value, "2.0.0", spec, SkillVersionStatus.PendingReview, "未审");
        await CatalogArrange.PublishAsync(pg, skill, v2);
        var reader = await pg.CreateUserAsync();

        var detail = (await Catalog(reader).DetailAsync(skill)).Value!;

        Assert.Equal("图书检索 Pro", detail.Card.Name);
        Assert.Equal("1.1.0", detail.Version);
        Assert.Equal(v2, detail.VersionId);
        Assert.Equal([SkillPlans.Monthly, SkillPlans.Quarterly, SkillPlans.Yearly], detail.Plans);
        Assert.Equal(9.9m, detail.Card.Price);
        Assert.Equal(["1.1.0", "1.0.0"], detail.Versions.Select(v => v.Version));
        Assert.Equal("支持 ISBN", detail.Versions[0].ChangeLog);
        Assert.Contains("\"city\"", detail.InputSchema, StringComparison.Ordinal);
        var example = Assert.Single(detail.Examples);
        Assert.Equal("有没有《三体》", example.Question);
        Assert.Contains("三体", example.Arguments, StringComparison.Ordinal);
        Assert.True(detail.CanReview);
        Assert.False(detail.IsMaker);
        Assert.Null(detail.MyReview);
        Assert.Equal([0, 0, 0, 0, 0], detail.RatingCounts);
        Assert.NotEqual(v1, detail.VersionId);

        var mine = (await Catalog(maker).DetailAsync(skill)).Value!;
        Assert.True(mine.IsMaker);
        Assert.False(mine.CanReview);
        Assert.False((await Catalog(UserContext.Anonymous).DetailAsync(skill)).Value!.CanReview);

        var (draft, _) = await CatalogArrange.SkillAsync(pg, maker, new SkillSpec("草稿") { Status = SkillStatus.Draft, VersionStatus = SkillVersionStatus.PendingReview });
        var (suspended, _) = await CatalogArrange.SkillAsync(pg, maker, new SkillSpec("停用") { Status = SkillStatus.Suspended });
        Assert.Equal(ResultKind.NotFound, (await Catalog(reader).DetailAsync(draft)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Catalog(reader).DetailAsync(suspended)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Catalog(maker).DetailAsync(draft)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Catalog(reader).DetailAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task ASecondReviewByTheSameUser_IsRefusedAtTheBody_AndTheRatingIsKeptByTheDatabase()
    {
        var (_, skill) = await PublishedAsync();
        var alice = await pg.CreateUserAsync();
        var bob = await pg.CreateUserAsync();

        var first = await Reviews(alice).CreateAsync(skill, new ReviewInput(5, "  很准  "));
        Assert.True(first.Succeeded);
        Assert.Equal("很准", first.Value!.Body);
        var second = await Reviews(alice).CreateAsync(skill, new ReviewInput(1, "再来一条"));
        Assert.Equal(ResultKind.Invalid, second.Kind);
        Assert.Equal(new FieldError(ReviewRules.BodyField, ReviewRules.DuplicateCode).Field, Assert.Single(second.Errors).Field);
        Assert.Equal(ReviewRules.DuplicateCode, second.Errors[0].Code);
        Assert.True((await Reviews(bob).CreateAsync(skill, new ReviewInput(2, ""))).Succeeded);

        await using var db = pg.OwnerContext();
        var s = await db.Skills.AsNoTracking().SingleAsync(x => x.Id == skill);
        Assert.Equal(2, s.RatingCount);
        Assert.Equal(3.5m, s.RatingAvg);
        Assert.Equal(1, await db.SkillReviews.CountAsync(r => r.SkillId == skill && r.UserId == alice.UserId));
    }

    [Fact]
    public async Task Reviews_AreRefusedOnOwnSkills_UnpublishedSkills_AndOutOfRangeInput()
    {
        var (maker, skill) = await PublishedAsync();
        var (draft, _) = await CatalogArrange.SkillAsync(pg, maker, new SkillSpec("草稿") { Status = SkillStatus.Draft, VersionStatus = SkillVersionStatus.PendingReview });
        var (suspended, _) = await CatalogArrange.SkillAsync(pg, maker, new SkillSpec("停用") { Status = SkillStatus.Suspended });
        var user = await pg.CreateUserAsync();

        Assert.Equal(ReviewRules.OwnSkillCode, Assert.Single((await Reviews(maker).CreateAsync(skill, new ReviewInput(5, "自夸"))).Errors).Code);
        Assert.Equal(ReviewRules.NotPublishedCode, Assert.Single((await Reviews(user).CreateAsync(draft, new ReviewInput(4, ""))).Errors).Code);
        Assert.Equal(ReviewRules.NotPublishedCode, Assert.Single((await Reviews(user).CreateAsync(suspended, new ReviewInput(4, ""))).Errors).Code);
        var bad = await Reviews(user).CreateAsync(skill, new ReviewInput(6, new string('长', ReviewRules.MaxBodyLength + 1)));
        Assert.Contains(bad.Errors, e => e is { Field: ReviewRules.RatingField, Code: "Market.Catalog.Review.Rating.Range" });
        Assert.Contains(bad.Errors, e => e is { Field: ReviewRules.BodyField, Code: "Market.Catalog.Review.Body.TooLong" });
        Assert.Equal(ResultKind.Forbidden, (await Reviews(UserContext.Anonymous).CreateAsync(skill, new ReviewInput(4, ""))).Kind);

        await using var db = pg.OwnerContext();
        Assert.Equal(0, await db.SkillReviews.CountAsync(r => r.SkillId == skill || r.SkillId == draft || r.SkillId == suspended));
    }

    [Fact]
    public async Task MyReview_CanBeChangedAndDeleted_AndTheDetailShowsItWithTheCounts()
    {
        var (_, skill) = await PublishedAsync();
        var user = await pg.CreateUserAsync();
        Assert.Equal(ReviewRules.NotFoundCode, Assert.Single((await Reviews(user).UpdateAsync(skill, new ReviewInput(3, "x"))).Errors).Code);
        await Reviews(user).CreateAsync(skill, new ReviewInput(2, "一般"));

        var updated = await Reviews(user).UpdateAsync(skill, new ReviewInput(4, "更新后不错"));
        Assert.True(updated.Succeeded);
        var detail = (await Catalog(user).DetailAsync(skill)).Value!;
        Assert.Equal("更新后不错", detail.MyReview!.Body);
        Assert.Equal([0, 0, 0, 1, 0], detail.RatingCounts);
        Assert.Equal(4m, detail.Card.RatingAvg);

        Assert.True((await Reviews(user).DeleteAsync(skill)).Succeeded);
        var after = (await Catalog(user).DetailAsync(skill)).Value!;
        Assert.Null(after.MyReview);
        Assert.Equal(0, after.Card.RatingCount);
        Assert.Equal(ReviewRules.NotFoundCode, Assert.Single((await Reviews(user).DeleteAsync(skill)).Errors).Code);
    }

    [Fact]
    public async Task OnlyTheMakerReplies_AndReviewsArePagedNewestFirstWithTheReply()
    {
        var (maker, skill) = await PublishedAsync();
        var otherMaker = await CatalogArrange.MakerAsync(pg);
        var reviewers = new List<UserContext>();
        for (var i = 0; i < ReviewRules.PageSize + 2; i++)
        {
            var u = await pg.CreateUserAsync();
            reviewers.Add(u);
            Assert.True((await Reviews(u).CreateAsync(skill, new ReviewInput(1 + (i % 5), $"第{i}条"))).Succeeded);
        }

        var newest = (await Catalog(maker).DetailAsync(skill)).Value!.Reviews;
        Assert.Equal(ReviewRules.PageSize, newest.Items.Count);
        Assert.True(newest.HasMore);
        Assert.Equal($"第{ReviewRules.PageSize + 1}条", newest.Items[0].Body);
        var target = newest.Items[0].Id;

        var refused = await Reviews(otherMaker).ReplyAsync(target, "不是我的技能");
        Assert.Equal(ReviewRules.NotMakerCode, Assert.Single(refused.Errors).Code);
        Assert.Equal(ReviewRules.NotMakerCode, Assert.Single((await Reviews(reviewers[0]).ReplyAsync(target, "自问自答")).Errors).Code);
        Assert.Equal("Market.Catalog.Review.Reply.TooLong", Assert.Single((await Reviews(maker).ReplyAsync(target, new string('回', 2001))).Errors).Code);
        Assert.True((await Reviews(maker).ReplyAsync(target, " 谢谢反馈 ")).Succeeded);

        var page1 = (await Catalog(UserContext.Anonymous).ReviewsAsync(skill, 1)).Value!;
        Assert.Equal("谢谢反馈", page1.Items[0].MakerReply);
        Assert.NotNull(page1.Items[0].RepliedAt);
        var page2 = (await Catalog(UserContext.Anonymous).ReviewsAsync(skill, 2)).Value!;
        Assert.Equal(["第1条", "第0条"], page2.Items.Select(r => r.Body));
        Assert.False(page2.HasMore);
        Assert.All(page2.Items, r => Assert.False(string.IsNullOrEmpty(r.Author)));
    }
}
