using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Core.Identity;
using StarStudio.Core.Market;
using StarStudio.Core.Reports;
using StarStudio.Core.ReviewInbox;
using StarStudio.Core.Stars;
using StarStudio.Data.Extensions;
using StarStudio.Data.ReviewInbox;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Market.Maker;
using StarStudio.Tests.Integration.Reports;
using static StarStudio.Tests.Integration.Reports.ReportTestKit;

namespace StarStudio.Tests.Integration.ReviewInbox;

/// <summary>
/// The inbox over the real database: counts of every kind, oldest first, and decisions through the inbox that change
/// the real rows (through each feature's review service) and write their audit entries. Tests in a class run one after
/// another on one database, so counts are compared before and after.
/// </summary>
public sealed class ReviewInboxServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly MakerTestKit makers = new(pg);
    private readonly ReportTestKit reports = new(pg);
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-inbox-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private ReviewInboxService Inbox(UserContext user)
    {
        var db = pg.Db(user);
        return new ReviewInboxService(db, TimeProvider.System, makers.Review(user), new ExtensionService(db, TimeProvider.System),
            new StarReviewService(db, TimeProvider.System), reports.Reports(user));
    }

    private async Task<Guid> PendingSkillAsync(string name)
    {
        var maker = await pg.CreateUserAsync(null, RoleNames.SkillMaker);
        var skill = Ok(await makers.Maker(maker).CreateAsync(MakerTestKit.Draft(name)));
        return Ok(await makers.Maker(maker).SubmitAsync(skill.Id, "1.0.0", "首个版本")).Id;
    }

    private async Task<Guid> PendingExtensionAsync()
    {
        var maker = await pg.CreateUserAsync(null, RoleNames.SkillMaker);
        var id = Extensions.ExtensionTestData.NewId();
        return Ok(await new ExtensionService(pg.Db(maker), TimeProvider.System).PublishAsync(Extensions.ExtensionTestData.ChatTemplate(id, "1.0.0"))).Id;
    }

    private async Task<(Guid StarId, Guid ReviewId)> PendingStarAsync(UserContext admin)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var stars = new StarServiceFactory(new LocalObjectStore(objectsRoot), TimeProvider.System);
        var star = Ok(await stars.Create(pg.Db(owner)).CreateAsync(new StarDraft { Name = "待审星", Domain = "测试", Persona = "一颗等待公开的星。" }));
        Ok(await stars.Create(pg.Db(owner)).SetPublicAsync(star.Id, true));
        var review = Assert.Single(Ok(await new StarReviewService(pg.Db(admin), TimeProvider.System).ListPendingAsync()), r => r.StarId == star.Id);
        return (star.Id, review.ReviewId);
    }

    [Fact]
    public async Task Load_CountsEveryKind_AndListsThemOldestFirst()
    {
        var admin = await pg.CreateAdminAsync();
        var before = Ok(await Inbox(admin).LoadAsync(new InboxFilter())).Waiting;

        var skillVersion = await PendingSkillAsync("收件箱技能");
        var extensionVersion = await PendingExtensionAsync();
        var (_, starReview) = await PendingStarAsync(admin);
        var report = Ok(await reports.Reports(await pg.CreateUserAsync()).ReportAsync(
            ReportTarget.Star(await reports.StarAsync(await pg.CreateUserAsync(null, RoleNames.StarOwner))), ReportCategories.Spam, null));

        var page = Ok(await Inbox(admin).LoadAsync(new InboxFilter()));

        foreach (var kind in Enum.GetValues<InboxKind>())
        {
            Assert.Equal(before.GetValueOrDefault(kind) + 1, page.Waiting[kind]);
        }

        var ids = page.Items.Select(i => i.Id).ToList();
        Assert.Equal(new[] { skillVersion, extensionVersion, starReview, report.Id }, ids.Where(id => id == skillVersion || id == extensionVersion || id == starReview || id == report.Id));
        Assert.Equal(page.Items.OrderBy(i => i.SubmittedAt).Select(i => i.Id), ids);

        // Filters: one kind; an age nothing here has reached; decided reports only.
        Assert.All(Ok(await Inbox(admin).LoadAsync(new InboxFilter(Kind: InboxKind.Extension))).Items, i => Assert.Equal(InboxKind.Extension, i.Kind));
        Assert.DoesNotContain(Ok(await Inbox(admin).LoadAsync(new InboxFilter(Age: InboxAge.OverADay))).Items, i => ids.Contains(i.Id));
        Assert.DoesNotContain(Ok(await Inbox(admin).LoadAsync(new InboxFilter(Status: InboxStatus.Dismissed))).Items, i => i.Id == report.Id);
        // The badges count everything waiting whatever the filter shows.
        Assert.Equal(page.Waiting, Ok(await Inbox(admin).LoadAsync(new InboxFilter(Kind: InboxKind.Report))).Waiting);
    }

    [Fact]
    public async Task NonAdmin_IsForbidden()
    {
        var maker = await pg.CreateUserAsync(null, RoleNames.SkillMaker);

        Assert.Equal(ResultKind.Forbidden, (await Inbox(maker).LoadAsync(new InboxFilter())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Inbox(maker).ApproveAsync(InboxKind.Skill, await PendingSkillAsync("越权"))).Kind);
    }

    [Fact]
    public async Task Approve_Skill_PublishesTheRealRows_AndAuditsIt()
    {
        var admin = await pg.CreateAdminAsync();
        var versionId = await PendingSkillAsync("审核通过技能");

        Ok(await Inbox(admin).ApproveAsync(InboxKind.Skill, versionId));

        await using var db = pg.OwnerContext();
        var version = await db.SkillVersions.AsNoTracking().SingleAsync(v => v.Id == versionId);
        var skill = await db.Skills.AsNoTracking().SingleAsync(s => s.Id == version.SkillId);
        Assert.Equal((SkillVersionStatus.Published, SkillStatus.Published, versionId), (version.Status, skill.Status, skill.PublishedVersionId!.Value));
        var entry = await db.AuditLogs.AsNoTracking().SingleAsync(e => e.Action == AuditActions.ReviewApproved && e.TargetId == skill.Id.ToString());
        Assert.Equal((admin.UserId, AuditTargets.Skill, "审核通过技能 1.0.0"), (entry.ActorId, entry.TargetType, entry.TargetLabel));
        Assert.Equal("PendingReview", entry.BeforeValue!.RootElement.GetProperty("versionStatus").GetString());
        Assert.Equal("Published", entry.AfterValue!.RootElement.GetProperty("versionStatus").GetString());
        Assert.DoesNotContain(Ok(await Inbox(admin).LoadAsync(new InboxFilter())).Items, i => i.Id == versionId);
    }

    [Fact]
    public async Task Reject_Extension_NeedsAReason_ThenRejectsTheRealRow_AndAuditsTheReason()
    {
        var admin = await pg.CreateAdminAsync();
        var versionId = await PendingExtensionAsync();

        AssertError(await Inbox(admin).RejectAsync(InboxKind.Extension, versionId, "  "), "reason", "Extensions.Review.ReasonRequired");
        Ok(await Inbox(admin).RejectAsync(InboxKind.Extension, versionId, "权限说明不清楚"));

        await using var db = pg.OwnerContext();
        var version = await db.ExtensionVersions.AsNoTracking().SingleAsync(v => v.Id == versionId);
        Assert.Equal((ExtensionVersionStatuses.Rejected, "权限说明不清楚"), (version.Status, version.RejectReason));
        var entry = await db.AuditLogs.AsNoTracking().SingleAsync(e => e.Action == AuditActions.ReviewRejected && e.TargetId == version.ExtensionId);
        Assert.Equal((admin.UserId, AuditTargets.Extension, "权限说明不清楚"), (entry.ActorId, entry.TargetType, entry.Reason));
        // Decided is decided: a second decision is refused by the feature's own rule.
        AssertError(await Inbox(admin).ApproveAsync(InboxKind.Extension, versionId), "version", "Extensions.Review.AlreadyReviewed");
    }

    [Fact]
    public async Task Star_RejectNeedsAReason_ApproveMakesItPublic_BothAudited()
    {
        var admin = await pg.CreateAdminAsync();
        var (starId, reviewId) = await PendingStarAsync(admin);

        AssertError(await Inbox(admin).RejectAsync(InboxKind.Star, reviewId, ""), "Reason", "Review.Reason.Required");
        Ok(await Inbox(admin).ApproveAsync(InboxKind.Star, reviewId));

        await using var db = pg.OwnerContext();
        Assert.True(await db.Stars.Where(s => s.Id == starId).Select(s => s.IsPublic).SingleAsync());
        Assert.Equal(StarReviewStatus.Approved, await db.StarReviews.Where(r => r.Id == reviewId).Select(r => r.Status).SingleAsync());
        var entry = await db.AuditLogs.AsNoTracking().SingleAsync(e => e.Action == AuditActions.ReviewApproved && e.TargetId == starId.ToString());
        Assert.Equal((admin.UserId, AuditTargets.Star, "待审星"), (entry.ActorId, entry.TargetType, entry.TargetLabel));
    }

    [Fact]
    public async Task Reports_AreNotApprovedOrRejected_TheyAreResolvedOrDismissed()
    {
        var admin = await pg.CreateAdminAsync();
        var report = Ok(await reports.Reports(await pg.CreateUserAsync()).ReportAsync(
            ReportTarget.Star(await reports.StarAsync(await pg.CreateUserAsync(null, RoleNames.StarOwner))), ReportCategories.Other, null));

        AssertError(await Inbox(admin).ApproveAsync(InboxKind.Report, report.Id), "Kind", "Inbox.NotReviewable");
        Ok(await Inbox(admin).DismissReportAsync(report.Id, "没有问题"));

        Assert.Contains(Ok(await Inbox(admin).LoadAsync(new InboxFilter(Status: InboxStatus.Dismissed))).Items, i => i.Id == report.Id);
        Assert.Equal(ReportStatuses.Dismissed, (await reports.StoredAsync(report.Id)).Status);
    }
}
