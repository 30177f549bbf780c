using System.Text;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit.Search;
using StarStudio.Core.Common;
using StarStudio.Core.Configs;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Audit.Search;

/// <summary>
/// <c>/admin/audit</c>'s search and CSV export (docs/audit.md). Checked here (admins only) and by RLS: a session without a
/// confirmed admin role reads no rows of <c>audit_logs</c> at all. Keyset paging by entry id (the append order), so a
/// page deep in a long log costs what the first does.
/// </summary>
internal sealed class AuditSearchService(StarStudioDb db, ISystemConfigs? configs = null) : IAuditSearchService
{
    public const int MaxPageSize = 200;

    public Task<Result<AuditPage>> SearchAsync(AuditFilter filter, long? before, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = filter.Validate();
        if (errors.Count > 0)
        {
            return Task.FromResult(Result<AuditPage>.Invalid(errors));
        }

        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        return db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<AuditPage>.Forbidden();
            }

            var query = Filtered(ctx, filter);
            if (before is { } cursor)
            {
                query = query.Where(e => e.Id < cursor);
            }

            var rows = (await Project(ctx, query.OrderByDescending(e => e.Id).Take(size + 1)).ToListAsync(ct)).Select(r => r.ToView()).ToList();
            var more = rows.Count > size;
            var items = rows.Take(size).ToList();
            return Result<AuditPage>.Ok(new AuditPage(items, more ? items[^1].Id : null));
        }, ct);
    }

    public async Task<Result<int>> ExportCsvAsync(AuditFilter filter, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(output);
        var errors = filter.Validate();
        if (errors.Count > 0)
        {
            return Result<int>.Invalid(errors);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<int>.Forbidden();
            }

            var limit = (await SystemConfigReader.SnapshotAsync(configs, ctx, ct)).Int32(ConfigRegistry.AuditExportMaxRows);
            await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
            await writer.WriteAsync(AuditCsv.HeaderRow() + "\r\n");
            var count = 0;
            await foreach (var row in Project(ctx, Filtered(ctx, filter).OrderByDescending(e => e.Id).Take(limit)).AsAsyncEnumerable().WithCancellation(ct))
            {
                await writer.WriteAsync(AuditCsv.Row(row.ToView()) + "\r\n");
                count++;
            }

            await writer.FlushAsync(ct);
            return Result<int>.Ok(count);
        }, ct);
    }

    private static IQueryable<AuditLogEntry> Filtered(StarStudioDbContext ctx, AuditFilter f)
    {
        var q = ctx.AuditLogs.AsNoTracking();
        if (Clean(f.Action) is { } action)
        {
            q = q.Where(e => e.Action == action);
        }

        if (Clean(f.TargetType) is { } type)
        {
            q = q.Where(e => e.TargetType == type);
        }

        if (Clean(f.TargetId) is { } id)
        {
            q = q.Where(e => e.TargetId == id);
        }

        if (f.FromInstant is { } from)
        {
            q = q.Where(e => e.OccurredAt >= from);
        }

        if (f.ToInstantExclusive is { } to)
        {
            q = q.Where(e => e.OccurredAt < to);
        }

        if (Clean(f.ActorEmail) is { } email)
        {
            var pattern = Like(email);
            q = q.Where(e => ctx.Users.Any(u => u.Id == e.ActorId && EF.Functions.ILike(u.Email!, pattern, "\\")));
        }

        if (Clean(f.Text) is { } text)
        {
            var pattern = Like(text);
            q = q.Where(e => EF.Functions.ILike(e.TargetLabel!, pattern, "\\") || EF.Functions.ILike(e.Reason!, pattern, "\\"));
        }

        return q;
    }

    // jsonb is materialised as JsonDocument and turned into text after the query (EF cannot compare JsonElement in SQL).
    private static IQueryable<Raw> Project(StarStudioDbContext ctx, IQueryable<AuditLogEntry> q) =>
        q.Select(e => new Raw(
            e.Id, e.OccurredAt, e.ActorId, ctx.Users.Where(u => u.Id == e.ActorId).Select(u => u.Email).FirstOrDefault(),
            e.Action, e.TargetType, e.TargetId, e.TargetLabel, e.BeforeValue, e.AfterValue, e.Reason, e.IpAddress));

    private sealed record Raw(
        long Id, DateTimeOffset OccurredAt, Guid? ActorId, string? ActorEmail, string Action, string? TargetType, string? TargetId,
        string? TargetLabel, System.Text.Json.JsonDocument? Before, System.Text.Json.JsonDocument? After, string? Reason, string? IpAddress)
    {
        public AuditEntryView ToView()
        {
            using (Before)
            using (After)
            {
                return new AuditEntryView(Id, OccurredAt, ActorId, ActorEmail, Action, TargetType, TargetId, TargetLabel,
                    Before?.RootElement.GetRawText(), After?.RootElement.GetRawText(), Reason, IpAddress);
            }
        }
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Like(string s) =>
        "%" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
