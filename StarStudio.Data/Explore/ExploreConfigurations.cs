using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Explore;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Explore;

// The gallery's tables (docs/explore.md). Row-level security, the counter triggers and the definer functions that are
// the only writers are in migration Explore (ExploreSchema holds its SQL).

internal sealed class StarLikeConfiguration : IEntityTypeConfiguration<StarLike>
{
    public void Configure(EntityTypeBuilder<StarLike> b)
    {
        b.ToTable("star_likes");
        b.HasKey(l => new { l.StarId, l.UserId });
        b.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(l => l.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        // "My likes", newest first; the heat job's likes of the last 7 days.
        b.HasIndex(l => new { l.UserId, l.CreatedAt });
        b.HasIndex(l => l.CreatedAt);
    }
}

internal sealed class StarPlayConfiguration : IEntityTypeConfiguration<StarPlay>
{
    public void Configure(EntityTypeBuilder<StarPlay> b)
    {
        b.ToTable("star_plays");
        b.HasKey(p => new { p.StarId, p.UserId, p.PlayDay });
        b.Property(p => p.FirstPlayedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(p => p.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        // The rollup reads the recent days; recommendations read a user's plays.
        b.HasIndex(p => new { p.PlayDay, p.StarId });
        b.HasIndex(p => new { p.UserId, p.PlayDay });
    }
}

internal sealed class StarPlayDailyStatConfiguration : IEntityTypeConfiguration<StarPlayDailyStat>
{
    public void Configure(EntityTypeBuilder<StarPlayDailyStat> b)
    {
        b.ToTable("star_play_daily_stats", t => t.HasCheckConstraint("ck_star_play_daily_stats_count", "play_count >= 0"));
        b.HasKey(s => new { s.StarId, s.PlayDay });
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.PlayDay, s.StarId }).IncludeProperties(s => s.PlayCount);
    }
}

internal sealed class StarGalleryStatsConfiguration : IEntityTypeConfiguration<StarGalleryStats>
{
    public void Configure(EntityTypeBuilder<StarGalleryStats> b)
    {
        b.ToTable("star_gallery_stats", t =>
        {
            t.HasCheckConstraint("ck_star_gallery_stats_likes", "like_count >= 0");
            t.HasCheckConstraint("ck_star_gallery_stats_plays", "play_count >= 0");
        });
        b.HasKey(s => s.StarId);
        b.Property(s => s.Name).HasMaxLength(StarRules.NameMax).IsRequired();
        b.Property(s => s.Domain).HasMaxLength(StarRules.DomainMax).IsRequired();
        b.Property(s => s.Tone).HasMaxLength(StarRules.ToneMax).IsRequired();
        b.Property(s => s.Tags).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(s => s.SearchText).HasDefaultValue("");
        // The segmented words (GallerySearchText) split on spaces only: the 'simple' configuration keeps each as it is.
        b.Property<NpgsqlTypes.NpgsqlTsVector>("SearchVector")
            .HasColumnType("tsvector")
            .HasComputedColumnSql("to_tsvector('simple'::regconfig, search_text)", stored: true);
        b.HasOne<Star>().WithOne().HasForeignKey<StarGalleryStats>(s => s.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Cascade);

        // One partial index per sort, over listed stars only, each ending with the id so every order is total.
        b.HasIndex(s => new { s.Heat, s.StarId }).IsDescending(true, true).HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_trending");
        b.HasIndex(s => new { s.StarCreatedAt, s.StarId }).IsDescending(true, true).HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_new");
        b.HasIndex(s => new { s.LikeCount, s.StarId }).IsDescending(true, true).HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_liked");
        b.HasIndex("SearchVector").HasMethod("gin").HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_search");
        b.HasIndex(s => s.Tags).HasMethod("gin").HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_tags");
        b.HasIndex(s => new { s.Domain, s.Heat, s.StarId }).IsDescending(false, true, true).HasFilter("listed").HasDatabaseName("ix_star_gallery_stats_domain");
        b.HasIndex(s => s.OwnerId);
    }
}

internal sealed class UserBrowseHistoryConfiguration : IEntityTypeConfiguration<UserBrowseHistory>
{
    public void Configure(EntityTypeBuilder<UserBrowseHistory> b)
    {
        b.ToTable("user_browse_history");
        b.HasKey(h => new { h.UserId, h.StarId });
        b.Property(h => h.FirstChattedAt).HasDefaultValueSql("now()");
        b.Property(h => h.LastChattedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(h => h.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(h => new { h.UserId, h.LastChattedAt }).IsDescending(false, true);
    }
}

/// <summary>
/// <c>stars.search_text</c>: the star's public fields as jieba words (<see cref="GallerySearchText"/>), written by
/// <see cref="StarSearchTextInterceptor"/> whenever a star is saved and copied into the gallery's read model by a trigger.
/// A shadow property, so Core's <see cref="Star"/> stays as it is. Null until first computed (stars made before the gallery:
/// the gallery job fills them in).
/// </summary>
internal sealed class StarSearchTextConfiguration : IEntityTypeConfiguration<Star>
{
    public const string Property = "SearchText";

    public void Configure(EntityTypeBuilder<Star> b) => b.Property<string?>(Property);
}

/// <summary>
/// <c>star_persona_versions.search_text</c>: a version's public fields as jieba words, written when the version is made
/// (versions are snapshots). The read model takes a listed star's search text from the version players get.
/// </summary>
internal sealed class StarPersonaVersionSearchTextConfiguration : IEntityTypeConfiguration<StarPersonaVersion>
{
    public void Configure(EntityTypeBuilder<StarPersonaVersion> b) => b.Property<string?>(StarSearchTextConfiguration.Property);
}
