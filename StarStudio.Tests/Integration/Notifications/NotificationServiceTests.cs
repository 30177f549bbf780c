using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Account;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Notifications;
using StarStudio.Core.Reports;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Account;
using StarStudio.Data.Chat;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Notifications;
using StarStudio.Data.Storage;
using StarStudio.Data.Webhooks;
using StarStudio.Tests.Integration.Reports;

namespace StarStudio.Tests.Integration.Notifications;

/// <summary>
/// The notification centre over the real PostgreSQL as the application's role: events produce the owner's notification
/// in their own transaction (through the webhook emit path), muted kinds write nothing, a decided report reaches its
/// reporter, recipients read and mark only their own, and retention deletes by age.
/// </summary>
public sealed class NotificationServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private INotificationService Notifications(UserContext user) => new NotificationService(pg.Db(user), TimeProvider.System);

    private IConversationService Chat(UserContext user)
    {
        var db = pg.Db(user);
        return new ConversationService(db, new PostgresConversationMessageStore(db), new Training.TrainingHarness.ScriptedEngine(), new ChatRateLimiter(),
            Cl100kTokenCounter.Instance, TimeProvider.System, NullLogger<ConversationService>.Instance);
    }

    private async Task<(UserContext Owner, Guid Star)> StarAsync()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = true, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return (owner, id);
    }

    private async Task<Guid> RateAsync(UserContext player, Guid star, short rating)
    {
        var chat = Chat(player);
        var conversation = (await chat.StartAsync(star, ConversationChannel.Web)).Value!;
        Assert.True((await chat.RateAsync(conversation.Id, rating, ["准确"], "很好")).Succeeded);
        return conversation.Id;
    }

    private async Task<int> RowsAsync(Guid recipient)
    {
        await using var db = pg.OwnerContext();
        return await db.Set<Notification>().CountAsync(n => n.RecipientId == recipient);
    }

    [Fact]
    public async Task Rating_NotifiesTheStarsOwnerOnce_WithItsTextArgsAndLink_RatingAgainAddsNone()
    {
        var (owner, star) = await StarAsync();
        var player = await pg.CreateUserAsync();

        var conversation = await RateAsync(player, star, 4);
        Assert.True((await Chat(player).RateAsync(conversation, 5, [], null)).Succeeded);

        var page = await Notifications(owner).ListAsync(1);
        var item = Assert.Single(page.Items);
        Assert.Equal((NotificationKinds.RatingCreated, "Notifications.Text.rating.created", $"/studio/stars/{star}", false),
            (item.Kind, item.TextKey, item.Link, item.Read));
        Assert.Equal(["墨痕", "4"], item.TextArgs);
        Assert.Equal(1, await Notifications(owner).UnreadCountAsync());
        // The rater gets nothing and sees nothing of the owner's.
        Assert.Empty((await Notifications(player).ListAsync(1)).Items);
        Assert.Equal(0, await pg.Db(player).RunAsync((db, _) => db.Set<Notification>().CountAsync()));
    }

    [Fact]
    public async Task Emit_InATransactionThatRollsBack_LeavesNeitherDeliveryNorNotification()
    {
        var (owner, star) = await StarAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pg.Db(owner).RunAsync(async (ctx, _) =>
        {
            await WebhookOutbox.EmitAsync(ctx, WebhookEvents.KnowledgeTaskCompleted, star, new { task_id = Guid.NewGuid(), source_name = "宣纸.pdf", chunk_count = 3 }, DateTimeOffset.UtcNow, CancellationToken.None);
            throw new InvalidOperationException("the fact failed");
        }));
        Assert.Equal(0, await RowsAsync(owner.UserId!.Value));

        await pg.Db(owner).RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, WebhookEvents.KnowledgeTaskCompleted, star,
            new { task_id = Guid.NewGuid(), source_name = "宣纸.pdf", chunk_count = 3 }, DateTimeOffset.UtcNow, CancellationToken.None));
        var item = Assert.Single((await Notifications(owner).ListAsync(1)).Items);
        Assert.Equal(["墨痕", "宣纸.pdf", "3"], item.TextArgs);
    }

    [Fact]
    public async Task SameEventTwice_OneRow_AndWebhookOnlyEvents_NoNotification()
    {
        var (owner, star) = await StarAsync();
        var eventId = Guid.NewGuid();
        var trial = Guid.NewGuid();

        for (var i = 0; i < 2; i++)
        {
            await pg.Db(UserContext.Anonymous).RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, WebhookEvents.TrialResult, star,
                new { trial_id = trial, trial_title = "春季试炼", rank = 1, score = 91.5 }, DateTimeOffset.UtcNow, CancellationToken.None, eventId));
        }

        await pg.Db(owner).RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, WebhookEvents.SubscriptionCreated, star,
            new { plan = "monthly" }, DateTimeOffset.UtcNow, CancellationToken.None));

        var item = Assert.Single((await Notifications(owner).ListAsync(1)).Items);
        Assert.Equal((NotificationKinds.TrialResult, $"/arena/trials/{trial}"), (item.Kind, item.Link));
    }

    [Fact]
    public async Task MutedKind_WritesNoRow_OtherKindsStillDo()
    {
        var (owner, star) = await StarAsync();
        var player = await pg.CreateUserAsync();
        var saved = await new PreferencesService(pg.Db(owner), TimeProvider.System)
            .SaveAsync(new PreferencesDraft("zh-CN", "light", false) { MutedNotifications = [NotificationKinds.RatingCreated] });
        Assert.Equal([NotificationKinds.RatingCreated], saved.Value!.MutedNotifications);

        await RateAsync(player, star, 3);
        await pg.Db(player).RunAsync((ctx, _) => WebhookOutbox.EmitAsync(ctx, WebhookEvents.KnowledgeTaskFailed, star,
            new { task_id = Guid.NewGuid(), source_name = "坏文件.docx", error = "无法解析" }, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Equal([NotificationKinds.KnowledgeTaskFailed], (await Notifications(owner).ListAsync(1)).Items.Select(i => i.Kind));
    }

    [Fact]
    public async Task MutedKinds_UnknownKind_RefusedByTheServiceAndTheDatabase()
    {
        var user = await pg.CreateUserAsync();
        var service = new PreferencesService(pg.Db(user), TimeProvider.System);

        var refused = await service.SaveAsync(new PreferencesDraft("zh-CN", "light", false) { MutedNotifications = ["email.weekly"] });
        Assert.Equal("Notifications.Muted.Unknown", Assert.Single(refused.Errors).Code);
        Assert.True((await service.SaveAsync(new PreferencesDraft("zh-CN", "light", false))).Succeeded);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((db, u) => db.Database.ExecuteSqlAsync(
            $"UPDATE user_preferences SET muted_notifications = ARRAY['email.weekly'] WHERE user_id = {u.UserId}")));
        Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
    }

    [Fact]
    public async Task MarkRead_OnlyTheRecipient_OnlyReadAtChanges_AndNobodyInsertsDirectly()
    {
        var (owner, star) = await StarAsync();
        var other = await pg.CreateUserAsync();
        for (var i = 0; i < 3; i++)
        {
            await RateAsync(await pg.CreateUserAsync(), star, 5);
        }

        var first = (await Notifications(owner).ListAsync(1)).Items[0];
        Assert.False(await Notifications(other).MarkReadAsync(first.Id));
        Assert.Equal(3, await Notifications(owner).UnreadCountAsync());
        Assert.True(await Notifications(owner).MarkReadAsync(first.Id));
        Assert.False(await Notifications(owner).MarkReadAsync(first.Id));
        Assert.Equal(2, await Notifications(owner).UnreadCountAsync());
        Assert.Equal(2, await Notifications(owner).MarkAllReadAsync());
        Assert.Equal(0, await Notifications(owner).UnreadCountAsync());
        Assert.All((await Notifications(owner).ListAsync(1)).Items, i => Assert.True(i.Read));

        // The recipient may not rewrite what it says or where it leads.
        var keep = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(owner).RunAsync((db, _) => db.Database.ExecuteSqlAsync(
            $"UPDATE notifications SET link = '/evil' WHERE id = {first.Id}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, keep.SqlState);
        // Nobody writes one for someone else (or themselves) directly, nor calls the report function unless an admin.
        var insert = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(other).RunAsync((db, u) => db.Database.ExecuteSqlAsync(
            $"INSERT INTO notifications (id, recipient_id, kind, event_id, args) VALUES ({Guid.NewGuid()}, {owner.UserId}, 'rating.created', {Guid.NewGuid()}, '{{}}'::jsonb)")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
    }

    [Fact]
    public async Task List_PagesNewestFirst_TwentyAPage()
    {
        var (owner, star) = await StarAsync();
        await pg.Db(owner).RunAsync(async (ctx, _) =>
        {
            for (var i = 0; i < NotificationRules.PageSize + 5; i++)
            {
                await WebhookOutbox.EmitAsync(ctx, WebhookEvents.KnowledgeTaskCompleted, star, new { source_name = $"f{i}", chunk_count = i }, DateTimeOffset.UtcNow, CancellationToken.None);
            }
        });

        var first = await Notifications(owner).ListAsync(1);
        var second = await Notifications(owner).ListAsync(2);

        Assert.Equal((NotificationRules.PageSize, true, 5, false), (first.Items.Count, first.HasMore, second.Items.Count, second.HasMore));
        Assert.Empty(first.Items.Select(i => i.Id).Intersect(second.Items.Select(i => i.Id)));
        Assert.Equal(NotificationRules.PageSize + 5, await Notifications(owner).UnreadCountAsync());
    }

    [Fact]
    public async Task ReportDecided_NotifiesTheReporterOnly_AndOnlyAnAdminsTransactionCanWriteIt()
    {
        var kit = new ReportTestKit(pg);
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = await kit.StarAsync(owner);
        var reporter = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var report = ReportTestKit.Ok(await kit.Reports(reporter).ReportAsync(ReportTarget.Star(star), ReportCategories.Spam, "全是广告"));

        // Before a decision, and by anyone but an admin, the function writes nothing.
        Assert.Equal(0, await pg.Db(admin).RunAsync((ctx, _) => NotificationOutbox.EmitReportDecidedAsync(ctx, report.Id, null, CancellationToken.None)));
        ReportTestKit.Ok(await kit.Reports(admin).DismissAsync(report.Id, "内部备注：看过了"));
        Assert.Equal(0, await pg.Db(reporter).RunAsync((ctx, _) => NotificationOutbox.EmitReportDecidedAsync(ctx, report.Id, null, CancellationToken.None)));

        var item = Assert.Single((await Notifications(reporter).ListAsync(1)).Items);
        Assert.Equal(("Notifications.Text.report.decided.dismissed", $"/explore/stars/{star}"), (item.TextKey, item.Link));
        Assert.StartsWith("墨痕", (string)item.TextArgs[0], StringComparison.Ordinal);
        await using (var db = pg.OwnerContext())
        {
            // The admin's note is for the audit log, not for the reporter.
            Assert.DoesNotContain("内部备注", (await db.Set<Notification>().SingleAsync(n => n.RecipientId == reporter.UserId)).Args, StringComparison.Ordinal);
        }

        Assert.Empty((await Notifications(owner).ListAsync(1)).Items);
        Assert.Empty((await Notifications(admin).ListAsync(1)).Items);
    }

    [Fact]
    public async Task Prune_DeletesOldReadAndVeryOldRows_KeepsRecentOnes()
    {
        var (owner, star) = await StarAsync();
        var me = owner.UserId!.Value;
        var now = DateTimeOffset.UtcNow;
        await using (var db = pg.OwnerContext())
        {
            Notification Row(string name, int daysAgo, bool read) => new()
            {
                Id = Guid.NewGuid(), RecipientId = me, Kind = NotificationKinds.KnowledgeTaskCompleted, StarId = star, EventId = Guid.NewGuid(),
                Args = $$"""{"source_name":"{{name}}"}""", CreatedAt = now.AddDays(-daysAgo), ReadAt = read ? now.AddDays(-daysAgo) : null,
            };
            db.Set<Notification>().AddRange(Row("old-read", 91, true), Row("recent-read", 10, true), Row("old-unread", 91, false), Row("ancient-unread", 366, false));
            await db.SaveChangesAsync();
        }

        var deleted = await new NotificationPrune(pg.AppContextFactory(), TimeProvider.System).RunAsync();

        Assert.True(deleted >= 2);
        var left = (await Notifications(owner).ListAsync(1)).Items.Select(i => (string)i.TextArgs[1]).Order().ToList();
        Assert.Equal(["old-unread", "recent-read"], left);
    }
}
