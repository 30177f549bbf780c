using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Billing.Usage;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Billing.Usage;

internal sealed class UsageBillingArrearsConfiguration : IEntityTypeConfiguration<UsageBillingArrears>
{
    public void Configure(EntityTypeBuilder<UsageBillingArrears> b)
    {
        b.ToTable("usage_billing_arrears");
        b.HasKey(a => a.UserId);
        b.Property(a => a.AmountDue).HasPrecision(18, 4);
        b.Property(a => a.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<UsageBillingArrears>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
