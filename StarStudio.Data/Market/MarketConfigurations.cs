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
        b.ToTable("skills", t =>
        {
            t.HasCheckConstraint("ck_skills_price", "price >= 0");
            t.HasCheckConstraint("ck_skills_rating", "rating_avg BETWEEN 0 AND 5 AND rating_count >= 0");
            t.HasCheckConstraint("ck_skills_counts", "subscriber_count >= 0 AND call_count >= 0");
        });
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Name).HasMaxLength(80).IsRequired();
        b.Property(s => s.Category).HasMaxLength(40).HasDefaultValue(SkillCategories.Other);
        b.Property(s => s.Icon).HasMaxLength(16).HasDefaultValue(SkillCategories.DefaultIcon);
        b.Property(s => s.Schema).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(s => s.OutputSchema).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(s => s.Examples).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(s => s.AuthHeader).HasMaxLength(64);
        b.Property(s => s.SigningSecretProtected).HasDefaultValue("");
        b.Property(s => s.Price).HasColumnType("numeric(18,4)");
        b.Property(s => s.RatingAvg).HasColumnType("numeric(3,2)");
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<SkillVersion>().WithMany().HasForeignKey(s => s.PublishedVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.OwnerId);
        b.HasIndex(s => new { s.Status, s.CreatedAt });
        b.HasIndex(s => s.PublishedVersionId);
    }
}

internal sealed class SkillVersionConfiguration : IEntityTypeConfiguration<SkillVersion>
{
    public void Configure(EntityTypeBuilder<SkillVersion> b)
    {
        b.ToTable("skill_versions", t => t.HasCheckConstraint("ck_skill_versions_price", "price >= 0"));
        b.Property(v => v.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(v => v.Version).HasMaxLength(50).IsRequired();
        b.Property(v => v.Name).HasMaxLength(80).IsRequired();
        b.Property(v => v.Category).HasMaxLength(40);
        b.Property(v => v.Icon).HasMaxLength(16);
        b.Property(v => v.InputSchema).HasColumnType("jsonb");
        b.Property(v => v.OutputSchema).HasColumnType("jsonb");
        b.Property(v => v.Examples).HasColumnType("jsonb");
        b.Property(v => v.Price).HasColumnType("numeric(18,4)");
        b.Property(v => v.SubmittedAt).HasDefaultValueSql("now()");
        b.Property(v => v.SearchText).HasDefaultValue("");
        // Full-text search over the bigram form (SearchText.For); generated so it can never disagree with search_text.
        b.Property<NpgsqlTypes.NpgsqlTsVector>("SearchVector")
            .HasColumnType("tsvector")
            .HasComputedColumnSql("to_tsvector('simple'::regconfig, search_text)", stored: true);
        b.HasIndex("SearchVector").HasMethod("gin");
        b.HasOne<Skill>().WithMany().HasForeignKey(v => v.SkillId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.ReviewedBy).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(v => new { v.SkillId, v.Version }).IsUnique();
        b.HasIndex(v => new { v.Status, v.SubmittedAt });
    }
}

internal sealed class SkillSubscriptionConfiguration : IEntityTypeConfiguration<SkillSubscription>
{
    public void Configure(EntityTypeBuilder<SkillSubscription> b)
    {
        b.ToTable("skill_subscriptions", t =>
        {
            t.HasCheckConstraint("ck_skill_subscriptions_price", "price >= 0");
            t.HasCheckConstraint("ck_skill_subscriptions_period", "period_months >= 0 AND periods_charged >= 0");
        });
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Plan).HasMaxLength(40).IsRequired();
        b.Property(s => s.Price).HasColumnType("numeric(18,4)");
        b.Property(s => s.RenewalNotice).HasMaxLength(500);
        b.Property(s => s.StartedAt).HasDefaultValueSql("now()");
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Skill>().WithMany().HasForeignKey(s => s.SkillId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<SkillVersion>().WithMany().HasForeignKey(s => s.SkillVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.StarId, s.SkillId });
        b.HasIndex(s => s.SkillId);
        b.HasIndex(s => s.OwnerId);
        b.HasIndex(s => s.SkillVersionId);
        // One live subscription per star and skill; cancelled and expired ones stay as history.
        b.HasIndex(s => new { s.StarId, s.SkillId }).IsUnique().HasFilter("status = 'active'").HasDatabaseName("ux_skill_subscriptions_active");
        // The renewal job's scan.
        b.HasIndex(s => s.CurrentPeriodEnd).HasFilter("status = 'active' AND current_period_end IS NOT NULL").HasDatabaseName("ix_skill_subscriptions_due");
    }
}

internal sealed class SkillReviewConfiguration : IEntityTypeConfiguration<SkillReview>
{
    public void Configure(EntityTypeBuilder<SkillReview> b)
    {
        b.ToTable("skill_reviews", t =>
        {
            t.HasCheckConstraint("ck_skill_reviews_rating", "rating BETWEEN 1 AND 5");
            t.HasCheckConstraint("ck_skill_reviews_body", "char_length(body) <= 2000 AND (maker_reply IS NULL OR char_length(maker_reply) <= 2000)");
        });
        b.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(r => r.Rating).HasColumnType("smallint");
        b.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        b.Property(r => r.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Skill>().WithMany().HasForeignKey(r => r.SkillId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.SkillId, r.UserId }).IsUnique();
        b.HasIndex(r => new { r.SkillId, r.CreatedAt });
    }
}

internal sealed class SkillCallConfiguration : IEntityTypeConfiguration<SkillCall>
{
    public void Configure(EntityTypeBuilder<SkillCall> b)
    {
        b.ToTable("skill_calls", t => t.HasCheckConstraint("ck_skill_calls_money", "price >= 0 AND maker_share >= 0 AND maker_share <= price AND latency_ms >= 0"));
        b.Property(c => c.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(c => c.RequestId).HasMaxLength(160).IsRequired();
        b.Property(c => c.ErrorCode).HasMaxLength(60);
        b.Property(c => c.Price).HasColumnType("numeric(18,4)");
        b.Property(c => c.MakerShare).HasColumnType("numeric(18,4)");
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Skill>().WithMany().HasForeignKey(c => c.SkillId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SkillVersion>().WithMany().HasForeignKey(c => c.SkillVersionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SkillSubscription>().WithMany().HasForeignKey(c => c.SubscriptionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Star>().WithMany().HasForeignKey(c => c.StarId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarUser>().WithMany().HasForeignKey(c => c.PayerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(c => c.MakerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.RequestId).IsUnique();
        b.HasIndex(c => new { c.SkillId, c.CreatedAt });
        b.HasIndex(c => new { c.MakerId, c.CreatedAt });
        b.HasIndex(c => new { c.PayerId, c.CreatedAt });
        b.HasIndex(c => c.StarId);
        b.HasIndex(c => c.SubscriptionId);
    }
}
