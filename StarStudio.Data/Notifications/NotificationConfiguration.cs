using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Data.Identity;
using StarStudio.Core.Notifications;

namespace StarStudio.Data.Notifications;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications", t =>
        {
            t.HasCheckConstraint("ck_notifications_kind", $"kind = ANY ({NotificationSchema.KindsArray})");
            // A path inside StarStudio only: never another site (an open redirect), never a protocol-relative URL.
            t.HasCheckConstraint("ck_notifications_link", "link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%' AND length(link) <= 300)");
            t.HasCheckConstraint("ck_notifications_args", "jsonb_typeof(args) = 'object'");
        });
        b.HasKey(n => n.Id);
        b.Property(n => n.Kind).HasMaxLength(40);
        b.Property(n => n.Args).HasColumnType("jsonb");
        b.Property(n => n.Link).HasMaxLength(300);
        b.Property(n => n.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(n => n.RecipientId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarStudio.Core.Stars.Star>().WithMany().HasForeignKey(n => n.StarId).OnDelete(DeleteBehavior.Cascade);
        // The list: a user's own, newest first. The bell: one index-only count over the unread ones.
        b.HasIndex(n => new { n.RecipientId, n.CreatedAt, n.Id }).IsDescending(false, true, true);
        b.HasIndex(n => n.RecipientId).HasFilter("read_at IS NULL").HasDatabaseName("ix_notifications_unread");
        // A fact notified twice (a re-run, a retried transaction) is one row.
        b.HasIndex(n => new { n.RecipientId, n.EventId }).IsUnique();
        // Retention deletes by age.
        b.HasIndex(n => n.CreatedAt);
    }
}
