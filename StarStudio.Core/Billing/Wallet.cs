using StarStudio.Core.Common;

namespace StarStudio.Core.Billing;

/// <summary>The two currencies of a wallet (PostgreSQL enum <c>wallet_currency</c>).</summary>
public enum WalletCurrency
{
    /// <summary>积分: whole numbers, earned and spent inside the platform.</summary>
    Points,

    /// <summary>余额: money (CNY, four decimals), recharged through orders and spent on usage.</summary>
    Balance,
}

/// <summary>Why a ledger row was booked (PostgreSQL enum <c>wallet_ledger_source</c>).</summary>
public enum LedgerSource
{
    Registration,
    DailyTask,
    RedeemCode,
    Referral,
    TrialReward,
    SkillUsage,
    ModelUsage,
    Recharge,
    Refund,
    AdminAdjustment,

    /// <summary>A star owner paid a period of a skill subscription.</summary>
    SkillSubscription,

    /// <summary>A skill maker earned from a subscription period or a metered call (the price less the platform fee).</summary>
    SkillRevenue,
}

/// <summary>
/// One booking request. <paramref name="Key"/> is the idempotency key and becomes the ledger row's id
/// (seed 003 <c>wallet_ledger_id</c>, e.g. <c>new-user-registration:{user_id}</c>): a second posting with the same key
/// books nothing and returns the first row.
/// </summary>
/// <param name="Key">Idempotency key, at most <see cref="WalletRules.KeyMaxLength"/> characters.</param>
/// <param name="UserId">Whose wallet.</param>
/// <param name="Currency">Points or balance.</param>
/// <param name="Amount">Signed change: positive credits, negative debits. Points must be whole.</param>
/// <param name="Source">Why.</param>
/// <param name="ReferenceType">What caused it (e.g. <c>order</c>, <c>redeem_code</c>), optional.</param>
/// <param name="ReferenceId">The id of what caused it, optional.</param>
/// <param name="Memo">Free text shown in the ledger (an admin's reason), optional.</param>
public sealed record LedgerPosting(
    string Key,
    Guid UserId,
    WalletCurrency Currency,
    decimal Amount,
    LedgerSource Source,
    string? ReferenceType = null,
    string? ReferenceId = null,
    string? Memo = null);

/// <summary>A booked ledger row (seed 003 <c>profile_wallet_ledger</c>, seed 002 <c>transactions</c>).</summary>
public sealed record LedgerEntry(
    string Key,
    long Seq,
    Guid UserId,
    WalletCurrency Currency,
    decimal Amount,
    decimal BalanceBefore,
    decimal BalanceAfter,
    LedgerSource Source,
    string? ReferenceType,
    string? ReferenceId,
    string? Memo,
    DateTimeOffset CreatedAt);

/// <summary>How a posting ended.</summary>
public enum LedgerOutcome
{
    /// <summary>A new row was booked.</summary>
    Posted,

    /// <summary>The key was booked before with the same user, currency and amount; <see cref="LedgerResult.Entry"/> is that first row.</summary>
    Replayed,

    /// <summary>The debit is larger than what is available (balance minus frozen); nothing was booked.</summary>
    Insufficient,

    /// <summary>The key was booked before for another user, currency or amount; nothing was booked.</summary>
    KeyConflict,
}

/// <summary>The result of a posting: the row (first or new), or why nothing was booked.</summary>
public sealed record LedgerResult(LedgerOutcome Outcome, LedgerEntry? Entry)
{
    /// <summary>Whether the wallet now holds the posting (new or replayed).</summary>
    public bool Booked => Outcome is LedgerOutcome.Posted or LedgerOutcome.Replayed;

    /// <summary>The resource key of the message a user sees when nothing was booked.</summary>
    public string? ErrorCode => Outcome switch
    {
        LedgerOutcome.Insufficient => WalletRules.InsufficientCode,
        LedgerOutcome.KeyConflict => WalletRules.KeyConflictCode,
        _ => null,
    };
}

/// <summary>A user's wallet (seed 002 <c>user_balance</c>, with the points of seed 003 beside it).</summary>
public sealed record WalletSnapshot(Guid UserId, long Points, decimal Balance, decimal FrozenBalance)
{
    /// <summary>What may be spent now: the balance minus what pending charges hold.</summary>
    public decimal AvailableBalance => Balance - FrozenBalance;

    public static WalletSnapshot Empty(Guid userId) => new(userId, 0, 0m, 0m);
}

/// <summary>Status of a hold on balance (PostgreSQL enum <c>wallet_hold_status</c>).</summary>
public enum WalletHoldStatus
{
    Held,
    Settled,
    Released,
}

/// <summary>A frozen part of a balance for a pending charge: freeze, then settle (book the charge) or release.</summary>
public sealed record WalletHold(string Key, Guid UserId, decimal Amount, WalletHoldStatus Status, decimal? SettledAmount, string? LedgerKey, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

/// <summary>Pure rules of the wallet: key shape, amounts, rounding.</summary>
public static class WalletRules
{
    public const int KeyMaxLength = 200;
    public const int MemoMaxLength = 500;

    /// <summary>Money has four decimals (numeric(18,4)).</summary>
    public const int BalanceScale = 4;

    /// <summary>The largest absolute amount one posting may move (fits numeric(18,4) with room for sums).</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    public const string InsufficientCode = "Wallet.Insufficient";
    public const string KeyConflictCode = "Wallet.KeyConflict";
    public const string InvalidAmountCode = "Wallet.Amount.Invalid";
    public const string InvalidKeyCode = "Wallet.Key.Invalid";

    /// <summary>The registration reward's key (seed 003).</summary>
    public static string RegistrationKey(Guid userId) => $"new-user-registration:{userId}";

    /// <summary>Points given once at sign-up (seed 003; the issue fixes 10).</summary>
    public const long RegistrationPoints = 10;

    /// <summary>Checks a posting before it reaches the database, which checks the same again.</summary>
    public static IReadOnlyList<FieldError> Validate(LedgerPosting p)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(p.Key) || p.Key.Length > KeyMaxLength || p.Key.Any(char.IsControl))
        {
            errors.Add(new FieldError(nameof(p.Key), InvalidKeyCode, KeyMaxLength));
        }

        if (!IsAmount(p.Currency, p.Amount, MaxAmount))
        {
            errors.Add(new FieldError(nameof(p.Amount), InvalidAmountCode, MaxAmount));
        }

        if (p.Memo is { Length: > MemoMaxLength })
        {
            errors.Add(new FieldError(nameof(p.Memo), "Wallet.Memo.TooLong", MemoMaxLength));
        }

        return errors;
    }

    /// <summary>
    /// Whether <paramref name="amount"/> may be booked in <paramref name="currency"/>: not zero, at most
    /// <paramref name="max"/> either way, whole for points, at most four decimals for money.
    /// </summary>
    public static bool IsAmount(WalletCurrency currency, decimal amount, decimal max) =>
        amount != 0 && Math.Abs(amount) <= max
        && (currency != WalletCurrency.Points || decimal.Truncate(amount) == amount)
        && decimal.Round(amount, BalanceScale) == amount;

    /// <summary>Rounds money half away from zero to the ledger's four decimals (usage prices are fractions of a fen).</summary>
    public static decimal RoundMoney(decimal amount) => decimal.Round(amount, BalanceScale, MidpointRounding.AwayFromZero);
}

/// <summary>Rules of admins' manual adjustments and of the ledger chart.</summary>
public static class WalletAdjustmentRules
{
    public const int ReasonMinLength = 2;

    /// <summary>The largest manual change: a typo of a few zeros must not mint a fortune.</summary>
    public const decimal MaxAdjustment = 1_000_000m;

    /// <summary>The idempotency key of an admin adjustment.</summary>
    public static string Key(Guid requestId) => $"admin-adjustment:{requestId}";

    public static IReadOnlyList<FieldError> Validate(WalletAdjustment a)
    {
        var errors = new List<FieldError>();
        if (!WalletRules.IsAmount(a.Currency, a.Amount, MaxAdjustment))
        {
            errors.Add(new FieldError(nameof(a.Amount), a.Currency == WalletCurrency.Points ? "Wallet.Adjust.Amount.Points" : "Wallet.Adjust.Amount.Balance", MaxAdjustment));
        }

        var reason = a.Reason?.Trim() ?? "";
        if (reason.Length < ReasonMinLength || reason.Length > WalletRules.MemoMaxLength)
        {
            errors.Add(new FieldError(nameof(a.Reason), "Wallet.Adjust.Reason.Length", ReasonMinLength, WalletRules.MemoMaxLength));
        }

        return errors;
    }

    /// <summary>
    /// One entry per day from <paramref name="first"/> to <paramref name="last"/>: days without bookings close where the
    /// previous day closed (<paramref name="opening"/> before the first booking of the window).
    /// </summary>
    public static IReadOnlyList<DailyBalance> FillDays(DateOnly first, DateOnly last, decimal opening, IReadOnlyList<DailyBalance> booked)
    {
        var byDay = booked.ToDictionary(d => d.Day);
        var days = new List<DailyBalance>();
        var closing = opening;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (byDay.TryGetValue(day, out var d))
            {
                closing = d.Closing;
                days.Add(d);
            }
            else
            {
                days.Add(new DailyBalance(day, closing, 0, 0));
            }
        }

        return days;
    }
}
