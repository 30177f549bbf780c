using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Stars;

internal sealed class StarConfiguration : IEntityTypeConfiguration<Star>
{
    public void Configure(EntityTypeBuilder<Star> b)
    {
        b.ToTable("stars");
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Name).HasMaxLength(StarRules.NameMax).IsRequired();
        b.Property(s => s.Domain).HasMaxLength(StarRules.DomainMax).IsRequired();
        b.Property(s => s.Persona).IsRequired();
        b.Property(s => s.Tone).HasMaxLength(StarRules.ToneMax).IsRequired();
        b.Property(s => s.Tags).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StarModelVersion>().WithMany().HasForeignKey(s => s.CurrentModelVersion).OnDelete(DeleteBehavior.SetNull);
        b.Property(s => s.SystemPrompt).HasDefaultValue("");
        b.Property(s => s.Greeting).HasDefaultValue("");
        b.Property(s => s.AlternateGreetings).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(s => s.ExampleDialogues).HasDefaultValue("");
        b.Property(s => s.Scenario).HasDefaultValue("");
        b.Property(s => s.CreatorNotes).HasDefaultValue("");
        b.Property(s => s.CardExtras).HasColumnType("jsonb");
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(s => s.PersonaVersionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(s => s.PublicVersionId).OnDelete(DeleteBehavior.SetNull);

        // The owner's list pages by these orders; each has an index that starts with owner_id and ends with the id
        // tie-break. They include is_public and status because the read policies (stars_owner OR stars_public_read)
        // test them on every row: with them in the index, the app role's count and the list's deferred join (the
        // page's ids, then their rows) are index-only scans. See docs/performance.md.
        b.HasIndex(s => new { s.OwnerId, s.UpdatedAt, s.Id }).IsDescending(false, true, true).IncludeProperties(s => new { s.IsPublic, s.Status });
        b.HasIndex(s => new { s.OwnerId, s.Name, s.Id }).IncludeProperties(s => new { s.IsPublic, s.Status });
        b.HasIndex(s => new { s.OwnerId, s.CreatedAt, s.Id }).IsDescending(false, true, true).IncludeProperties(s => new { s.IsPublic, s.Status });
        b.HasIndex(s => new { s.OwnerId, s.Status });
        b.HasIndex(s => s.Tags).HasMethod("gin");
        b.HasIndex(s => s.UpdatedAt).HasFilter("is_public AND status = 'active'").HasDatabaseName("ix_stars_public");
    }
}

internal sealed class StarModelVersionConfiguration : IEntityTypeConfiguration<StarModelVersion>
{
    public void Configure(EntityTypeBuilder<StarModelVersion> b)
    {
        b.ToTable("star_model_versions");
        b.Property(v => v.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(v => v.VersionName).HasMaxLength(40).IsRequired();
        b.Property(v => v.Metrics).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(v => v.TrainingDataSpan).AsTimeWindowRange();
        b.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        b.Property(v => v.ServedModelId).HasMaxLength(200);
        b.HasOne<Star>().WithMany().HasForeignKey(v => v.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Core.Training.TrainingDataset>().WithMany().HasForeignKey(v => v.DatasetId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Core.Training.Trainer>().WithMany().HasForeignKey(v => v.TrainerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.CreatedBy).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(v => new { v.StarId, v.CreatedAt });
        // Names are unique per star: the owner picks versions by name in compare and rollback.
        b.HasIndex(v => new { v.StarId, v.VersionName }).IsUnique();
    }
}

internal sealed class StarPersonaVersionConfiguration : IEntityTypeConfiguration<StarPersonaVersion>
{
    public void Configure(EntityTypeBuilder<StarPersonaVersion> b)
    {
        b.ToTable("star_persona_versions", t => t.HasCheckConstraint("ck_star_persona_versions_version_no", "version_no >= 1"));
        b.Property(v => v.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(v => v.Name).HasMaxLength(StarRules.NameMax).IsRequired();
        b.Property(v => v.Domain).HasMaxLength(StarRules.DomainMax).IsRequired();
        b.Property(v => v.Tone).HasMaxLength(StarRules.ToneMax).IsRequired();
        b.Property(v => v.Tags).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(v => v.AlternateGreetings).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(v => v.ChangeLog).HasMaxLength(StarRules.ChangeLogMax).HasDefaultValue("");
        b.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(v => v.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(v => v.BasedOnVersionId).OnDelete(DeleteBehavior.NoAction);
        b.HasOne<StarUser>().WithMany().HasForeignKey(v => v.CreatedBy).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(v => new { v.StarId, v.VersionNo }).IsUnique();
    }
}

internal sealed class StarReviewConfiguration : IEntityTypeConfiguration<StarReview>
{
    public void Configure(EntityTypeBuilder<StarReview> b)
    {
        b.ToTable("star_reviews", t => t.HasCheckConstraint("ck_star_reviews_reject_reason",
            "status <> 'rejected' OR length(btrim(coalesce(reason, ''))) > 0"));
        b.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(r => r.Reason).HasMaxLength(1000);
        b.Property(r => r.RequestedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(r => r.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(r => r.PersonaVersionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.RequestedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.ReviewedBy).OnDelete(DeleteBehavior.SetNull);
        // One open request per star; the admin queue reads pending ones oldest first.
        b.HasIndex(r => r.StarId).IsUnique().HasFilter("status = 'pending'").HasDatabaseName("ux_star_reviews_one_pending_per_star");
        b.HasIndex(r => new { r.Status, r.RequestedAt });
        b.HasIndex(r => new { r.StarId, r.RequestedAt });
    }
}

/// <summary>Maps a <see cref="TimeWindow"/> to a PostgreSQL <c>tstzrange</c> (half-open, either end may be infinite).</summary>
internal static class TimeWindowRange
{
    public static PropertyBuilder<TimeWindow?> AsTimeWindowRange(this PropertyBuilder<TimeWindow?> property) =>
        property.HasColumnType("tstzrange").HasConversion(
            w => w == null ? (NpgsqlRange<DateTime>?)null : ToRange(w),
            r => r == null ? null : FromRange(r.Value));

    private static NpgsqlRange<DateTime> ToRange(TimeWindow w) => new(
        w.Start?.UtcDateTime ?? default, true, w.Start is null,
        w.End?.UtcDateTime ?? default, false, w.End is null);

    private static TimeWindow FromRange(NpgsqlRange<DateTime> r) => new(
        r.LowerBoundInfinite ? null : new DateTimeOffset(DateTime.SpecifyKind(r.LowerBound, DateTimeKind.Utc)),
        r.UpperBoundInfinite ? null : new DateTimeOffset(DateTime.SpecifyKind(r.UpperBound, DateTimeKind.Utc)));
}
