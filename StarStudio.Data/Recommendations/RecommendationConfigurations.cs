using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Data.Identity;
using StarStudio.Core.Recommendations;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Recommendations;

internal sealed class RecommendationLogConfiguration : IEntityTypeConfiguration<RecommendationLog>
{
    public void Configure(EntityTypeBuilder<RecommendationLog> b)
    {
        b.ToTable("recommendation_logs", t =>
        {
            t.HasCheckConstraint("ck_recommendation_logs_item_type", "item_type IN ('star')");
            t.HasCheckConstraint("ck_recommendation_logs_algorithm", "algorithm_type IN ('item_to_item', 'popular_in_domain', 'popular', 'new')");
            t.HasCheckConstraint("ck_recommendation_logs_action", "user_action IS NULL OR user_action IN ('clicked', 'liked', 'dismissed')");
            t.HasCheckConstraint("ck_recommendation_logs_confidence", "confidence_score BETWEEN 0 AND 1");
        });
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(l => l.ItemType).HasMaxLength(20);
        b.Property(l => l.AlgorithmType).HasMaxLength(32);
        b.Property(l => l.ReasonCode).HasMaxLength(32);
        b.Property(l => l.ReasonArgs).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(l => l.UserAction).HasMaxLength(16);
        b.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(l => l.ItemId).OnDelete(DeleteBehavior.Cascade);
        // The strip's "what did I dismiss / see lately" and the admin page's date range.
        b.HasIndex(l => new { l.UserId, l.CreatedAt }).IsDescending(false, true);
        b.HasIndex(l => new { l.UserId, l.ItemId }).HasFilter("dismissed_at IS NOT NULL").HasDatabaseName("ix_recommendation_logs_dismissed");
        b.HasIndex(l => l.CreatedAt);
    }
}

internal sealed class StarSimilarityConfiguration : IEntityTypeConfiguration<StarSimilarity>
{
    public void Configure(EntityTypeBuilder<StarSimilarity> b)
    {
        b.ToTable("star_similarities", t => t.HasCheckConstraint("ck_star_similarities_score", "score BETWEEN 0 AND 1 AND support > 0"));
        b.HasKey(s => new { s.StarId, s.SimilarStarId });
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.SimilarStarId).OnDelete(DeleteBehavior.Cascade);
    }
}
