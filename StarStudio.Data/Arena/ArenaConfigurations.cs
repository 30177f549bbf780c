using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Arena;
using StarStudio.Core.Chat;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Arena;

internal sealed class TrialSeasonConfiguration : IEntityTypeConfiguration<TrialSeason>
{
    public void Configure(EntityTypeBuilder<TrialSeason> b)
    {
        b.ToTable("trial_seasons");
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Name).HasMaxLength(80).IsRequired();
        b.Property(s => s.Rules).HasMaxLength(4000);
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.StartsAt);
    }
}

internal sealed class StarTrialConfiguration : IEntityTypeConfiguration<StarTrial>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<StarTrial> b)
    {
        b.ToTable("star_trials");
        b.Property(t => t.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(t => t.Title).HasMaxLength(120).IsRequired();
        b.Property(t => t.Prompt).HasMaxLength(8000);
        b.Property(t => t.AnswerSchema).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        b.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
        b.Property(t => t.Rubric).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<List<RubricCriterion>>(v, Json) ?? new List<RubricCriterion>(),
                new ValueComparer<List<RubricCriterion>>(
                    (x, y) => x!.SequenceEqual(y!),
                    v => v.Aggregate(0, (h, c) => HashCode.Combine(h, c.GetHashCode())),
                    v => v.ToList()));
        b.Property(t => t.StyleCoefficients).HasDefaultValueSql("'{}'::double precision[]");
        b.Property(t => t.MaxEntriesPerOwner).HasDefaultValue(1);
        // 0 regenerations is a real value: -1 tells EF "not set" (else a 0 would be dropped for the default 3).
        b.Property(t => t.MaxRegenerations).HasDefaultValue(3).HasSentinel(-1);
        b.HasOne<StarUser>().WithMany().HasForeignKey(t => t.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TrialSeason>().WithMany().HasForeignKey(t => t.SeasonId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(t => new { t.SeasonId, t.Status });
        b.HasIndex(t => new { t.Status, t.EndsAt });
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_star_trials_window", "opens_at <= submit_until AND submit_until <= ends_at");
            t.HasCheckConstraint("ck_star_trials_limits", "max_entries_per_owner BETWEEN 1 AND 100 AND max_regenerations BETWEEN 0 AND 20");
        });
    }
}

internal sealed class TrialJudgeConfiguration : IEntityTypeConfiguration<TrialJudge>
{
    public void Configure(EntityTypeBuilder<TrialJudge> b)
    {
        b.ToTable("trial_judges");
        b.HasKey(j => new { j.TrialId, j.UserId });
        b.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(j => j.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(j => j.UserId);
    }
}

internal sealed class TrialEntryDraftConfiguration : IEntityTypeConfiguration<TrialEntryDraft>
{
    public void Configure(EntityTypeBuilder<TrialEntryDraft> b)
    {
        b.ToTable("trial_entry_drafts");
        b.Property(d => d.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(d => d.ResponseUri).HasMaxLength(512).IsRequired();
        b.Property(d => d.Errors).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(d => d.Provider).HasMaxLength(100);
        b.Property(d => d.Model).HasMaxLength(200);
        b.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(d => d.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(d => d.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Conversation>().WithMany().HasForeignKey(d => d.ConversationId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(d => new { d.TrialId, d.StarId, d.Attempt }).IsUnique();
        b.HasIndex(d => d.StarId);
    }
}

internal sealed class TrialEntryConfiguration : IEntityTypeConfiguration<TrialEntry>
{
    public void Configure(EntityTypeBuilder<TrialEntry> b)
    {
        b.ToTable("trial_entries");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Score).HasPrecision(5, 2);
        b.Property(e => e.ScoreLow).HasPrecision(5, 2);
        b.Property(e => e.ScoreHigh).HasPrecision(5, 2);
        b.Property(e => e.StarName).HasMaxLength(64);
        b.Property(e => e.SubmittedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(e => e.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(e => e.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(e => e.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TrialEntryDraft>().WithMany().HasForeignKey(e => e.DraftId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(e => new { e.TrialId, e.StarId }).IsUnique();
        b.HasIndex(e => new { e.TrialId, e.Score });
        b.HasIndex(e => new { e.TrialId, e.OwnerId });
        b.HasIndex(e => e.StarId);
    }
}

internal sealed class TrialRubricScoreConfiguration : IEntityTypeConfiguration<TrialRubricScore>
{
    public void Configure(EntityTypeBuilder<TrialRubricScore> b)
    {
        b.ToTable("trial_rubric_scores");
        b.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(s => s.Criterion).HasMaxLength(60).IsRequired();
        b.Property(s => s.Comment).HasMaxLength(2000);
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(s => s.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TrialEntry>().WithMany().HasForeignKey(s => s.EntryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(s => s.JudgeId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.EntryId, s.JudgeId, s.Criterion }).IsUnique();
        b.HasIndex(s => new { s.TrialId, s.JudgeId });
        b.ToTable(t => t.HasCheckConstraint("ck_trial_rubric_scores_score", "score BETWEEN 1 AND 10"));
    }
}

internal sealed class TrialBattleConfiguration : IEntityTypeConfiguration<TrialBattle>
{
    public void Configure(EntityTypeBuilder<TrialBattle> b)
    {
        b.ToTable("trial_battles");
        b.Property(x => x.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(x => x.ShownAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(x => x.VoterId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TrialEntry>().WithMany().HasForeignKey(x => x.EntryA).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TrialEntry>().WithMany().HasForeignKey(x => x.EntryB).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.TrialId, x.VoterId, x.PairLow, x.PairHigh }).IsUnique();
        b.HasIndex(x => new { x.TrialId, x.PairLow, x.PairHigh });
        b.HasIndex(x => new { x.VoterId, x.VotedAt });
        // The pair in a fixed order, whatever side each entry was shown on: the key of "one vote per player per pair".
        b.Property(x => x.PairLow).HasComputedColumnSql("LEAST(entry_a, entry_b)", stored: true);
        b.Property(x => x.PairHigh).HasComputedColumnSql("GREATEST(entry_a, entry_b)", stored: true);
        b.ToTable(t => t.HasCheckConstraint("ck_trial_battles_voted", "(outcome IS NULL) = (voted_at IS NULL)"));
    }
}

internal sealed class TrialRatingSnapshotConfiguration : IEntityTypeConfiguration<TrialRatingSnapshot>
{
    public void Configure(EntityTypeBuilder<TrialRatingSnapshot> b)
    {
        b.ToTable("trial_rating_history");
        b.Property(x => x.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(x => x.StarName).HasMaxLength(64);
        b.Property(x => x.RecordedAt).HasDefaultValueSql("now()");
        b.HasOne<StarTrial>().WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(x => x.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.Scope, x.ScopeId, x.RecordedAt });
        b.HasIndex(x => new { x.StarId, x.Scope });
    }
}
