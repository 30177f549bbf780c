using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Market;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Market;

internal sealed class SkillConfiguration : IEntityTypeConfiguration<Skill>
{
    public void Configure(EntityTypeBuilder<Skill> b)
    {
        b.ToTable("skills", t => t.HasCheckConstraint("ck_skills_price", "price >= 0"));
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Name).HasMaxLength(80).IsRequired();
        b.Property(s => s.Schema).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(s => s.Price).HasColumnType("numeric");
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.OwnerId);
        b.HasIndex(s => new { s.Status, s.CreatedAt });
    }
}

internal sealed class SkillSubscriptionConfiguration : IEntityTypeConfiguration<SkillSubscription>
{
    public void Configure(EntityTypeBuilder<SkillSubscription> b)
    {
        b.ToTable("skill_subscriptions");
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Plan).HasMaxLength(40).IsRequired();
        b.HasOne<Skill>().WithMany().HasForeignKey(s => s.SkillId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.StarId, s.SkillId });
        b.HasIndex(s => s.SkillId);
    }
}
