using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;
using StarStudio.Core.Audit.Search;
using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Admin.Audit;

/// <summary>
/// <c>GET /admin/audit/export</c>: the filtered audit log as CSV (the page links to it with its filter in the query), at
/// most <c>audit_export_max_rows</c> rows, built in memory before the first byte is sent so that a refusal is a status
/// code. Admins only, by role here and by the service and RLS below it.
/// </summary>
public static class AuditExport
{
    public const string Path = "/admin/audit/export";

    public static string Href(AuditFilter f)
    {
        var q = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                q.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
            }
        }

        Add("action", f.Action);
        Add("actor", f.ActorEmail);
        Add("targetType", f.TargetType);
        Add("targetId", f.TargetId);
        Add("from", f.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", f.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("text", f.Text);
        return q.Count == 0 ? Path : Path + "?" + string.Join('&', q);
    }

    public static WebApplication MapAuditExport(this WebApplication app)
    {
        app.MapGet(Path, ExportAsync).RequireAuthorization(new AuthorizeAttribute { Roles = StarStudio.Core.Identity.RoleNames.Admin });
        return app;
    }

    internal static async Task ExportAsync(HttpContext http, IAuditSearchService audit, string? action, string? actor, string? targetType,
        string? targetId, string? from, string? to, string? text, CancellationToken ct)
    {
        var filter = new AuditFilter(action, actor, targetType, targetId, Date(from), Date(to), text);
        var problems = filter.Validate();
        if (problems.Count > 0)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync(string.Join("; ", problems.Select(p => p.Field + ": " + p.Code)), ct);
            return;
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var name = $"audit-{BeijingTime.Day(DateTimeOffset.UtcNow):yyyyMMdd}.csv";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name }.ToString();
        // Buffered in memory first: a refusal (not an admin after all) must become a status code, not half a file.
        using var buffer = new MemoryStream();
        var result = await audit.ExportCsvAsync(filter, buffer, ct);
        if (!result.Succeeded)
        {
            http.Response.Headers.ContentDisposition = default;
            http.Response.ContentType = "text/plain; charset=utf-8";
            http.Response.StatusCode = result.Kind == ResultKind.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, ct);
    }

    private static DateOnly? Date(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
