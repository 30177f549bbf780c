using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Extensions;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Extensions;

internal sealed class ExtensionConfiguration : IEntityTypeConfiguration<Extension>
{
    public void Configure(EntityTypeBuilder<Extension> b)
    {
        b.ToTable("extensions", t =>
        {
            t.HasCheckConstraint("ck_extensions_status", "status IN ('pending', 'approved', 'rejected', 'suspended')");
            t.HasCheckConstraint("ck_extensions_id", "id ~ '^[a-z0-9]+([.-][a-z0-9]+)*$' AND char_length(id) BETWEEN 3 AND 50");
            t.HasCheckConstraint("ck_extensions_counts", "install_count >= 0 AND rating_count >= 0 AND rating_sum BETWEEN rating_count AND rating_count * 5");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(ExtensionLimits.IdMaxLength);
        b.Property(e => e.Name).HasMaxLength(ExtensionLimits.NameMaxLength);
        b.Property(e => e.Kind).HasMaxLength(30);
        b.Property(e => e.Description).HasMaxLength(ExtensionLimits.DescriptionMaxLength);
        b.Property(e => e.Status).HasMaxLength(20).HasDefaultValue(ExtensionStatuses.Pending);
        b.Property(e => e.LatestVersion).HasMaxLength(SemanticVersion.MaxLength);
        b.Property(e => e.SuspendedReason).HasMaxLength(ExtensionLimits.RejectReasonMaxLength);
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.Property(e => e.UpdatedAt).HasDefaultValueSql("now()");
        b.Property(e => e.InstallCount).HasDefaultValue(0);
        b.Property(e => e.RatingSum).HasDefaultValue(0);
        b.Property(e => e.RatingCount).HasDefaultValue(0);
        b.Ignore(e => e.RatingAverage);
        b.HasOne<StarUser>().WithMany().HasForeignKey(e => e.AuthorId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ExtensionVersion>().WithMany().HasForeignKey(e => e.LatestVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.Status, e.Kind });
        b.HasIndex(e => e.AuthorId);
    }
}

internal sealed class ExtensionVersionConfiguration : IEntityTypeConfiguration<ExtensionVersion>
{
    public void Configure(EntityTypeBuilder<ExtensionVersion> b)
    {
        b.ToTable("extension_versions", t =>
        {
            t.HasCheckConstraint("ck_extension_versions_status", "status IN ('pending', 'approved', 'rejected')");
            t.HasCheckConstraint("ck_extension_versions_sandbox", "sandbox_level IN ('none', 'basic', 'strict')");
            t.HasCheckConstraint("ck_extension_versions_permissions", "permissions <@ ARRAY['ui', 'api', 'storage', 'network', 'system']::text[]");
            t.HasCheckConstraint("ck_extension_versions_reject_reason", "status <> 'rejected' OR reject_reason IS NOT NULL");
        });
        b.Property(v => v.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(v => v.ExtensionId).HasMaxLength(ExtensionLimits.IdMaxLength);
        b.Property(v => v.Version).HasMaxLength(SemanticVersion.MaxLength);
        b.Property(v => v.Name).HasMaxLength(ExtensionLimits.NameMaxLength);
        b.Property(v => v.Kind).HasMaxLength(30);
        b.Property(v => v.Description).HasMaxLength(ExtensionLimits.DescriptionMaxLength);
        b.Property(v => v.SandboxLevel).HasMaxLength(10);
        b.Property(v => v.Manifest).HasColumnType("jsonb");
        b.Property(v => v.Status).HasMaxLength(20).HasDefaultValue(ExtensionVersionStatuses.Pending);
        b.Property(v => v.RejectReason).HasMaxLength(ExtensionLimits.RejectReasonMaxLength);
        b.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Extension>().WithMany().HasForeignKey(v => v.ExtensionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.AuthorId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.ReviewedBy).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(v => new { v.ExtensionId, v.Version }).IsUnique();
        b.HasIndex(v => new { v.Status, v.CreatedAt });
    }
}

internal sealed class ExtensionInstallationConfiguration : IEntityTypeConfiguration<ExtensionInstallation>
{
    public void Configure(EntityTypeBuilder<ExtensionInstallation> b)
    {
        b.ToTable("extension_installations");
        b.Property(i => i.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(i => i.ExtensionId).HasMaxLength(ExtensionLimits.IdMaxLength);
        b.Property(i => i.AutoUpdate).HasDefaultValue(true);
        b.Property(i => i.InstalledAt).HasDefaultValueSql("now()");
        b.Property(i => i.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Extension>().WithMany().HasForeignKey(i => i.ExtensionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ExtensionVersion>().WithMany().HasForeignKey(i => i.VersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => new { i.UserId, i.ExtensionId }).IsUnique();
        b.HasIndex(i => new { i.ExtensionId, i.AutoUpdate });
    }
}

internal sealed class ExtensionReviewConfiguration : IEntityTypeConfiguration<ExtensionReview>
{
    public void Configure(EntityTypeBuilder<ExtensionReview> b)
    {
        b.ToTable("extension_reviews", t =>
        {
            t.HasCheckConstraint("ck_extension_reviews_rating", "rating BETWEEN 1 AND 5");
            t.HasCheckConstraint("ck_extension_reviews_body", "char_length(body) <= 2000");
            t.HasCheckConstraint("ck_extension_reviews_helpful", "helpful_count >= 0");
        });
        b.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(r => r.ExtensionId).HasMaxLength(ExtensionLimits.IdMaxLength);
        b.Property(r => r.Rating).HasColumnType("smallint");
        b.Property(r => r.Version).HasMaxLength(SemanticVersion.MaxLength);
        b.Property(r => r.HelpfulCount).HasDefaultValue(0);
        b.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        b.Property(r => r.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Extension>().WithMany().HasForeignKey(r => r.ExtensionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.ExtensionId, r.UserId }).IsUnique();
        b.HasIndex(r => new { r.ExtensionId, r.HelpfulCount });
    }
}

internal sealed class ExtensionReviewVoteConfiguration : IEntityTypeConfiguration<ExtensionReviewVote>
{
    public void Configure(EntityTypeBuilder<ExtensionReviewVote> b)
    {
        b.ToTable("extension_review_votes");
        b.HasKey(v => new { v.ReviewId, v.UserId });
        b.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<ExtensionReview>().WithMany().HasForeignKey(v => v.ReviewId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
