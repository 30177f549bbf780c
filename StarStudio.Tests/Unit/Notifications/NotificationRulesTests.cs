using System.Text.Json;
using StarStudio.Core.Account;
using StarStudio.Core.Notifications;

namespace StarStudio.Tests.Unit.Notifications;

public sealed class NotificationRulesTests
{
    private static JsonElement Args(object data) => JsonSerializer.SerializeToElement(data);

    [Fact]
    public void Link_EachStarOwnerKind_LeadsToItsTarget()
    {
        var star = Guid.NewGuid();
        var trial = Guid.NewGuid();

        Assert.Equal($"/arena/trials/{trial}", NotificationRules.Link(NotificationKinds.TrialResult, star, Args(new { trial_id = trial, rank = 1 })));
        Assert.Equal("/me/subscriptions", NotificationRules.Link(NotificationKinds.SubscriptionRenewed, star, Args(new { plan = "monthly" })));
        Assert.Equal($"/studio/stars/{star}", NotificationRules.Link(NotificationKinds.RatingCreated, star, Args(new { rating = 5 })));
        Assert.Equal($"/studio/stars/{star}", NotificationRules.Link(NotificationKinds.KnowledgeTaskFailed, star, Args(new { error = "x" })));
        // A result without its trial id still leads somewhere useful; a webhook-only event leads nowhere (it is not a notification).
        Assert.Equal($"/studio/stars/{star}", NotificationRules.Link(NotificationKinds.TrialResult, star, Args(new { rank = 1 })));
        Assert.Null(NotificationRules.Link("subscription.created", star, Args(new { })));
    }

    [Fact]
    public void ReportLink_ShownStar_ToItsProfile_HiddenOrNoStar_Nowhere()
    {
        var star = Guid.NewGuid();

        Assert.Equal($"/explore/stars/{star}", NotificationRules.ReportLink(star, targetHidden: false));
        Assert.Null(NotificationRules.ReportLink(star, targetHidden: true));
        Assert.Null(NotificationRules.ReportLink(null, targetHidden: false));
    }

    [Fact]
    public void TextArgs_TakeTheEventsFieldsInThePlaceholdersOrder_NumbersAsWritten()
    {
        var args = Args(new { star_name = "墨痕", trial_title = "春季试炼", rank = 2, score = 87.5, entry_id = Guid.NewGuid() });

        Assert.Equal("Notifications.Text.trial.result", NotificationRules.TextKey(NotificationKinds.TrialResult, args));
        Assert.Equal(["墨痕", "春季试炼", "2", "87.5"], NotificationRules.TextArgs(NotificationKinds.TrialResult, args));
    }

    [Fact]
    public void TextArgs_MissingOrOddValues_AreBlank_NeverAnError()
    {
        var args = Args(new { star_name = (string?)null, source_name = new[] { "a" } });

        Assert.Equal(["", "", ""], NotificationRules.TextArgs(NotificationKinds.KnowledgeTaskCompleted, args));
        Assert.Equal(["", ""], NotificationRules.TextArgs(NotificationKinds.RatingCreated, Args(new[] { 1, 2 })));
    }

    [Fact]
    public void TextKey_DecidedReport_ByItsOutcome_UnknownKind_AGenericText()
    {
        Assert.Equal("Notifications.Text.report.decided.resolved", NotificationRules.TextKey(NotificationKinds.ReportDecided, Args(new { status = "resolved" })));
        Assert.Equal("Notifications.Text.report.decided.dismissed", NotificationRules.TextKey(NotificationKinds.ReportDecided, Args(new { status = "dismissed" })));
        Assert.Equal("Notifications.Text.unknown", NotificationRules.TextKey("something.new", Args(new { })));
        Assert.Equal(["something.new"], NotificationRules.TextArgs("something.new", Args(new { })));
    }

    [Fact]
    public void TextArgs_LongFailureReasonAndExcerpt_AreShortened()
    {
        var failed = NotificationRules.TextArgs(NotificationKinds.KnowledgeTaskFailed, Args(new { star_name = "s", source_name = "f.pdf", error = new string('错', 500) }));
        var report = NotificationRules.TextArgs(NotificationKinds.ReportDecided, Args(new { status = "resolved", excerpt = new string('字', 200) }));

        Assert.Equal(200, ((string)failed[2]).Length);
        Assert.EndsWith("…", (string)failed[2], StringComparison.Ordinal);
        Assert.Equal(60, ((string)report[0]).Length);
    }

    [Fact]
    public void Item_StoredRow_RendersItsKeyArgsLinkAndReadState()
    {
        var n = new Notification
        {
            Id = Guid.NewGuid(), Kind = NotificationKinds.RatingCreated, Args = """{"star_name":"墨痕","rating":4,"comment":"好"}""",
            Link = "/studio/stars/x", ReadAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        };

        var item = NotificationRules.Item(n);

        Assert.Equal(("Notifications.Text.rating.created", "/studio/stars/x", true), (item.TextKey, item.Link, item.Read));
        Assert.Equal(["墨痕", "4"], item.TextArgs);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "1")]
    [InlineData(99, "99")]
    [InlineData(100, "99+")]
    public void Badge_ShowsTheCount_Above99AsPlus(int count, string? expected) => Assert.Equal(expected, NotificationRules.Badge(count));

    [Fact]
    public void Muted_Normalized_KnownKindsOnceInOrder_UnknownIsAFieldError()
    {
        Assert.Equal([NotificationKinds.RatingCreated, NotificationKinds.ReportDecided],
            NotificationRules.NormalizeMuted([NotificationKinds.ReportDecided, NotificationKinds.RatingCreated, NotificationKinds.ReportDecided, "bogus"]));
        Assert.Null(NotificationRules.ValidateMuted([NotificationKinds.TrialResult], "F"));
        var error = NotificationRules.ValidateMuted(["bogus", "subscription.created"], "F");
        Assert.Equal(("F", "Notifications.Muted.Unknown", "bogus, subscription.created"), (error!.Field, error.Code, (string)error.Args[0]));
    }

    [Fact]
    public void Preferences_UnknownMutedKind_IsRefused_AndDraftsCompareMutedByContent()
    {
        var errors = PreferenceRules.Validate(new PreferencesDraft("zh-CN", "light", false) { MutedNotifications = ["email.digest"] });
        var stored = new UserPreferences { MutedNotifications = [NotificationKinds.TrialResult] };

        Assert.Equal("Notifications.Muted.Unknown", Assert.Single(errors).Code);
        Assert.Equal(new PreferencesDraft("zh-CN", "light", false) { MutedNotifications = [NotificationKinds.TrialResult] }, PreferencesDraft.From(stored));
        Assert.NotEqual(new PreferencesDraft("zh-CN", "light", false), PreferencesDraft.From(stored));
    }

    [Fact]
    public void Kinds_StarOwnerKinds_AreWebhookEvents_AndEveryKindIsKnown()
    {
        Assert.All(NotificationKinds.ForStarOwner, k => Assert.Contains(k, StarStudio.Core.Webhooks.WebhookEvents.All));
        Assert.Equal(NotificationKinds.All.Count, NotificationKinds.All.Distinct().Count());
        Assert.Equal(
            "muted_notifications <@ ARRAY['knowledge.task_completed', 'knowledge.task_failed', 'rating.created', 'trial.result', 'subscription.renewed', 'report.decided']::text[]",
            StarStudio.Data.Notifications.NotificationSchema.MutedCheck);
    }
}
