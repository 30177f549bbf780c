using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Reports;

/// <summary>The rules of a report and of its resolution; PostgreSQL checks the same limits again.</summary>
public static class ReportRules
{
    public const int DetailMax = 1000;
    public const int NoteMax = 1000;
    public const int ExcerptMax = 500;

    /// <summary>Reports one user may file in an hour; the <c>content_reports_rate_limit</c> trigger enforces it.</summary>
    public const int MaxPerHour = 10;

    public const string CategoryField = "Category";
    public const string DetailField = "Detail";
    public const string NoteField = "Note";
    public const string ReportField = "Report";

    /// <summary>Errors in what a reporter typed: a known category, and a detail of at most <see cref="DetailMax"/> characters.</summary>
    public static IReadOnlyList<FieldError> Validate(string? category, string? detail)
    {
        var errors = new List<FieldError>();
        if (category is null || !ReportCategories.All.Contains(category))
        {
            errors.Add(new FieldError(CategoryField, "Reports.Category.Required"));
        }

        if (StarRules.Length(Clean(detail)) > DetailMax)
        {
            errors.Add(new FieldError(DetailField, "Reports.Detail.TooLong", DetailMax));
        }

        return errors;
    }

    /// <summary>
    /// The detail as stored: trimmed, control characters other than line breaks and tabs removed (it is shown as plain
    /// text, but a stray NUL or bidi override has no business in an admin's queue).
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var kept = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\t' || (!char.IsControl(c) && c is not ('\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069')))
            {
                kept.Append(c);
            }
        }

        return kept.ToString().Trim();
    }

    /// <summary>The first <see cref="ExcerptMax"/> characters of the reported content, for the admin to read.</summary>
    public static string Excerpt(string? content)
    {
        var text = Clean(content);
        var runes = text.EnumerateRunes().ToList();
        return runes.Count <= ExcerptMax ? text : string.Concat(runes.Take(ExcerptMax - 1).Select(r => r.ToString())) + "…";
    }

    /// <summary>
    /// Whether an admin may close a report this way: only an open report is decided, once; resolving needs a note (what
    /// was done and why), dismissing does not.
    /// </summary>
    public static IReadOnlyList<FieldError> Decide(string status, bool resolve, string? note)
    {
        if (status != ReportStatuses.Open)
        {
            return [new FieldError(ReportField, "Reports.AlreadyDecided")];
        }

        var text = Clean(note);
        if (resolve && text.Length == 0)
        {
            return [new FieldError(NoteField, "Reports.Note.Required")];
        }

        if (StarRules.Length(text) > NoteMax)
        {
            return [new FieldError(NoteField, "Reports.Note.TooLong", NoteMax)];
        }

        return [];
    }
}
