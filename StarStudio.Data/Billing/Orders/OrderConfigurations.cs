using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Billing.Orders;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Billing.Orders;

internal sealed class BillingProductConfiguration : IEntityTypeConfiguration<BillingProduct>
{
    public void Configure(EntityTypeBuilder<BillingProduct> b)
    {
        b.ToTable("products", t =>
        {
            t.HasCheckConstraint("ck_products_price", "price > 0 AND credit_amount >= 0");
            t.HasCheckConstraint("ck_products_kind", "(kind = 'recharge' AND credit_amount >= price AND membership_tier IS NULL AND membership_period IS NULL) OR (kind = 'membership' AND credit_amount = 0 AND membership_tier IS NOT NULL AND membership_period IS NOT NULL)");
        });
        b.Property(p => p.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(p => p.Name).HasMaxLength(BillingProductRules.NameMax).IsRequired();
        b.Property(p => p.Description).HasMaxLength(BillingProductRules.DescriptionMax);
        b.Property(p => p.Price).HasPrecision(18, 4);
        b.Property(p => p.CreditAmount).HasPrecision(18, 4);
        b.Property(p => p.Currency).HasMaxLength(10).HasDefaultValue(BillingProductRules.Currency);
        b.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        b.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(p => new { p.IsListed, p.SortOrder });
    }
}

internal sealed class BillingOrderConfiguration : IEntityTypeConfiguration<BillingOrder>
{
    public void Configure(EntityTypeBuilder<BillingOrder> b)
    {
        b.ToTable("orders", t =>
        {
            t.HasCheckConstraint("ck_orders_amounts", "amount > 0 AND credit_amount >= 0 AND refund_amount >= 0 AND refund_amount <= amount");
            // The timestamps follow the status, so a row never claims to be paid without saying when.
            t.HasCheckConstraint("ck_orders_status_times",
                "(status = 'pending' AND paid_at IS NULL AND cancelled_at IS NULL AND refunded_at IS NULL)"
                + " OR (status = 'paid' AND paid_at IS NOT NULL AND refunded_at IS NULL)"
                + " OR (status = 'cancelled' AND cancelled_at IS NOT NULL AND paid_at IS NULL)"
                + " OR (status = 'refunded' AND paid_at IS NOT NULL AND refunded_at IS NOT NULL)");
        });
        b.Property(o => o.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(o => o.OrderNo).HasMaxLength(64).IsRequired();
        b.HasIndex(o => o.OrderNo).IsUnique();
        b.Property(o => o.ProductTitle).HasMaxLength(BillingProductRules.NameMax).IsRequired();
        b.Property(o => o.Amount).HasPrecision(18, 4);
        b.Property(o => o.CreditAmount).HasPrecision(18, 4);
        b.Property(o => o.RefundAmount).HasPrecision(18, 4).HasDefaultValue(0m);
        b.Property(o => o.Currency).HasMaxLength(10).HasDefaultValue(BillingProductRules.Currency);
        b.Property(o => o.RefundReason).HasMaxLength(OrderRules.RefundReasonMax);
        b.Property(o => o.PaymentChannel).HasMaxLength(50);
        b.Property(o => o.PaymentReference).HasMaxLength(200);
        b.Property(o => o.CreatedAt).HasDefaultValueSql("now()");
        b.Property(o => o.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<BillingProduct>().WithMany().HasForeignKey(o => o.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(o => new { o.UserId, o.CreatedAt }).IsDescending(false, true);
        b.HasIndex(o => new { o.Status, o.CreatedAt }).IsDescending(false, true);
    }
}
