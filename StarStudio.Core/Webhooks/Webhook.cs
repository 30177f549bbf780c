namespace StarStudio.Core.Webhooks;

/// <summary>An owner's outbound webhook registration; seed 000 §1.12.</summary>
public class Webhook
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];
    public string Secret { get; set; } = "";
    public WebhookStatus Status { get; set; } = WebhookStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Seed 000 leaves <c>webhooks.status</c> an unnamed enum; these labels are ours (docs/decisions.md).</summary>
public enum WebhookStatus
{
    Active,
    Paused,
    Disabled,
}
