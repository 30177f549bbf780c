using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;

namespace StarStudio.Data.Billing.Payments;

internal sealed class PaymentEventRecordConfiguration : IEntityTypeConfiguration<PaymentEventRecord>
{
    public void Configure(EntityTypeBuilder<PaymentEventRecord> b)
    {
        b.ToTable("payment_events");
        // Unique per provider: a replayed event id is refused by this key, not by a read before the write.
        b.HasKey(e => new { e.Provider, e.EventId });
        b.Property(e => e.Provider).HasMaxLength(50);
        b.Property(e => e.EventId).HasMaxLength(PaymentEvent.EventIdMax);
        b.Property(e => e.Amount).HasPrecision(18, 4);
        b.Property(e => e.Currency).HasMaxLength(10);
        b.Property(e => e.ReceivedAt).HasDefaultValueSql("now()");
        b.HasOne<BillingOrder>().WithMany().HasForeignKey(e => e.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.OrderId);
    }
}
