using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.ContentFilter;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;

namespace StarStudio.Data.ContentFilter;

/// <summary>The content-rating columns of <c>stars</c> (kept here, beside their feature, not in the stars' configuration).</summary>
internal sealed class StarContentRatingConfiguration : IEntityTypeConfiguration<Star>
{
    public void Configure(EntityTypeBuilder<Star> b)
    {
        b.ToTable("stars", t =>
        {
            t.HasCheckConstraint("ck_stars_content_rating", "content_rating IN ('general', 'teen', 'mature', 'adult')");
            t.HasCheckConstraint("ck_stars_admin_content_rating", "admin_content_rating IS NULL OR admin_content_rating IN ('general', 'teen', 'mature', 'adult')");
        });
        b.Property(s => s.ContentRating).HasMaxLength(10).HasDefaultValue(ContentRatings.Default);
        b.Property(s => s.AdminContentRating).HasMaxLength(10);
    }
}

/// <summary>The read model's copy of the effective rating, as a rank the gallery compares.</summary>
internal sealed class StarGalleryContentRankConfiguration : IEntityTypeConfiguration<StarGalleryStats>
{
    public void Configure(EntityTypeBuilder<StarGalleryStats> b)
    {
        b.Property(s => s.ContentRank).HasDefaultValue((short)0);
    }
}
