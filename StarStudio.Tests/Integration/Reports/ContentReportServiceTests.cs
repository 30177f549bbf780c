using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Reports;
using StarStudio.Core.Storage;
using StarStudio.Data.Extensions;
using StarStudio.Data.Storage;
using static StarStudio.Tests.Integration.Reports.ReportTestKit;

namespace StarStudio.Tests.Integration.Reports;

/// <summary>
/// Reports against the real database, as the application's role: who sees which report (RLS), what can be reported,
/// one open report per user and content, the hourly limit held by PostgreSQL under concurrency, and the admin's
/// decisions with their audit entries.
/// </summary>
public sealed class ContentReportServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly ReportTestKit kit = new(pg);

    [Fact]
    public async Task Report_PublicStar_IsStoredWithItsExcerpt_ReporterSeesOwn_OthersDoNot_AdminsSeeAll()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var reporter = await pg.CreateUserAsync();
        var stranger = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();

        var report = Ok(await kit.Reports(reporter).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, "  简介里全是广告链接。\u0000 "));

        var stored = await kit.StoredAsync(report.Id);
        Assert.Equal((ReportTargetKinds.Star, star, star, ReportStatuses.Open), (stored.TargetKind, stored.TargetId, stored.StarId!.Value, stored.Status));
        Assert.Equal("简介里全是广告链接。", stored.Detail);
        Assert.StartsWith("墨痕: 一位说话温和", stored.Excerpt, StringComparison.Ordinal);
        Assert.Contains(Ok(await kit.Reports(reporter).MineAsync()), r => r.Id == report.Id);
        // Row-level security, not only the service: the stranger's own query of the table finds nothing.
        Assert.Equal(0, await pg.Db(stranger).RunAsync((db, _) => db.Set<ContentReport>().CountAsync(r => r.Id == report.Id)));
        Assert.Equal(0, await pg.Db(owner).RunAsync((db, _) => db.Set<ContentReport>().CountAsync(r => r.Id == report.Id)));
        Assert.Equal(1, await pg.Db(admin).RunAsync((db, _) => db.Set<ContentReport>().CountAsync(r => r.Id == report.Id)));
        Assert.Equal(ResultKind.Forbidden, (await kit.Reports(reporter).ListAsync()).Kind);
        var listed = Assert.Single(Ok(await kit.Reports(admin).ListAsync()), v => v.Report.Id == report.Id);
        Assert.Equal(("墨痕", $"/explore/stars/{star}", true), (listed.Subject, listed.Link, listed.CanHide));
    }

    [Fact]
    public async Task Report_SomeoneElsesPrivateStar_IsNotFound_AndTheDatabaseRefusesItToo()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var hidden = await kit.StarAsync(owner, isPublic: false);
        var player = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.NotFound, (await kit.Reports(player).ReportAsync(ReportTarget.Star(hidden), ReportCategories.Other, null)).Kind);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO content_reports (reporter_id, target_kind, target_id, star_id, category) VALUES ({player.UserId}, 'star', {hidden}, {hidden}, 'spam')")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task Report_InSomeoneElsesName_OrAlreadyDecided_IsRefusedByTheDatabase()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var player = await pg.CreateUserAsync();
        var victim = await pg.CreateUserAsync();

        foreach (var sql in new[]
        {
            $"INSERT INTO content_reports (reporter_id, target_kind, target_id, star_id, category) VALUES ('{victim.UserId}', 'star', '{star}', '{star}', 'spam')",
            $"INSERT INTO content_reports (reporter_id, target_kind, target_id, star_id, category, status, resolved_at, resolved_by) VALUES ('{player.UserId}', 'star', '{star}', '{star}', 'spam', 'dismissed', now(), '{player.UserId}')",
        })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        // A reporter cannot decide their own report either: only admins update.
        var mine = Ok(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, null));
        var changed = await pg.Db(player).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"UPDATE content_reports SET status = 'dismissed', resolved_at = now(), resolved_by = {player.UserId} WHERE id = {mine.Id}"));
        Assert.Equal(0, changed);
        Assert.Equal(ResultKind.Forbidden, (await kit.Reports(player).DismissAsync(mine.Id, null)).Kind);
    }

    [Fact]
    public async Task Report_SameContentTwiceWhileOpen_IsAlreadyReported_AfterADecisionItMayBeReportedAgain()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var player = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var first = Ok(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Hate, null));

        AssertError(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, "再报一次"), ReportRules.ReportField, "Reports.AlreadyReported");
        // Someone else's report of the same star is theirs to make.
        Ok(await kit.Reports(await pg.CreateUserAsync()).ReportAsync(ReportTarget.Star(star), ReportCategories.Hate, null));

        Ok(await kit.Reports(admin).DismissAsync(first.Id, null));
        Ok(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Hate, "又出现了"));
    }

    [Fact]
    public async Task Report_EleventhWithinAnHour_IsRateLimited_EvenWhenWrittenStraightToTheTable()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var player = await pg.CreateUserAsync();
        for (var i = 0; i < ReportRules.MaxPerHour; i++)
        {
            Ok(await kit.Reports(player).ReportAsync(ReportTarget.Star(await kit.StarAsync(owner)), ReportCategories.Spam, null));
        }

        var star = await kit.StarAsync(owner);
        var refused = await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, null);
        AssertError(refused, ReportRules.ReportField, "Reports.RateLimited");
        Assert.Equal(ReportRules.MaxPerHour, refused.Errors[0].Args[0]);

        // Past the service, with a created_at from yesterday: the trigger counts by the database's clock.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO content_reports (reporter_id, target_kind, target_id, star_id, category, created_at) VALUES ({player.UserId}, 'star', {star}, {star}, 'spam', now() - interval '1 day')")));
        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_content_reports_rate_limit"), (ex.SqlState, ex.ConstraintName));

        // The limit is per reporter: another player reports the same star.
        Ok(await kit.Reports(await pg.CreateUserAsync()).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, null));
    }

    [Fact]
    public async Task Report_AFloodOfConcurrentRequests_ExactlyTheLimitGetsThrough()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var player = await pg.CreateUserAsync();
        var stars = new List<Guid>();
        for (var i = 0; i < ReportRules.MaxPerHour + 6; i++)
        {
            stars.Add(await kit.StarAsync(owner));
        }

        var results = await Task.WhenAll(stars.Select(s => Task.Run(() => kit.Reports(player).ReportAsync(ReportTarget.Star(s), ReportCategories.Spam, null))));

        Assert.Equal(ReportRules.MaxPerHour, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("Reports.RateLimited", r.Errors[0].Code));
        await using var db = pg.OwnerContext();
        Assert.Equal(ReportRules.MaxPerHour, await db.Set<ContentReport>().CountAsync(r => r.ReporterId == player.UserId));
    }

    [Fact]
    public async Task Report_BadInput_IsRefusedAtTheField()
    {
        var star = await kit.StarAsync(await pg.CreateUserAsync(null, RoleNames.StarOwner));
        var player = await pg.CreateUserAsync();

        AssertError(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), "nonsense", null), ReportRules.CategoryField, "Reports.Category.Required");
        AssertError(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Other, new string('长', ReportRules.DetailMax + 1)),
            ReportRules.DetailField, "Reports.Detail.TooLong");
        Assert.Equal(ResultKind.Forbidden, (await kit.Reports(UserContext.Anonymous).ReportAsync(ReportTarget.Star(star), ReportCategories.Other, null)).Kind);
    }

    [Fact]
    public async Task Report_Answer_ByTheConversationsPlayer_StrangersCannot()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var player = await pg.CreateUserAsync();
        var conversation = Guid.NewGuid();
        var answer = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Conversations.Add(new Conversation { Id = conversation, StarId = star, UserId = player.UserId!.Value, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var store = new PostgresConversationMessageStore(pg.Db(player));
        await store.AppendAsync(new ConversationMessageDocument(Guid.NewGuid(), conversation, MessageSenders.User, "你好", 1, [], DateTimeOffset.UtcNow));
        await store.AppendAsync(new ConversationMessageDocument(answer, conversation, MessageSenders.Star, "这是一段冒犯人的回答。", 5, [], DateTimeOffset.UtcNow));

        Assert.Equal(ResultKind.NotFound, (await kit.Reports(await pg.CreateUserAsync()).ReportAsync(ReportTarget.Answer(conversation, answer), ReportCategories.Hate, null)).Kind);
        var report = Ok(await kit.Reports(player).ReportAsync(ReportTarget.Answer(conversation, answer), ReportCategories.Hate, null));

        var stored = await kit.StoredAsync(report.Id);
        Assert.Equal((ReportTargetKinds.Answer, answer, star, conversation), (stored.TargetKind, stored.TargetId, stored.StarId!.Value, stored.ConversationId!.Value));
        Assert.Equal("这是一段冒犯人的回答。", stored.Excerpt);
        // An answer cannot be taken down from the inbox (it lives in a conversation); resolving with hide says so.
        var admin = await pg.CreateAdminAsync();
        Assert.False(Assert.Single(Ok(await kit.Reports(admin).ListAsync()), v => v.Report.Id == report.Id).CanHide);
        AssertError(await kit.Reports(admin).ResolveAsync(report.Id, "已提醒星主", hideTarget: true), ReportRules.ReportField, "Reports.CannotHide");
    }

    [Fact]
    public async Task Resolve_WithHide_MakesTheStarPrivate_AndAuditsInTheSameTransaction()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner, name: "违规星");
        var player = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var report = Ok(await kit.Reports(player).ReportAsync(ReportTarget.Star(star), ReportCategories.Illegal, "教人做违法的事"));

        AssertError(await kit.Reports(admin).ResolveAsync(report.Id, " ", hideTarget: true), ReportRules.NoteField, "Reports.Note.Required");
        var resolved = Ok(await kit.Reports(admin).ResolveAsync(report.Id, "人设违规，已下架", hideTarget: true));

        Assert.Equal((ReportStatuses.Resolved, true, admin.UserId), (resolved.Status, resolved.TargetHidden, resolved.ResolvedBy));
        await using (var db = pg.OwnerContext())
        {
            Assert.False(await db.Stars.Where(s => s.Id == star).Select(s => s.IsPublic).SingleAsync());
        }

        var entry = await kit.AuditAsync(AuditActions.ReportResolved, report.Id.ToString());
        Assert.Equal((admin.UserId, AuditTargets.Report, "违规星", "人设违规，已下架"), (entry.ActorId, entry.TargetType, entry.TargetLabel, entry.Reason));
        Assert.True(entry.AfterValue!.RootElement.GetProperty("targetHidden").GetBoolean());
        AssertError(await kit.Reports(admin).DismissAsync(report.Id, null), ReportRules.ReportField, "Reports.AlreadyDecided");
    }

    [Fact]
    public async Task Dismiss_LeavesTheStar_AndWritesReportDismissed()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var admin = await pg.CreateAdminAsync();
        var report = Ok(await kit.Reports(await pg.CreateUserAsync()).ReportAsync(ReportTarget.Star(star), ReportCategories.Other, "我不喜欢它"));

        var dismissed = Ok(await kit.Reports(admin).DismissAsync(report.Id, null));

        Assert.Equal((ReportStatuses.Dismissed, false), (dismissed.Status, dismissed.TargetHidden));
        await using (var db = pg.OwnerContext())
        {
            Assert.True(await db.Stars.Where(s => s.Id == star).Select(s => s.IsPublic).SingleAsync());
        }

        Assert.Equal(admin.UserId, (await kit.AuditAsync(ReportAuditActions.Dismissed, report.Id.ToString())).ActorId);
    }

    [Fact]
    public async Task Resolve_WithHide_RemovesAnExtensionReview()
    {
        var maker = await pg.CreateUserAsync(null, RoleNames.SkillMaker);
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var id = Extensions.ExtensionTestData.NewId();
        var version = Ok(await new ExtensionService(pg.Db(maker), TimeProvider.System).PublishAsync(Extensions.ExtensionTestData.ChatTemplate(id, "1.0.0")));
        Ok(await new ExtensionService(pg.Db(admin), TimeProvider.System).ApproveAsync(version.Id));
        Ok(await new ExtensionService(pg.Db(player), TimeProvider.System).InstallAsync(id));
        var review = Ok(await new ExtensionService(pg.Db(player), TimeProvider.System).ReviewAsync(id, 1, "垃圾广告 加微信 xxx"));
        var reporter = await pg.CreateUserAsync();

        var report = Ok(await kit.Reports(reporter).ReportAsync(ReportTarget.ExtensionReview(review.Id), ReportCategories.Spam, null));
        Assert.Equal((id, "垃圾广告 加微信 xxx"), ((await kit.StoredAsync(report.Id)).ExtensionId, (await kit.StoredAsync(report.Id)).Excerpt));
        Ok(await kit.Reports(admin).ResolveAsync(report.Id, "广告，已删除", hideTarget: true));

        await using var db = pg.OwnerContext();
        Assert.False(await db.ExtensionReviews.AnyAsync(r => r.Id == review.Id));
        var entry = await kit.AuditAsync(AuditActions.ReportResolved, report.Id.ToString());
        Assert.Equal("垃圾广告 加微信 xxx", entry.BeforeValue!.RootElement.GetProperty("hidden").GetProperty("body").GetString());
    }
}
