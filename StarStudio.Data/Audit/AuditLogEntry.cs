using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StarStudio.Data.Audit;

/// <summary>A row of <c>audit_logs</c> (ours; docs/audit.md). Written only by <c>audit_append</c>; never changed.</summary>
public class AuditLogEntry
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>The acting user (the transaction's <c>app.user_id</c>); null for an anonymous event such as a failed sign-in.</summary>
    public Guid? ActorId { get; set; }
    public string Action { get; set; } = "";
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? TargetLabel { get; set; }
    public JsonDocument? BeforeValue { get; set; }
    public JsonDocument? AfterValue { get; set; }
    public string? Reason { get; set; }
    public string? IpAddress { get; set; }
}

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> b)
    {
        b.ToTable("audit_logs", t =>
        {
            t.HasCheckConstraint("ck_audit_logs_action", "action ~ '^[a-z0-9_]+(\\.[a-z0-9_]+)+$' AND length(action) <= 64");
        });
        b.Property(e => e.Id).UseIdentityByDefaultColumn();
        b.Property(e => e.OccurredAt).HasDefaultValueSql("now()");
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.TargetType).HasMaxLength(32);
        b.Property(e => e.TargetId).HasMaxLength(128);
        b.Property(e => e.TargetLabel).HasMaxLength(256);
        b.Property(e => e.BeforeValue).HasColumnType("jsonb");
        b.Property(e => e.AfterValue).HasColumnType("jsonb");
        b.Property(e => e.Reason).HasMaxLength(2000);
        b.Property(e => e.IpAddress).HasMaxLength(64);
        // No foreign key to users: a deleted (anonymised) user's entries stay, naming the id only.
        b.HasIndex(e => e.OccurredAt).IsDescending();
        b.HasIndex(e => new { e.ActorId, e.OccurredAt }).IsDescending(false, true);
        b.HasIndex(e => new { e.Action, e.OccurredAt }).IsDescending(false, true);
        b.HasIndex(e => new { e.TargetType, e.TargetId });
    }
}
