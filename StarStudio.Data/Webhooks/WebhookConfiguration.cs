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
        b.Property(w => w.EventTypes).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(w => w.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(w => w.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(w => w.OwnerId);
    }
}
