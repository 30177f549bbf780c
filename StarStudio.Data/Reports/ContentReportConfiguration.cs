using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Extensions;
using StarStudio.Core.Market;
using StarStudio.Core.Reports;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Reports;

/// <summary><c>content_reports</c> (ours; docs/admin-inbox.md). Policies, the rate limit trigger: migration <c>ContentReports</c>.</summary>
internal sealed class ContentReportConfiguration : IEntityTypeConfiguration<ContentReport>
{
    public void Configure(EntityTypeBuilder<ContentReport> b)
    {
        b.ToTable("content_reports", t =>
        {
            t.HasCheckConstraint("ck_content_reports_target_kind", "target_kind IN ('star', 'answer', 'review')");
            t.HasCheckConstraint("ck_content_reports_category", "category IN ('spam', 'sexual', 'violence', 'hate', 'illegal', 'copyright', 'other')");
            t.HasCheckConstraint("ck_content_reports_status", "status IN ('open', 'resolved', 'dismissed')");
            // What each kind needs to be found again; an open report carries no decision, a closed one all of it.
            t.HasCheckConstraint("ck_content_reports_anchor",
                "(target_kind = 'star' AND star_id IS NOT NULL) OR (target_kind = 'answer' AND star_id IS NOT NULL AND conversation_id IS NOT NULL)"
                + " OR (target_kind = 'review' AND (skill_id IS NOT NULL OR extension_id IS NOT NULL))");
            t.HasCheckConstraint("ck_content_reports_decision",
                "(status = 'open' AND resolved_at IS NULL AND resolved_by IS NULL AND resolution_note IS NULL AND NOT target_hidden)"
                + " OR (status <> 'open' AND resolved_at IS NOT NULL AND resolved_by IS NOT NULL)");
        });
        b.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(r => r.TargetKind).HasMaxLength(16);
        b.Property(r => r.ExtensionId).HasMaxLength(ExtensionLimits.IdMaxLength);
        b.Property(r => r.Excerpt).HasMaxLength(ReportRules.ExcerptMax).HasDefaultValue("");
        b.Property(r => r.Category).HasMaxLength(16);
        b.Property(r => r.Detail).HasMaxLength(ReportRules.DetailMax).HasDefaultValue("");
        b.Property(r => r.Status).HasMaxLength(16).HasDefaultValue(ReportStatuses.Open);
        b.Property(r => r.ResolutionNote).HasMaxLength(ReportRules.NoteMax);
        b.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        // resolved_by has no foreign key, like audit_logs.actor_id: the decision stays on record whatever becomes of the admin.
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.ReporterId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(r => r.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Skill>().WithMany().HasForeignKey(r => r.SkillId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Extension>().WithMany().HasForeignKey(r => r.ExtensionId).OnDelete(DeleteBehavior.Cascade);
        // One open report per reporter and content: a second one is "already reported"; after a decision they may report again.
        b.HasIndex(r => new { r.ReporterId, r.TargetKind, r.TargetId }).IsUnique().HasFilter("status = 'open'")
            .HasDatabaseName("ux_content_reports_one_open");
        b.HasIndex(r => new { r.Status, r.CreatedAt });
        b.HasIndex(r => new { r.ReporterId, r.CreatedAt });
    }
}
