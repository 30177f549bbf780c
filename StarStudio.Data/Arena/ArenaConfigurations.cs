using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Arena;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Arena;

internal sealed class StarTrialConfiguration : IEntityTypeConfiguration<StarTrial>
{
    public void Configure(EntityTypeBuilder<StarTrial> b)
    {
        b.ToTable("star_trials");
        b.Property(t => t.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(t => t.Title).HasMaxLength(120).IsRequired();
        b.Property(t => t.AnswerSchema).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(t => t.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(t => new { t.SeasonId, t.Status });
    }
}

internal sealed class TrialEntryConfiguration : IEntityTypeConfiguration<TrialEntry>
{
    public void Configure(EntityTypeBuilder<TrialEntry> b)
    {
        b.ToTable("trial_entries");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Score).HasPrecision(5, 2);
        b.Property(e => e.SubmittedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(e => e.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.TrialId, e.StarId }).IsUnique();
        b.HasIndex(e => new { e.TrialId, e.Score });
        b.HasIndex(e => e.StarId);
    }
}
