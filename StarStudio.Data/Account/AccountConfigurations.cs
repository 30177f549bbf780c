using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Account;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Account;

internal sealed class FeedbackSubmissionConfiguration : IEntityTypeConfiguration<FeedbackSubmission>
{
    /// <summary>Long enough for a stored phone: 11 China digits, or + and 15 E.164 digits.</summary>
    internal const int ContactPhoneMax = 16;

    public void Configure(EntityTypeBuilder<FeedbackSubmission> b)
    {
        b.ToTable("profile_feedback_submission", t =>
        {
            t.HasCheckConstraint("ck_profile_feedback_submission_description", $"char_length(description) BETWEEN 1 AND {FeedbackRules.DescriptionMax}");
            t.HasCheckConstraint("ck_profile_feedback_submission_evidence",
                $"jsonb_typeof(evidence_json) = 'array' AND jsonb_array_length(evidence_json) <= {FeedbackRules.MaxImages}");
            t.HasCheckConstraint("ck_profile_feedback_submission_reply", $"char_length(admin_reply) <= {FeedbackRules.ReplyMax}");
        });
        b.HasKey(f => f.FeedbackId);
        b.Property(f => f.FeedbackId).HasDefaultValueSql("gen_random_uuid()");
        b.Property(f => f.Description).IsRequired();
        b.Property(f => f.ContactPhone).HasMaxLength(ContactPhoneMax);
        b.Property(f => f.EvidenceJson).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        b.Property(f => f.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        // The seed's indexes: a user's own list, newest first; and the admin inbox by status.
        b.HasIndex(f => new { f.UserId, f.CreatedAt }).IsDescending(false, true);
        b.HasIndex(f => new { f.Status, f.CreatedAt }).IsDescending(false, true);
    }
}

internal sealed class UserPreferencesConfiguration : IEntityTypeConfiguration<UserPreferences>
{
    public void Configure(EntityTypeBuilder<UserPreferences> b)
    {
        b.ToTable("user_preferences", t =>
        {
            t.HasCheckConstraint("ck_user_preferences_language", "language_preference IN ('zh-CN', 'en-US')");
            t.HasCheckConstraint("ck_user_preferences_theme", "theme IN ('light', 'dark')");
            // Muted notification kinds: known kinds only (docs/notifications.md; a new kind updates this list in its migration).
            t.HasCheckConstraint("ck_user_preferences_muted_notifications", StarStudio.Data.Notifications.NotificationSchema.MutedCheck);
            t.HasCheckConstraint("ck_user_preferences_content_filter_level", "content_filter_level IN ('none', 'mild', 'moderate', 'strict')");
        });
        b.HasKey(p => p.UserId);
        b.Property(p => p.LanguagePreference).HasMaxLength(10).HasDefaultValue(PreferenceRules.DefaultLanguage);
        b.Property(p => p.Theme).HasMaxLength(10).HasDefaultValue(PreferenceRules.DefaultTheme);
        // The player's own system prompt (docs/preferences.md); the length limit holds in the database too.
        b.Property(p => p.SystemPrompt).HasMaxLength(PreferenceRules.SystemPromptMax);
        b.Property(p => p.HideLikes).HasDefaultValue(false);
        b.Property(p => p.MutedNotifications).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(p => p.ContentFilterLevel).HasMaxLength(10).HasDefaultValue(StarStudio.Core.ContentFilter.ContentFilterLevels.Default);
        b.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        b.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<StarUser>().WithOne().HasForeignKey<UserPreferences>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
