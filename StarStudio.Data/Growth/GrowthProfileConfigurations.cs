using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Growth;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Growth;

internal sealed class TaskConfigConfiguration : IEntityTypeConfiguration<TaskConfig>
{
    public void Configure(EntityTypeBuilder<TaskConfig> b)
    {
        b.ToTable("profile_task_config", t =>
        {
            t.HasCheckConstraint("ck_profile_task_config_threshold", "threshold >= 1");
            t.HasCheckConstraint("ck_profile_task_config_reward", "reward_points >= 1");
        });
        b.HasKey(c => c.TaskId);
        b.Property(c => c.TaskId).HasMaxLength(TaskConfigRules.TaskIdMaxLength);
        b.Property(c => c.TitleZh).HasMaxLength(TaskConfigRules.TitleMaxLength);
        b.Property(c => c.TitleEn).HasMaxLength(TaskConfigRules.TitleMaxLength);
        b.Property(c => c.Description).HasMaxLength(TaskConfigRules.DescriptionMaxLength);
        b.Property(c => c.EventKey).HasMaxLength(64);
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(c => c.EventKey);
    }
}

internal sealed class TaskProgressConfiguration : IEntityTypeConfiguration<TaskProgress>
{
    public void Configure(EntityTypeBuilder<TaskProgress> b)
    {
        // One unique index only. The id is {user_id}:{task_id}:{day_key} (seed 003), and GrowthEvents counts with
        // INSERT … ON CONFLICT (progress_id): a second unique index on the same three columns is not the statement's
        // arbiter, so two first events at once could both pass the arbiter's check and the loser failed on the other
        // index (a lost count; reproduced with pgbench, 12 clients). The check keeps the id and its columns in step,
        // so the key alone is the triple's uniqueness; the index below serves the seed's lookups and is not unique.
        b.ToTable("profile_task_progress", t => t.HasCheckConstraint(
            "ck_profile_task_progress_id", "progress_id = user_id::text || ':' || task_id || ':' || day_key::text"));
        b.HasKey(p => p.ProgressId);
        b.Property(p => p.ProgressId).HasMaxLength(200);
        b.Property(p => p.TaskId).HasMaxLength(TaskConfigRules.TaskIdMaxLength);
        b.HasOne<StarUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaskConfig>().WithMany().HasForeignKey(p => p.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.UserId, p.TaskId, p.DayKey });
    }
}

internal sealed class TaskRewardClaimConfiguration : IEntityTypeConfiguration<TaskRewardClaim>
{
    public void Configure(EntityTypeBuilder<TaskRewardClaim> b)
    {
        // No foreign key to the task: a claim is history and outlives a task an admin deletes.
        b.ToTable("profile_task_reward_claim");
        b.HasKey(c => c.ClaimId);
        b.Property(c => c.ClaimId).HasMaxLength(200);
        b.Property(c => c.TaskId).HasMaxLength(TaskConfigRules.TaskIdMaxLength);
        b.Property(c => c.WalletLedgerId).HasMaxLength(200);
        b.HasOne<StarUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.UserId, c.TaskId, c.DayKey }).IsUnique();
    }
}

internal sealed class RedeemCodeConfiguration : IEntityTypeConfiguration<RedeemCode>
{
    public void Configure(EntityTypeBuilder<RedeemCode> b)
    {
        b.ToTable("profile_redeem_code", t =>
        {
            // The database keeps the limit even if a service forgets it: a use past max_uses cannot be counted.
            t.HasCheckConstraint("ck_profile_redeem_code_uses", "global_used_count >= 0 AND global_used_count <= max_uses");
            t.HasCheckConstraint("ck_profile_redeem_code_unique_once", "mode <> 'unique' OR max_uses = 1");
            t.HasCheckConstraint("ck_profile_redeem_code_reward", "reward_points >= 1");
        });
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(RedeemCodeRules.CodeMaxLength);
        b.Property(c => c.AllowedUserIds).HasDefaultValueSql("'{}'");
        b.Property(c => c.BatchId).HasMaxLength(40);
        b.Property(c => c.Note).HasMaxLength(RedeemCodeRules.NoteMaxLength);
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(c => c.BatchId);
        b.HasIndex(c => c.CreatedAt);
    }
}

internal sealed class RedeemCodeUsageConfiguration : IEntityTypeConfiguration<RedeemCodeUsage>
{
    public void Configure(EntityTypeBuilder<RedeemCodeUsage> b)
    {
        b.ToTable("profile_redeem_code_usage");
        b.HasKey(u => u.UsageId);
        b.Property(u => u.UsageId).HasMaxLength(200);
        b.Property(u => u.Code).HasMaxLength(RedeemCodeRules.CodeMaxLength);
        b.HasOne<RedeemCode>().WithMany().HasForeignKey(u => u.Code).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        // Each user once per code, whatever the mode: the database refuses a second use.
        b.HasIndex(u => new { u.Code, u.UserId }).IsUnique();
        b.HasIndex(u => u.UserId);
    }
}

internal sealed class InviteCodeConfiguration : IEntityTypeConfiguration<InviteCode>
{
    public void Configure(EntityTypeBuilder<InviteCode> b)
    {
        b.ToTable("profile_invite_code");
        b.HasKey(c => c.UserId);
        b.Property(c => c.Code).HasColumnName("invite_code").HasMaxLength(RedeemCodeRules.CodeMaxLength);
        b.Property(c => c.MetadataJson).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<InviteCode>(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.Code).IsUnique();
    }
}

internal sealed class ReferralRelationConfiguration : IEntityTypeConfiguration<ReferralRelation>
{
    public void Configure(EntityTypeBuilder<ReferralRelation> b)
    {
        b.ToTable("profile_referral_relation");
        b.HasKey(r => r.InviteeUserId);
        b.Property(r => r.InviteCode).HasMaxLength(RedeemCodeRules.CodeMaxLength);
        b.Property(r => r.BoundAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<ReferralRelation>(r => r.InviteeUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(r => r.InviterUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.InviterUserId, r.BoundAt });
    }
}
