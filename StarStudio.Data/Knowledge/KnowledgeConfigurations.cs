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
    }
}

/// <summary>A vector of seed 000 §3 (<c>star_embeddings</c>); the logical collection is <c>star_&lt;starId&gt;</c>.</summary>
public class StarEmbedding
{
    public const int DefaultDimension = 1536;

    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public Guid ChunkId { get; set; }
    public Pgvector.Vector Embedding { get; set; } = null!;
    public string Metadata { get; set; } = "{}";
}

internal sealed class StarEmbeddingConfiguration : IEntityTypeConfiguration<StarEmbedding>
{
    public void Configure(EntityTypeBuilder<StarEmbedding> b)
    {
        b.ToTable("star_embeddings");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Embedding).HasColumnType($"vector({StarEmbedding.DefaultDimension})").IsRequired();
        b.Property(e => e.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.StarId);
        b.HasIndex(e => e.ChunkId).IsUnique();
        b.HasIndex(e => e.Embedding).HasMethod("hnsw").HasOperators("vector_cosine_ops");
    }
}
