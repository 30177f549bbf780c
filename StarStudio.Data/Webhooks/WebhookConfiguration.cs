using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Webhooks;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> b)
    {
        b.ToTable("webhooks");
        b.Property(w => w.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(w => w.Url).HasMaxLength(WebhookRules.UrlMaxLength);
        b.Property(w => w.EventTypes).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(w => w.StarIds).HasColumnType("uuid[]").HasDefaultValueSql("'{}'::uuid[]");
        b.Property(w => w.SecretProtected).HasColumnName("secret_protected");
        b.Property(w => w.CreatedAt).HasDefaultValueSql("now()");
        b.Property(w => w.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(w => w.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(w => w.OwnerId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries", t =>
        {
            t.HasCheckConstraint("ck_webhook_deliveries_status", "status IN ('pending', 'delivered', 'failed')");
            t.HasCheckConstraint("ck_webhook_deliveries_attempts", "attempts >= 0");
        });
        b.Property(d => d.Status).HasConversion(
            s => s.ToString().ToLowerInvariant(),
            s => Enum.Parse<WebhookDeliveryStatus>(s, true)).HasMaxLength(16);
        b.Property(d => d.EventType).HasMaxLength(64);
        b.Property(d => d.LastError).HasMaxLength(1000);
        b.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        // The dedupe rule: one delivery per event per webhook, whatever emits it twice.
        b.HasIndex(d => new { d.WebhookId, d.EventId }).IsUnique();
        b.HasIndex(d => new { d.WebhookId, d.CreatedAt });
        b.HasIndex(d => d.OwnerId);
        // The worker's queue: due pending deliveries only.
        b.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_webhook_deliveries_due");
    }
}
