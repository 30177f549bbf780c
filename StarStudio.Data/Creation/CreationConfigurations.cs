using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Creation;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Creation;

internal sealed class CreationSessionConfiguration : IEntityTypeConfiguration<CreationSession>
{
    public void Configure(EntityTypeBuilder<CreationSession> b)
    {
        b.ToTable("creation_agent_sessions", t => t.HasCheckConstraint("ck_creation_agent_sessions_progress", "progress_percent BETWEEN 0 AND 100"));
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.SeedText).HasMaxLength(500).IsRequired();
        b.Property(s => s.Anchors).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(s => s.QualityFindings).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(s => s.PublishGate).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(s => s.Engine).HasMaxLength(20);
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.PublishedStarId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(s => new { s.OwnerId, s.UpdatedAt }).IsDescending(false, true);
        b.HasIndex(s => s.Stage);
    }
}

internal sealed class CreationMessageConfiguration : IEntityTypeConfiguration<CreationMessage>
{
    public void Configure(EntityTypeBuilder<CreationMessage> b)
    {
        b.ToTable("creation_agent_messages");
        b.Property(m => m.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(m => m.Kind).HasMaxLength(20).IsRequired();
        b.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<CreationSession>().WithMany().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.SessionId, m.CreatedAt });
    }
}

internal sealed class CreationDraftCardConfiguration : IEntityTypeConfiguration<CreationDraftCard>
{
    public void Configure(EntityTypeBuilder<CreationDraftCard> b)
    {
        b.ToTable("creation_draft_cards");
        b.Property(c => c.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(c => c.Title).HasMaxLength(120).IsRequired();
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<CreationSession>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.SessionId, c.Kind }).IsUnique();
    }
}

internal sealed class CreationCheckpointConfiguration : IEntityTypeConfiguration<CreationCheckpoint>
{
    public void Configure(EntityTypeBuilder<CreationCheckpoint> b)
    {
        b.ToTable("creation_checkpoints");
        b.Property(c => c.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(c => c.Label).HasMaxLength(120).IsRequired();
        b.Property(c => c.Snapshot).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<CreationSession>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.SessionId, c.CreatedAt });
    }
}
