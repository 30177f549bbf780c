using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Account;

/// <summary>
/// The signed-in user's preferences in <c>user_preferences</c> (their own row only, by row-level security); who opted
/// out of training is read through <c>training_opted_out_users</c>, which reveals that flag and nothing else.
/// </summary>
internal sealed class PreferencesService(StarStudioDb db, TimeProvider clock) : IPreferencesService
{
    public Task<UserPreferences?> GetAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return null;
            }

            return await ctx.UserPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == me, ct) ?? PreferenceRules.Defaults(me);
        }, ct);

    public Task<Result<UserPreferences>> SaveAsync(PreferencesDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<UserPreferences>.Forbidden();
            }

            var errors = PreferenceRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<UserPreferences>.Invalid(errors);
            }

            // One statement, so two tabs saving at once never collide on the key.
            var now = clock.GetUtcNow();
            var systemPrompt = PreferenceRules.NormalizeSystemPrompt(draft.SystemPrompt);
            var muted = StarStudio.Core.Notifications.NotificationRules.NormalizeMuted(draft.MutedNotifications).ToArray();
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO user_preferences (user_id, language_preference, theme, exclude_from_training, hide_likes, system_prompt, muted_notifications, content_filter_level, created_at, updated_at)
                VALUES ({me}, {draft.LanguagePreference}, {draft.Theme}, {draft.ExcludeFromTraining}, {draft.HideLikes}, {systemPrompt}, {muted}, {draft.ContentFilterLevel}, {now}, {now})
                ON CONFLICT (user_id) DO UPDATE SET language_preference = EXCLUDED.language_preference, theme = EXCLUDED.theme,
                    exclude_from_training = EXCLUDED.exclude_from_training, hide_likes = EXCLUDED.hide_likes, system_prompt = EXCLUDED.system_prompt,
                    muted_notifications = EXCLUDED.muted_notifications, content_filter_level = EXCLUDED.content_filter_level, updated_at = EXCLUDED.updated_at
                """, ct);
            return Result<UserPreferences>.Ok(await ctx.UserPreferences.AsNoTracking().FirstAsync(p => p.UserId == me, ct));
        }, ct);

    public async Task<IReadOnlySet<Guid>> ExcludedFromTrainingAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct = default)
    {
        return await db.RunAsync((ctx, _) => OptedOutOfTrainingAsync(ctx, userIds, ct), ct);
    }

    /// <summary>Of <paramref name="userIds"/>, those who keep their chats out of training data, inside a caller's transaction.</summary>
    internal static async Task<IReadOnlySet<Guid>> OptedOutOfTrainingAsync(StarStudioDbContext ctx, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var ids = userIds.Distinct().ToArray();
        return (await ctx.Database.SqlQuery<Guid>($"SELECT user_id AS \"Value\" FROM training_opted_out_users({ids})").ToListAsync(ct)).ToHashSet();
    }
}
