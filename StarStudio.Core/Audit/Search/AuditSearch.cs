using System.Globalization;
using System.Text;
using StarStudio.Core.Common;

namespace StarStudio.Core.Audit.Search;

/// <summary>What <c>/admin/audit</c> searches for; every part optional (docs/audit.md).</summary>
/// <param name="Action">An exact action name (<see cref="AuditActions.All"/> and the features' own).</param>
/// <param name="ActorEmail">Part of the acting user's e-mail (case-insensitive).</param>
/// <param name="TargetType">An exact target type.</param>
/// <param name="TargetId">An exact target id.</param>
/// <param name="From">First Beijing day included.</param>
/// <param name="To">Last Beijing day included.</param>
/// <param name="Text">Part of the target label or the reason (case-insensitive).</param>
public sealed record AuditFilter(
    string? Action = null,
    string? ActorEmail = null,
    string? TargetType = null,
    string? TargetId = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Text = null)
{
    public const int MaxTextLength = 200;
    public const string RangeCode = "Audit.Filter.Range";
    public const string TooLongCode = "Audit.Filter.TooLong";

    /// <summary>Why the filter cannot run (a reversed date range, an over-long text), or none.</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (From is { } f && To is { } t && t < f)
        {
            errors.Add(new FieldError(nameof(To), RangeCode));
        }

        foreach (var (field, value) in new[] { (nameof(Action), Action), (nameof(ActorEmail), ActorEmail), (nameof(TargetType), TargetType), (nameof(TargetId), TargetId), (nameof(Text), Text) })
        {
            if (value is { Length: > MaxTextLength })
            {
                errors.Add(new FieldError(field, TooLongCode, MaxTextLength));
            }
        }

        return errors;
    }

    /// <summary>The first instant included (start of <see cref="From"/> in Beijing, as UTC for Npgsql), or null.</summary>
    public DateTimeOffset? FromInstant => From is { } d ? BeijingTime.StartOf(d).ToUniversalTime() : null;

    /// <summary>The first instant excluded (start of the Beijing day after <see cref="To"/>), or null.</summary>
    public DateTimeOffset? ToInstantExclusive => To is { } d ? BeijingTime.StartOf(d.AddDays(1)).ToUniversalTime() : null;
}

/// <summary>One audit entry as the page shows it.</summary>
public sealed record AuditEntryView(
    long Id,
    DateTimeOffset OccurredAt,
    Guid? ActorId,
    string? ActorEmail,
    string Action,
    string? TargetType,
    string? TargetId,
    string? TargetLabel,
    string? BeforeJson,
    string? AfterJson,
    string? Reason,
    string? IpAddress);

/// <summary>A page of entries, newest first; <paramref name="NextBefore"/> is the cursor of the next page (null: no more).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, long? NextBefore);

/// <summary>Searches the audit log for admins (RLS lets only admins read <c>audit_logs</c>).</summary>
public interface IAuditSearchService
{
    /// <summary>Entries matching <paramref name="filter"/> with an id below <paramref name="before"/> (keyset paging), newest first.</summary>
    Task<Result<AuditPage>> SearchAsync(AuditFilter filter, long? before, int pageSize, CancellationToken ct = default);

    /// <summary>Writes the matching entries as CSV (UTF-8 with BOM, newest first, at most <c>audit_export_max_rows</c>); returns the row count.</summary>
    Task<Result<int>> ExportCsvAsync(AuditFilter filter, Stream output, CancellationToken ct = default);
}

/// <summary>CSV of audit entries: RFC 4180 quoting, and cells a spreadsheet would run as a formula are prefixed with <c>'</c>.</summary>
public static class AuditCsv
{
    public static readonly string[] Header =
        ["id", "occurred_at_beijing", "actor_id", "actor_email", "action", "target_type", "target_id", "target_label", "before", "after", "reason", "ip_address"];

    public static string Row(AuditEntryView e) => string.Join(',', new[]
    {
        e.Id.ToString(CultureInfo.InvariantCulture),
        e.OccurredAt.ToOffset(BeijingTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        e.ActorId?.ToString(), e.ActorEmail, e.Action, e.TargetType, e.TargetId, e.TargetLabel, e.BeforeJson, e.AfterJson, e.Reason, e.IpAddress,
    }.Select(Cell));

    public static string HeaderRow() => string.Join(',', Header);

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A label or reason is user text: "=HYPERLINK(...)" must stay text when the file is opened in a spreadsheet.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
