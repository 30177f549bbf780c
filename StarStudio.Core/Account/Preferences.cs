using StarStudio.Core.Common;

namespace StarStudio.Core.Account;

/// <summary>
/// A user's own settings (seed 004 <c>user_preferences</c>): the UI language and theme, which follow the user to every
/// device they sign in on, and whether their chats may go into star owners' training data (docs/preferences.md).
/// </summary>
public class UserPreferences
{
    public Guid UserId { get; set; }
    /// <summary><c>zh-CN</c> or <c>en-US</c>.</summary>
    public string LanguagePreference { get; set; } = PreferenceRules.DefaultLanguage;
    /// <summary><c>light</c> or <c>dark</c>.</summary>
    public string Theme { get; set; } = PreferenceRules.DefaultTheme;
    /// <summary>When set, the user's conversations and answer ratings never go into a training dataset.</summary>
    public bool ExcludeFromTraining { get; set; }
    /// <summary>
    /// The player's own system prompt (seed 001 <c>users.system_prompt</c>), added to every chat prompt after the star's
    /// persona as the user's preferences; it never overrides the star's boundaries (docs/preferences.md). Null: none.
    /// </summary>
    public string? SystemPrompt { get; set; }

    /// <summary>When set, nobody but the user sees which stars they liked (docs/explore.md); their likes still count.</summary>
    public bool HideLikes { get; set; }

    /// <summary>
    /// Notification kinds (<see cref="StarStudio.Core.Notifications.NotificationKinds.All"/>) the user turned off: the emit
    /// functions write no row of these kinds for them (docs/notifications.md). Empty: every kind is on.
    /// </summary>
    public List<string> MutedNotifications { get; set; } = [];

    /// <summary>Seed 004 <c>content_filter_level</c>: none, mild (default), moderate or strict; which stars the gallery shows.</summary>
    public string ContentFilterLevel { get; set; } = StarStudio.Core.ContentFilter.ContentFilterLevels.Default;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether the user ever saved preferences (the defaults are not stored and have no creation time).</summary>
    public bool IsSaved => CreatedAt != default;
}

/// <summary>What the preferences panel edits.</summary>
public sealed record PreferencesDraft(string LanguagePreference, string Theme, bool ExcludeFromTraining, bool HideLikes = false)
{
    /// <summary>The player's own system prompt; blank saves none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Notification kinds turned off (known kinds only; see <see cref="UserPreferences.MutedNotifications"/>).</summary>
    public IReadOnlyList<string> MutedNotifications { get; init; } = [];

    /// <summary>The content filter level (<see cref="StarStudio.Core.ContentFilter.ContentFilterLevels"/>).</summary>
    public string ContentFilterLevel { get; init; } = StarStudio.Core.ContentFilter.ContentFilterLevels.Default;

    public static PreferencesDraft From(UserPreferences p) => new(p.LanguagePreference, p.Theme, p.ExcludeFromTraining, p.HideLikes)
    {
        SystemPrompt = p.SystemPrompt,
        ContentFilterLevel = p.ContentFilterLevel,
        MutedNotifications = p.MutedNotifications.Count == 0 ? [] : p.MutedNotifications.ToArray(),
    };

    /// <summary>Value equality, the muted kinds compared by content (a record compares a list by reference).</summary>
    public bool Equals(PreferencesDraft? other) =>
        other is not null && (LanguagePreference, Theme, ExcludeFromTraining, HideLikes, SystemPrompt, ContentFilterLevel) == (other.LanguagePreference, other.Theme, other.ExcludeFromTraining, other.HideLikes, other.SystemPrompt, other.ContentFilterLevel)
        && MutedNotifications.SequenceEqual(other.MutedNotifications);

    public override int GetHashCode() => HashCode.Combine(LanguagePreference, Theme, ExcludeFromTraining, HideLikes, SystemPrompt, MutedNotifications.Count);
}

/// <summary>The allowed values of each preference.</summary>
public static class PreferenceRules
{
    public const string DefaultLanguage = "zh-CN";
    public const string DefaultTheme = "light";
    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en-US"];
    public static readonly IReadOnlyList<string> Themes = ["light", "dark"];

    /// <summary>The longest own system prompt, in characters (about 300–1,000 tokens: it is sent with every message).</summary>
    public const int SystemPromptMax = 1000;

    /// <summary>The stored form of a system prompt: trimmed, line endings as <c>\n</c>, null when blank.</summary>
    public static string? NormalizeSystemPrompt(string? text)
    {
        var t = (text ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
        return t.Length == 0 ? null : t;
    }

    /// <summary>The defaults a user has before saving anything.</summary>
    public static UserPreferences Defaults(Guid userId) => new() { UserId = userId };

    /// <summary>Every field error at once (the panel offers only valid values; a crafted post gets these).</summary>
    public static IReadOnlyList<FieldError> Validate(PreferencesDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        if (!Languages.Contains(draft.LanguagePreference))
        {
            errors.Add(new FieldError(nameof(PreferencesDraft.LanguagePreference), "Preferences.Language.Unknown", string.Join(", ", Languages)));
        }

        if (!Themes.Contains(draft.Theme))
        {
            errors.Add(new FieldError(nameof(PreferencesDraft.Theme), "Preferences.Theme.Unknown", string.Join(", ", Themes)));
        }

        if (StarStudio.Core.ContentFilter.ContentFilterLevels.Validate(draft.ContentFilterLevel, nameof(PreferencesDraft.ContentFilterLevel)) is { } level)
        {
            errors.Add(level);
        }

        if (StarStudio.Core.Notifications.NotificationRules.ValidateMuted(draft.MutedNotifications, nameof(PreferencesDraft.MutedNotifications)) is { } muted)
        {
            errors.Add(muted);
        }

        if (NormalizeSystemPrompt(draft.SystemPrompt) is { } prompt)
        {
            if (prompt.Length > SystemPromptMax)
            {
                errors.Add(new FieldError(nameof(PreferencesDraft.SystemPrompt), "Preferences.SystemPrompt.TooLong", SystemPromptMax, prompt.Length));
            }
            else if (prompt.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
            {
                errors.Add(new FieldError(nameof(PreferencesDraft.SystemPrompt), "Preferences.SystemPrompt.Control"));
            }
        }

        return errors;
    }
}

/// <summary>The signed-in user's preferences.</summary>
public interface IPreferencesService
{
    /// <summary>The current user's preferences (the defaults when they never saved any); null when nobody is signed in.</summary>
    Task<UserPreferences?> GetAsync(CancellationToken ct = default);

    /// <summary>Saves the current user's preferences; forbidden when nobody is signed in.</summary>
    Task<Result<UserPreferences>> SaveAsync(PreferencesDraft draft, CancellationToken ct = default);

    /// <summary>Of <paramref name="userIds"/>, those who keep their chats out of training data (any caller may ask; only the flag is revealed).</summary>
    Task<IReadOnlySet<Guid>> ExcludedFromTrainingAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct = default);
}
