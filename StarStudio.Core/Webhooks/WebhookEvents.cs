namespace StarStudio.Core.Webhooks;

/// <summary>The event types an owner can subscribe a webhook to (the <c>type</c> field of every body).</summary>
public static class WebhookEvents
{
    public const string KnowledgeTaskCompleted = "knowledge.task_completed";
    public const string KnowledgeTaskFailed = "knowledge.task_failed";
    public const string RatingCreated = "rating.created";
    public const string TrialResult = "trial.result";
    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionRenewed = "subscription.renewed";
    public const string SubscriptionCancelled = "subscription.cancelled";

    /// <summary>Sent only by "send a test event"; never subscribed to.</summary>
    public const string Test = "webhook.test";

    /// <summary>Every type an owner can choose.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        KnowledgeTaskCompleted, KnowledgeTaskFailed, RatingCreated, TrialResult,
        SubscriptionCreated, SubscriptionRenewed, SubscriptionCancelled,
    ];
}

/// <summary>Audit action names of this feature (the lead folds them into <c>AuditActions.All</c>).</summary>
public static class WebhookAuditActions
{
    /// <summary>An admin redelivered a delivery (an owner redelivering their own is not audited).</summary>
    public const string Redelivered = StarStudio.Core.Audit.AuditActions.WebhookRedelivered;

    /// <summary>The audit target type of a delivery.</summary>
    public const string DeliveryTarget = "webhook_delivery";
}
