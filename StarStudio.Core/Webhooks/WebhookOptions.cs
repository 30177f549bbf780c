namespace StarStudio.Core.Webhooks;

/// <summary>Outbound webhook delivery (<c>StarStudio__Webhooks__…</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "StarStudio:Webhooks";

    /// <summary>Whether this instance runs the delivery worker (every instance may; they split the work).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How long a receiver has to answer, body included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after the event retries stop and the delivery is marked failed.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long the previous secret still signs after a rotation.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a claimed delivery is held before another worker may take it (must exceed <see cref="Timeout"/>).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed at once.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Requests in flight at once per instance.</summary>
    public int MaxConcurrency { get; set; } = 32;
}
