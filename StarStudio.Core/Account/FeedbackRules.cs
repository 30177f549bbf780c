using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Account;

/// <summary>The limits of a feedback submission and how a contact phone and an image are recognised.</summary>
public static class FeedbackRules
{
    public const int DescriptionMin = 5;
    public const int DescriptionMax = 2000;
    public const int ReplyMax = 2000;
    public const int MaxImages = 3;
    public const long MaxImageBytes = 5 * 1024 * 1024;
    public const int FileNameMax = 120;
    public const int MineListMax = 50;

    /// <summary>The image types accepted, as found from the bytes.</summary>
    public static readonly IReadOnlyList<string> ImageTypes = ["image/png", "image/jpeg", "image/webp"];

    /// <summary>Every field error of the draft's text fields at once.</summary>
    public static IReadOnlyList<FieldError> Validate(FeedbackDraft draft)
    {
        var errors = new List<FieldError>();
        if (DescriptionError(draft.Description) is { } description)
        {
            errors.Add(description);
        }

        if (!string.IsNullOrWhiteSpace(draft.ContactPhone) && NormalizePhone(draft.ContactPhone) is null)
        {
            errors.Add(new FieldError(nameof(FeedbackDraft.ContactPhone), "Feedback.Phone.Invalid"));
        }

        return errors;
    }

    /// <summary>The description's error, if any: required, between <see cref="DescriptionMin"/> and <see cref="DescriptionMax"/> characters once trimmed.</summary>
    public static FieldError? DescriptionError(string? description)
    {
        var length = StarRules.Length((description ?? "").Trim());
        return length == 0 ? new FieldError(nameof(FeedbackDraft.Description), "Feedback.Description.Required")
            : length < DescriptionMin ? new FieldError(nameof(FeedbackDraft.Description), "Feedback.Description.TooShort", DescriptionMin)
            : length > DescriptionMax ? new FieldError(nameof(FeedbackDraft.Description), "Feedback.Description.TooLong", DescriptionMax)
            : null;
    }

    /// <summary>
    /// A phone number as stored, or null when it is neither a mainland China mobile (11 digits starting 13–19,
    /// with or without +86 / 0086 / 86) nor an international number in E.164 form (+, then 7 to 15 digits, no leading 0).
    /// Spaces, hyphens, dots and parentheses are ignored. A China mobile is stored as its 11 digits; any other as +digits.
    /// </summary>
    public static string? NormalizePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var compact = new System.Text.StringBuilder();
        foreach (var c in raw.Trim())
        {
            if (c is ' ' or '-' or '.' or '(' or ')' or '\u00A0')
            {
                continue;
            }

            if (!(char.IsAsciiDigit(c) || (c == '+' && compact.Length == 0)))
            {
                return null;
            }

            compact.Append(c);
        }

        var s = compact.ToString();
        var plus = s.StartsWith('+');
        var digits = plus ? s[1..] : s;
        if (!plus && digits.StartsWith("00", StringComparison.Ordinal))
        {
            (plus, digits) = (true, digits[2..]);
        }

        if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal) && IsChinaMobile(digits[2..]))
        {
            return digits[2..];
        }

        if (!plus)
        {
            return IsChinaMobile(digits) ? digits : null;
        }

        return digits.Length is >= 7 and <= 15 && digits[0] != '0' ? "+" + digits : null;
    }

    private static bool IsChinaMobile(string digits) =>
        digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9' && digits.All(char.IsAsciiDigit);

    /// <summary>PNG, JPEG or WebP by their magic bytes; null for anything else, GIF included.</summary>
    public static string? SniffImageType(ReadOnlySpan<byte> head) =>
        AvatarRules.SniffImageType(head) is { } type && ImageTypes.Contains(type) ? type : null;

    /// <summary>The file extension an accepted type is stored under.</summary>
    public static string Extension(string contentType) => contentType switch
    {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => throw new ArgumentOutOfRangeException(nameof(contentType), contentType, "Not an accepted feedback image type."),
    };

    /// <summary>A file name safe to keep for display: the last path segment, control characters dropped, shortened.</summary>
    public static string CleanFileName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0)
        {
            return "image";
        }

        return clean.Length > FileNameMax ? clean[..FileNameMax] : clean;
    }

    /// <summary>The reply's error, if any.</summary>
    public static FieldError? ReplyError(string? reply) =>
        StarRules.Length((reply ?? "").Trim()) > ReplyMax ? new FieldError(nameof(FeedbackReply.Reply), "Feedback.Reply.TooLong", ReplyMax) : null;
}
