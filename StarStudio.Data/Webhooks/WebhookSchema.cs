namespace StarStudio.Data.Webhooks;

/// <summary>Database facts of outbound webhooks that tests and the migrator refer to.</summary>
public static class WebhookSchema
{
    /// <summary>
    /// RLS tables left unforced: the SECURITY DEFINER functions <c>webhook_emit</c> (a player's rating reaches the
    /// owner's webhooks), <c>webhook_deliveries_claim</c> and <c>webhook_delivery_finish</c> (the worker acts for every
    /// owner) read and write them as the table owner.
    /// </summary>
    public static readonly string[] NotForced = ["webhooks", "webhook_deliveries"];

    public const string EmitSignature = "webhook_emit(text, uuid, uuid, text)";
    public const string ClaimSignature = "webhook_deliveries_claim(integer, interval)";
    public const string FinishSignature = "webhook_delivery_finish(uuid, integer, boolean, integer, integer, text, text, timestamp with time zone)";
}
