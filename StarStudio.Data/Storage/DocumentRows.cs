using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Chat;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Storage;

// The PostgreSQL adapter of the document store keeps each seed 000 §2 collection as a table of jsonb
// documents. The key columns are copied out of the document so that they can carry foreign keys,
// indexes and row-level security; the document itself (field names as in the seed) is in `body`.

/// <summary>A <c>conversation_messages</c> document stored in PostgreSQL.</summary>
public class ConversationMessageRow
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string Body { get; set; } = "{}";
}

/// <summary>A <c>knowledge_chunks</c> document stored in PostgreSQL.</summary>
public class KnowledgeChunkRow
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public Guid StarId { get; set; }
    public int Seq { get; set; }
    public string Body { get; set; } = "{}";
}

/// <summary>A <c>training_logs</c> document stored in PostgreSQL.</summary>
public class TrainingLogRow
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public Guid StarId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string Body { get; set; } = "{}";
}

internal sealed class ConversationMessageRowConfiguration : IEntityTypeConfiguration<ConversationMessageRow>
{
    public void Configure(EntityTypeBuilder<ConversationMessageRow> b)
    {
        b.ToTable("conversation_messages");
        b.Property(r => r.Body).HasColumnType("jsonb");
        b.HasOne<Conversation>().WithMany().HasForeignKey(r => r.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.ConversationId, r.CreatedAt, r.Id });
    }
}

internal sealed class KnowledgeChunkRowConfiguration : IEntityTypeConfiguration<KnowledgeChunkRow>
{
    public void Configure(EntityTypeBuilder<KnowledgeChunkRow> b)
    {
        b.ToTable("knowledge_chunks");
        b.Property(r => r.Body).HasColumnType("jsonb");
        b.HasOne<KnowledgeTask>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(r => r.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.StarId, r.TaskId, r.Seq });
        b.HasIndex(r => r.TaskId);
    }
}

internal sealed class TrainingLogRowConfiguration : IEntityTypeConfiguration<TrainingLogRow>
{
    public void Configure(EntityTypeBuilder<TrainingLogRow> b)
    {
        b.ToTable("training_logs");
        b.Property(r => r.Body).HasColumnType("jsonb");
        b.HasOne<Star>().WithMany().HasForeignKey(r => r.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.JobId, r.CreatedAt, r.Id });
        b.HasIndex(r => r.StarId);
    }
}
