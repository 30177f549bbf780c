namespace StarStudio.Core.Billing.Usage;

/// <summary>
/// Prices of metered usage. A record's cost is exact (prices per 1,000 tokens may be fractions of a fen); a batch's charge
/// is the sum of its records' costs, less the owner's membership discount, rounded once to the ledger's four decimals.
/// </summary>
public static class UsagePricing
{
    /// <summary>The exact cost of <paramref name="tokensIn"/> and <paramref name="tokensOut"/> at per-1k prices.</summary>
    public static decimal Cost(int tokensIn, int tokensOut, decimal pricePer1kIn, decimal pricePer1kOut) =>
        (Math.Max(tokensIn, 0) * Math.Max(pricePer1kIn, 0) + Math.Max(tokensOut, 0) * Math.Max(pricePer1kOut, 0)) / 1000m;

    /// <summary>What a batch of <paramref name="costs"/> is charged after <paramref name="discountPercent"/> off, to four decimals.</summary>
    public static decimal Charge(IEnumerable<decimal> costs, int discountPercent)
    {
        var sum = costs.Sum();
        var pct = Math.Clamp(discountPercent, 0, 100);
        return WalletRules.RoundMoney(sum * (100 - pct) / 100m);
    }

    /// <summary>The ledger key of a batch: named after its first record, which belongs to one committed batch at most.</summary>
    public static string BatchKey(Guid firstRecordId) => $"usage:{firstRecordId}";
}

/// <summary>A summary of one billing run, for logs and tests.</summary>
/// <param name="Batches">Batches charged (or free batches marked billed).</param>
/// <param name="Records">Records marked billed.</param>
/// <param name="Charged">Money taken from balances.</param>
/// <param name="InArrears">Owners whose balance could not cover their batch (records left unbilled).</param>
public sealed record UsageBillingRun(int Batches, int Records, decimal Charged, int InArrears);

/// <summary>
/// Charges metered usage to balances in batches: model calls now, skill calls later (same path). Runs as a recurring job;
/// running twice, or after a crash midway, bills every record once.
/// </summary>
public interface IUsageBilling
{
    Task<UsageBillingRun> ChargePendingUsageAsync(CancellationToken ct = default);
}

/// <summary>A star owner whose balance could not cover their last usage batch; the records stay unbilled until it can.</summary>
public class UsageBillingArrears
{
    public Guid UserId { get; set; }

    /// <summary>What the refused batch would have charged.</summary>
    public decimal AmountDue { get; set; }

    public int Records { get; set; }
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
