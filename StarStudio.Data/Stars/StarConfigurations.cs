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
