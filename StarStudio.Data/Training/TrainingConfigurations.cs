using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Chat;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;
using StarStudio.Data.Identity;
using StarStudio.Data.Stars;

namespace StarStudio.Data.Training;

internal sealed class TrainingDatasetConfiguration : IEntityTypeConfiguration<TrainingDataset>
{
    public void Configure(EntityTypeBuilder<TrainingDataset> b)
    {
        b.ToTable("training_datasets");
        b.Property(d => d.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(d => d.Filters).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(d => d.Counts).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(d => d.ManifestUri).IsRequired();
        b.Property(d => d.DataSpan).AsTimeWindowRange();
        b.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(d => d.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(d => d.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => new { d.StarId, d.CreatedAt }).IsDescending(false, true);
    }
}

internal sealed class TrainingJobConfiguration : IEntityTypeConfiguration<TrainingJob>
{
    public void Configure(EntityTypeBuilder<TrainingJob> b)
    {
        b.ToTable("training_jobs", t => t.HasCheckConstraint("ck_training_jobs_progress", "progress BETWEEN 0 AND 100"));
        b.Property(j => j.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(j => j.ExternalJobId).HasMaxLength(200);
        b.Property(j => j.Metrics).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
        b.Property(j => j.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(j => j.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TrainingDataset>().WithMany().HasForeignKey(j => j.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Trainer>().WithMany().HasForeignKey(j => j.TrainerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StarModelVersion>().WithMany().HasForeignKey(j => j.BaseVersionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarModelVersion>().WithMany().HasForeignKey(j => j.ModelVersionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarUser>().WithMany().HasForeignKey(j => j.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(j => new { j.StarId, j.CreatedAt }).IsDescending(false, true);
        // Two jobs at once for one star are refused by the database, not only by the service.
        b.HasIndex(j => j.StarId).IsUnique().HasFilter("status IN ('queued', 'running')").HasDatabaseName("ux_training_jobs_one_active_per_star");
        b.HasIndex(j => j.LeaseUntil).HasFilter("status IN ('queued', 'running')");
    }
}

internal sealed class TrainerConfiguration : IEntityTypeConfiguration<Trainer>
{
    public void Configure(EntityTypeBuilder<Trainer> b)
    {
        b.ToTable("trainers");
        b.Property(t => t.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(t => t.Name).HasMaxLength(80).IsRequired();
        b.Property(t => t.BaseUrl).HasMaxLength(500).IsRequired();
        b.Property(t => t.BaseModel).HasMaxLength(200).IsRequired();
        b.Property(t => t.Methods).HasColumnType("training_method[]");
        b.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        b.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<LlmProvider>().WithMany().HasForeignKey(t => t.ServingProviderId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(t => t.Name).IsUnique();
    }
}
