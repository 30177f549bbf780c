using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Knowledge;

internal sealed class KnowledgeTaskConfiguration : IEntityTypeConfiguration<KnowledgeTask>
{
    public void Configure(EntityTypeBuilder<KnowledgeTask> b)
    {
        b.ToTable("knowledge_tasks");
        b.Property(t => t.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(t => t.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.StarId, t.CreatedAt }).IsDescending(false, true);
        b.HasIndex(t => t.Status).HasFilter("status IN ('pending', 'processing')");
        b.Property(t => t.SourceName).HasMaxLength(255).IsRequired();
        b.Property(t => t.ContentType).HasMaxLength(100);
        b.Property(t => t.ContentSha256).HasMaxLength(64).IsFixedLength();
        b.Property(t => t.Phase)
            .HasConversion(p => p!.Value.ToString().ToLowerInvariant(), s => Enum.Parse<KnowledgePhase>(s, true))
            .HasMaxLength(16);
        b.Property(t => t.EmbeddingModel).HasMaxLength(100);
        b.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
        b.ToTable(t => t.HasCheckConstraint("ck_knowledge_tasks_progress", "progress BETWEEN 0 AND 100"));
        // The same content is ingested once per star: a second upload finds the first task.
        b.HasIndex(t => new { t.StarId, t.ContentSha256 }).IsUnique();
        b.HasOne<KnowledgeWebhookSource>().WithMany().HasForeignKey(t => t.WebhookSourceId).OnDelete(DeleteBehavior.SetNull);
        b.ToTable(t => t.HasCheckConstraint("ck_knowledge_tasks_interrupted_runs", "interrupted_runs >= 0"));
    }
}

internal sealed class EmbeddingModelConfiguration : IEntityTypeConfiguration<EmbeddingModel>
{
    internal static readonly Guid LocalModelId = Guid.Parse("6f1c2a10-0000-4000-8000-0000000000e1");

    public void Configure(EntityTypeBuilder<EmbeddingModel> b)
    {
        b.ToTable("embeddings_models", t => t.HasCheckConstraint("ck_embeddings_models_dimension", "dimension IN (384, 768, 1024, 1536)"));
        b.Property(m => m.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(m => m.Name).HasMaxLength(100).IsRequired();
        b.Property(m => m.Provider).HasMaxLength(20).IsRequired();
        b.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(m => m.Name).IsUnique();
        b.HasIndex(m => m.IsDefault).IsUnique().HasFilter("is_default");
        b.HasData(new EmbeddingModel
        {
            Id = LocalModelId,
            Name = "local-hash-384",
            Provider = EmbeddingProviders.Local,
            Dimension = 384,
            MaxInputTokens = 8192,
            IsActive = true,
            IsDefault = true,
            CreatedAt = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero),
        });
    }
}

internal sealed class KnowledgeWebhookSourceConfiguration : IEntityTypeConfiguration<KnowledgeWebhookSource>
{
    public void Configure(EntityTypeBuilder<KnowledgeWebhookSource> b)
    {
        b.ToTable("knowledge_webhook_sources");
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Name).HasMaxLength(80).IsRequired();
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.StarId);
    }
}

/// <summary>Signatures already accepted from a webhook source, so a captured request cannot be replayed.</summary>
public class KnowledgeWebhookReceipt
{
    public Guid SourceId { get; set; }
    public string Signature { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class KnowledgeWebhookReceiptConfiguration : IEntityTypeConfiguration<KnowledgeWebhookReceipt>
{
    public void Configure(EntityTypeBuilder<KnowledgeWebhookReceipt> b)
    {
        b.ToTable("knowledge_webhook_receipts");
        b.HasKey(r => new { r.SourceId, r.Signature });
        b.Property(r => r.Signature).HasMaxLength(64).IsFixedLength();
        b.Property(r => r.ReceivedAt).HasDefaultValueSql("now()");
        b.HasOne<KnowledgeWebhookSource>().WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.ReceivedAt);
    }
}

/// <summary>
/// A vector of seed 000 §3 (<c>star_embeddings</c>); the logical collection is <c>star_&lt;starId&gt;</c>.
/// Beyond the seed's fields it keeps the chunk's text (for full-text search and citations without a
/// second store), the model that made the vector, and its dimension (docs/decisions.md).
/// </summary>
public class StarEmbedding
{
    public const int DefaultDimension = 1536;

    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid ChunkId { get; set; }
    public Guid TaskId { get; set; }
    public int Seq { get; set; }
    public Pgvector.Vector Embedding { get; set; } = null!;
    /// <summary>The vector's length; each supported length has its own partial HNSW index.</summary>
    public short Dimensions { get; set; }
    public string EmbeddingModel { get; set; } = "";
    public string Content { get; set; } = "";
    /// <summary>The text as the full-text index sees it: words, and CJK runs split into overlapping bigrams.</summary>
    public string SearchText { get; set; } = "";
    public NpgsqlTypes.NpgsqlTsVector SearchVector { get; set; } = null!;
    public string Metadata { get; set; } = "{}";
}

internal sealed class StarEmbeddingConfiguration : IEntityTypeConfiguration<StarEmbedding>
{
    public void Configure(EntityTypeBuilder<StarEmbedding> b)
    {
        b.ToTable("star_embeddings");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        // Untyped so that models of several sizes fit; the HNSW indexes are partial expression indexes
        // per supported size, created in the KnowledgePipeline migration.
        b.Property(e => e.Embedding).HasColumnType("vector").IsRequired();
        b.Property(e => e.EmbeddingModel).HasMaxLength(100).IsRequired();
        b.Property(e => e.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.HasGeneratedTsVectorColumn(e => e.SearchVector, "simple", e => new { e.SearchText }).HasIndex(e => e.SearchVector).HasMethod("gin");
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<KnowledgeTask>().WithMany().HasForeignKey(e => e.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.StarId);
        b.HasIndex(e => new { e.TaskId, e.Seq });
        b.HasIndex(e => e.ChunkId).IsUnique();
        b.ToTable(t => t.HasCheckConstraint("ck_star_embeddings_dimensions", "vector_dims(embedding) = dimensions"));
    }
}

internal sealed class LoreEntryConfiguration : IEntityTypeConfiguration<LoreEntry>
{
    public void Configure(EntityTypeBuilder<LoreEntry> b)
    {
        b.ToTable("knowledge_lore_entries");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Keys).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(e => e.SecondaryKeys).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(e => e.Comment).HasDefaultValue("");
        b.Property(e => e.Extras).HasColumnType("jsonb");
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<KnowledgeTask>().WithMany().HasForeignKey(e => e.KnowledgeTaskId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(e => new { e.StarId, e.EntryOrder }).IsUnique();
    }
}
