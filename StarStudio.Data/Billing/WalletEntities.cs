using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Billing;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Billing;

/// <summary>A user's wallet row (seed 002 <c>user_balance</c>, with seed 003's points beside the money).</summary>
/// <remarks>Written only by the wallet functions (<see cref="WalletPostings"/>); the app role may only read it.</remarks>
public sealed class UserBalanceRow
{
    public Guid UserId { get; set; }
    public long Points { get; set; }
    public decimal Balance { get; set; }
    public decimal FrozenBalance { get; set; }
    public string Currency { get; set; } = "CNY";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One booked change of points or balance (seed 003 <c>profile_wallet_ledger</c>; seed 002 <c>transactions</c>).</summary>
public sealed class WalletLedgerRow
{
    /// <summary>The idempotency key (seed 003 fixes e.g. <c>new-user-registration:{user_id}</c>).</summary>
    public string WalletLedgerId { get; set; } = "";

    /// <summary>Booking order: the keyset for paging and the chain the balance is checked against.</summary>
    public long Seq { get; set; }
    public Guid UserId { get; set; }
    public WalletCurrency Currency { get; set; }
    public decimal AmountDelta { get; set; }
    public decimal BalanceBefore { get; set; }
    public decimal BalanceAfter { get; set; }
    public LedgerSource SourceType { get; set; }
    public string? ReferenceType { get; set; }
    public string? ReferenceId { get; set; }
    public string? Memo { get; set; }

    /// <summary>Who was signed in when it was booked (null for jobs and webhooks).</summary>
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public LedgerEntry ToEntry() => new(WalletLedgerId, Seq, UserId, Currency, AmountDelta, BalanceBefore, BalanceAfter, SourceType, ReferenceType, ReferenceId, Memo, CreatedAt);
}

/// <summary>A frozen part of a balance for a pending charge (seed 002's <c>frozen_balance</c>, one row per hold).</summary>
public sealed class WalletHoldRow
{
    public string HoldId { get; set; } = "";
    public Guid UserId { get; set; }
    public decimal Amount { get; set; }
    public WalletHoldStatus Status { get; set; }
    public decimal? SettledAmount { get; set; }
    public string? LedgerId { get; set; }
    public string? ReferenceType { get; set; }
    public string? ReferenceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

internal sealed class UserBalanceConfiguration : IEntityTypeConfiguration<UserBalanceRow>
{
    public void Configure(EntityTypeBuilder<UserBalanceRow> b)
    {
        b.ToTable("user_balance", t =>
        {
            t.HasCheckConstraint("ck_user_balance_points", "points >= 0");
            t.HasCheckConstraint("ck_user_balance_balance", "balance >= 0");
            t.HasCheckConstraint("ck_user_balance_frozen", "frozen_balance >= 0 AND frozen_balance <= balance");
        });
        b.HasKey(w => w.UserId);
        b.Property(w => w.Points).HasDefaultValue(0L);
        b.Property(w => w.Balance).HasPrecision(18, 4).HasDefaultValue(0m);
        b.Property(w => w.FrozenBalance).HasPrecision(18, 4).HasDefaultValue(0m);
        b.Property(w => w.Currency).HasMaxLength(10).HasDefaultValue("CNY");
        b.Property(w => w.CreatedAt).HasDefaultValueSql("now()");
        b.Property(w => w.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<UserBalanceRow>(w => w.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WalletLedgerConfiguration : IEntityTypeConfiguration<WalletLedgerRow>
{
    public void Configure(EntityTypeBuilder<WalletLedgerRow> b)
    {
        b.ToTable("profile_wallet_ledger", t =>
        {
            t.HasCheckConstraint("ck_profile_wallet_ledger_amount", "amount_delta <> 0");
            t.HasCheckConstraint("ck_profile_wallet_ledger_chain", "balance_after = balance_before + amount_delta");
            t.HasCheckConstraint("ck_profile_wallet_ledger_not_negative", "balance_after >= 0");
            t.HasCheckConstraint("ck_profile_wallet_ledger_whole_points", "currency <> 'points' OR amount_delta = trunc(amount_delta)");
        });
        b.HasKey(l => l.WalletLedgerId);
        b.Property(l => l.WalletLedgerId).HasMaxLength(WalletRules.KeyMaxLength);
        b.Property(l => l.Seq).UseIdentityAlwaysColumn();
        b.HasAlternateKey(l => l.Seq);
        b.Property(l => l.AmountDelta).HasPrecision(18, 4);
        b.Property(l => l.BalanceBefore).HasPrecision(18, 4);
        b.Property(l => l.BalanceAfter).HasPrecision(18, 4);
        b.Property(l => l.ReferenceType).HasMaxLength(50);
        b.Property(l => l.ReferenceId).HasMaxLength(WalletRules.KeyMaxLength);
        b.Property(l => l.Memo).HasMaxLength(WalletRules.MemoMaxLength);
        b.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(l => new { l.UserId, l.Currency, l.Seq }).IsDescending(false, false, true);
        b.HasOne<StarUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WalletHoldConfiguration : IEntityTypeConfiguration<WalletHoldRow>
{
    public void Configure(EntityTypeBuilder<WalletHoldRow> b)
    {
        b.ToTable("wallet_holds", t =>
        {
            t.HasCheckConstraint("ck_wallet_holds_amount", "amount > 0");
            t.HasCheckConstraint("ck_wallet_holds_settled", "settled_amount IS NULL OR (settled_amount >= 0 AND settled_amount <= amount)");
        });
        b.HasKey(h => h.HoldId);
        b.Property(h => h.HoldId).HasMaxLength(WalletRules.KeyMaxLength);
        b.Property(h => h.Amount).HasPrecision(18, 4);
        b.Property(h => h.SettledAmount).HasPrecision(18, 4);
        b.Property(h => h.LedgerId).HasMaxLength(WalletRules.KeyMaxLength);
        b.Property(h => h.ReferenceType).HasMaxLength(50);
        b.Property(h => h.ReferenceId).HasMaxLength(WalletRules.KeyMaxLength);
        b.Property(h => h.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(h => new { h.UserId, h.Status });
        b.HasOne<StarUser>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
