using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Billing.Membership;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Billing.Membership;

internal sealed class ProfileMembershipConfiguration : IEntityTypeConfiguration<ProfileMembership>
{
    public void Configure(EntityTypeBuilder<ProfileMembership> b)
    {
        b.ToTable("profile_membership", t => t.HasCheckConstraint("ck_profile_membership_period", "expires_at >= started_at"));
        b.HasKey(m => m.UserId);
        b.Property(m => m.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<ProfileMembership>(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
