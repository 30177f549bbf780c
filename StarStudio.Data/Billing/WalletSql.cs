using Npgsql.NameTranslation;
using StarStudio.Core.Billing;

namespace StarStudio.Data.Billing;

/// <summary>The wallet enums as PostgreSQL labels (Npgsql's snake_case translation, the same the EF mapping uses).</summary>
internal static class WalletSql
{
    private static readonly NpgsqlSnakeCaseNameTranslator Translator = new();

    public static string Label<TEnum>(TEnum value)
        where TEnum : struct, Enum => Translator.TranslateMemberName(value.ToString());

    public static TEnum Parse<TEnum>(string label)
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Single(v => Label(v) == label);
}

/// <summary>The row every wallet function returns: the outcome and, when a ledger row is involved, that row.</summary>
internal sealed record WalletPostRow(
    string Outcome,
    string? WalletLedgerId,
    long? Seq,
    Guid? UserId,
    string? Currency,
    decimal? Amount,
    decimal? BalanceBefore,
    decimal? BalanceAfter,
    string? SourceType,
    string? ReferenceType,
    string? ReferenceId,
    string? Memo,
    DateTimeOffset? CreatedAt)
{
    public LedgerResult ToResult()
    {
        var outcome = Outcome switch
        {
            "posted" => LedgerOutcome.Posted,
            "replayed" => LedgerOutcome.Replayed,
            "insufficient" => LedgerOutcome.Insufficient,
            "key_conflict" => LedgerOutcome.KeyConflict,
            _ => throw new InvalidOperationException($"Unknown wallet outcome '{Outcome}'."),
        };
        var entry = WalletLedgerId is null
            ? null
            : new LedgerEntry(
                WalletLedgerId, Seq!.Value, UserId!.Value, WalletSql.Parse<WalletCurrency>(Currency!), Amount!.Value,
                BalanceBefore!.Value, BalanceAfter!.Value, WalletSql.Parse<LedgerSource>(SourceType!), ReferenceType, ReferenceId, Memo, CreatedAt!.Value);
        return new LedgerResult(outcome, entry);
    }
}
