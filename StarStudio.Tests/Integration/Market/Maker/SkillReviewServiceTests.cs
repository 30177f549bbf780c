using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using static StarStudio.Tests.Integration.Market.Maker.MakerTestKit;

namespace StarStudio.Tests.Integration.Market.Maker;

/// <summary>Admin review against the real database: the queue and its diff, approve, reject, suspend, and what the database refuses.</summary>
public sealed class SkillReviewServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly MakerTestKit kit = new(pg);

    private async Task<(UserContext Maker, Guid SkillId, SkillVersionView Version)> SubmittedAsync(string name = "天气查询")
    {
        var maker = await pg.CreateUserAsync(null, RoleNames.SkillMaker);
        var skill = Ok(await kit.Maker(maker).CreateAsync(Draft(name)));
        var version = Ok(await kit.Maker(maker).SubmitAsync(skill.Id, "1.0.0", "首个版本"));
        return (maker, skill.Id, version);
    }

    private async Task<Skill> StoredAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return await owner.Skills.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private async Task<SkillVersion> StoredVersionAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return await owner.SkillVersions.AsNoTracking().SingleAsync(v => v.Id == id);
    }

    [Fact]
    public async Task OnlyAdmins_Review()
    {
        var (maker, skillId, version) = await SubmittedAsync();
        foreach (var user in new[] { maker, await pg.CreateUserAsync(), UserContext.Anonymous })
        {
            var review = kit.Review(user);
            Assert.Equal(ResultKind.Forbidden, (await review.QueueAsync()).Kind);
            Assert.Equal(ResultKind.Forbidden, (await review.ApproveAsync(version.Id)).Kind);
            Assert.Equal(ResultKind.Forbidden, (await review.RejectAsync(version.Id, "r")).Kind);
            Assert.Equal(ResultKind.Forbidden, (await review.SuspendAsync(skillId, "r")).Kind);
        }

        // A maker's forged claim does not help: the guard refuses publishing one's own skill with raw SQL.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(maker).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE skills SET status = 'published', published_version_id = {version.Id} WHERE id = {skillId}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Equal(SkillVersionStatus.PendingReview, (await StoredVersionAsync(version.Id)).Status);
    }

    [Fact]
    public async Task Queue_IsOldestFirst_WithTheChangesAgainstThePublishedVersion()
    {
        var admin = kit.Review(await pg.CreateAdminAsync());
        var (maker, skillId, v1) = await SubmittedAsync("队列甲");
        Ok(await admin.ApproveAsync(v1.Id));
        var changed = Draft("队列甲");
        changed.Price = 0.1m;
        changed.ApiEndpoint = "https://v2.example.test/weather";
        Ok(await kit.Maker(maker).UpdateAsync(skillId, changed));
        var v2 = Ok(await kit.Maker(maker).SubmitAsync(skillId, "1.1.0", "涨价"));
        var (_, _, other) = await SubmittedAsync("队列乙");

        var queue = Ok(await admin.QueueAsync()).Where(i => i.VersionId == v2.Id || i.VersionId == other.Id).ToList();
        Assert.Equal([v2.Id, other.Id], queue.Select(i => i.VersionId));
        var update = queue[0];
        Assert.Equal(("1.0.0", "1.1.0", "涨价"), (update.PublishedVersion, update.Version, update.ChangeLog));
        Assert.Equal(["ApiEndpoint", "Price"], update.Changes.Select(c => c.Field));
        Assert.Equal(("0.05", "0.1"), (update.Changes[1].Before, update.Changes[1].After));
        Assert.False(string.IsNullOrEmpty(update.MakerName));
        Assert.Null(queue[1].PublishedVersion);
        Assert.Contains(queue[1].Changes, c => c.Field == "Name" && c.Before is null && c.After == "队列乙");
    }

    [Fact]
    public async Task Approve_PublishesTheVersionAndTheSkill_ASecondReviewIsRefused()
    {
        var adminUser = await pg.CreateAdminAsync();
        var admin = kit.Review(adminUser);
        var (_, skillId, version) = await SubmittedAsync();

        var approved = Ok(await admin.ApproveAsync(version.Id));
        Assert.Equal(SkillVersionStatus.Published, approved.Status);
        var skill = await StoredAsync(skillId);
        Assert.Equal((SkillStatus.Published, (Guid?)version.Id), (skill.Status, skill.PublishedVersionId));
        Assert.NotNull(skill.PublishedAt);
        var stored = await StoredVersionAsync(version.Id);
        Assert.Equal(adminUser.UserId, stored.ReviewedBy);
        Assert.NotNull(stored.ReviewedAt);

        AssertError(await admin.ApproveAsync(version.Id), "Status", "Market.Review.AlreadyReviewed");
        AssertError(await kit.Review(await pg.CreateAdminAsync()).RejectAsync(version.Id, "改主意了"), "Status", "Market.Review.AlreadyReviewed");
        Assert.Equal(SkillVersionStatus.Published, (await StoredVersionAsync(version.Id)).Status);

        // And the database refuses it too, whatever the service would say.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(adminUser).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE skill_versions SET status = 'rejected', reject_reason = 'x' WHERE id = {version.Id}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task ConcurrentReviews_OfOneVersion_LeaveExactlyOneReview()
    {
        var (_, skillId, version) = await SubmittedAsync();
        var a = kit.Review(await pg.CreateAdminAsync());
        var b = kit.Review(await pg.CreateAdminAsync());

        var results = await Task.WhenAll(a.ApproveAsync(version.Id), b.RejectAsync(version.Id, "不行"));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => r.Errors.Any(e => e.Code == "Market.Review.AlreadyReviewed"));
        var stored = await StoredVersionAsync(version.Id);
        Assert.Equal(stored.Status == SkillVersionStatus.Published ? SkillStatus.Published : SkillStatus.Draft, (await StoredAsync(skillId)).Status);
    }

    [Fact]
    public async Task Reject_NeedsAReason_TheVersionNeverPublishes_AndAFirstSubmissionGoesBackToDraft()
    {
        var admin = kit.Review(await pg.CreateAdminAsync());
        var (maker, skillId, version) = await SubmittedAsync();

        AssertError(await admin.RejectAsync(version.Id, "  "), "Reason", "Market.Review.Reason.Length");
        AssertError(await admin.RejectAsync(version.Id, new string('因', 501)), "Reason", "Market.Review.Reason.Length");
        var rejected = Ok(await admin.RejectAsync(version.Id, " 接口文档缺失 "));
        Assert.Equal((SkillVersionStatus.Rejected, "接口文档缺失"), (rejected.Status, rejected.RejectReason));
        var skill = await StoredAsync(skillId);
        Assert.Equal((SkillStatus.Draft, (Guid?)null, (DateTimeOffset?)null), (skill.Status, skill.PublishedVersionId, skill.PublishedAt));
        AssertError(await admin.ApproveAsync(version.Id), "Status", "Market.Review.AlreadyReviewed");
        Assert.Equal(SkillVersionStatus.Rejected, (await StoredVersionAsync(version.Id)).Status);

        // The maker sees why, and others do not see the rejected version at all.
        Assert.Equal("接口文档缺失", Assert.Single(Ok(await kit.Maker(maker).ListVersionsAsync(skillId))).RejectReason);
        var stranger = await pg.CreateUserAsync();
        Assert.Equal(0, await pg.Db(stranger).RunAsync((ctx, _) => ctx.SkillVersions.CountAsync(v => v.SkillId == skillId)));
    }

    [Fact]
    public async Task Suspend_TakesTheSkillOutOfTheCatalog_Unsuspend_PutsItBack()
    {
        var admin = kit.Review(await pg.CreateAdminAsync());
        var (maker, skillId, version) = await SubmittedAsync();
        var stranger = await pg.CreateUserAsync();
        Task<int> Visible() => pg.Db(stranger).RunAsync((ctx, _) => ctx.Skills.CountAsync(s => s.Id == skillId));

        AssertError(await admin.SuspendAsync(skillId, "违规"), "Status", "Market.Review.NotPublished"); // not published yet
        Ok(await admin.ApproveAsync(version.Id));
        Assert.Equal(1, await Visible());

        AssertError(await admin.SuspendAsync(skillId, ""), "Reason", "Market.Review.Reason.Length");
        var suspended = Ok(await admin.SuspendAsync(skillId, "接口返回违规内容"));
        Assert.Equal((SkillStatus.Suspended, "接口返回违规内容"), (suspended.Status, suspended.SuspendedReason));
        Assert.Equal(0, await Visible());
        Assert.Contains(Ok(await admin.ListSkillsAsync()), s => s.Id == skillId && s.Status == SkillStatus.Suspended);
        var mine = Assert.Single(Ok(await kit.Maker(maker).ListMineAsync()));
        Assert.Equal((SkillStatus.Suspended, "接口返回违规内容"), (mine.Status, mine.SuspendedReason));

        // A suspended skill takes no new version, and the maker cannot lift the suspension.
        AssertError(await kit.Maker(maker).SubmitAsync(skillId, "2.0.0", "修好了"), "Status", "Market.Version.SkillSuspended");
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(maker).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE skills SET status = 'published', suspended_reason = NULL WHERE id = {skillId}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);

        var back = Ok(await admin.UnsuspendAsync(skillId));
        Assert.Equal((SkillStatus.Published, null, "1.0.0"), (back.Status, back.SuspendedReason, back.PublishedVersion));
        Assert.Equal(1, await Visible());
        AssertError(await admin.UnsuspendAsync(skillId), "Status", "Market.Review.NotSuspended");
    }
}
