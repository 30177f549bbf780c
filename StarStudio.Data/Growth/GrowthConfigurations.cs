using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Growth;

internal sealed class MagnitudeHistoryConfiguration : IEntityTypeConfiguration<MagnitudeHistory>
{
    public void Configure(EntityTypeBuilder<MagnitudeHistory> b)
    {
        b.ToTable("magnitude_history");
        b.Property(m => m.Id).HasDefaultValueSql("gen_random_uuid()");
        foreach (var p in new[] { nameof(MagnitudeHistory.Depth), nameof(MagnitudeHistory.Originality), nameof(MagnitudeHistory.Consistency), nameof(MagnitudeHistory.Utility), nameof(MagnitudeHistory.Overall) })
        {
            b.Property<decimal>(p).HasPrecision(5, 2);
        }

        b.Property(m => m.EvaluatedAt).HasDefaultValueSql("now()");
        b.Property(m => m.Evidence).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(m => m.Trigger).HasMaxLength(20).HasDefaultValue("nightly");
        b.HasOne<Star>().WithMany().HasForeignKey(m => m.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.StarId, m.EvaluatedAt }).IsDescending(false, true);
    }
}
