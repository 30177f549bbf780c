using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>
/// The semantic model's vector of one <c>star_embeddings</c> row (<see cref="Embeddings.MiniLmEmbedder"/>), kept beside the
/// default model's. A row exists once the background indexer has looked at the chunk: with a vector when the chunk is
/// English, without one (<see cref="Embedding"/> null) when it is not, since the model cannot read other languages. A chunk
/// without a row is still to do; re-ingesting a task deletes its chunks and with them (cascade) these rows.
/// </summary>
public class StarSemanticEmbedding
{
    public Guid EmbeddingId { get; set; }
    public Guid StarId { get; set; }
    public Guid TaskId { get; set; }
    public Pgvector.Vector? Embedding { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class StarSemanticEmbeddingConfiguration : IEntityTypeConfiguration<StarSemanticEmbedding>
{
    public void Configure(EntityTypeBuilder<StarSemanticEmbedding> b)
    {
        b.ToTable("star_semantic_embeddings");
        b.HasKey(e => e.EmbeddingId);
        b.Property(e => e.Embedding).HasColumnType($"vector({Embeddings.MiniLmEmbedder.Dimension})");
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarEmbedding>().WithOne().HasForeignKey<StarSemanticEmbedding>(e => e.EmbeddingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<KnowledgeTask>().WithMany().HasForeignKey(e => e.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.StarId);
        b.HasIndex(e => e.TaskId);
    }
}

/// <summary>Schema facts of the semantic vectors that the migration, the code and the tests share.</summary>
public static class SemanticSchema
{
    /// <summary>
    /// Left without FORCE ROW LEVEL SECURITY: <c>semantic_index_work</c> (SECURITY DEFINER, as the owner) must see every
    /// owner's rows to find the tasks still to index; the app role still obeys the policies.
    /// </summary>
    public static readonly string[] NotForced = ["star_semantic_embeddings"];

    public const string HnswIndex = "ix_star_semantic_embeddings_hnsw";
}
