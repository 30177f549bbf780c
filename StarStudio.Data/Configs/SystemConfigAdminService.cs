using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Configs;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Configs;

/// <summary>
/// <c>/admin/configs</c> (docs/admin-configs.md). The role is checked here and again by RLS (<c>system_configs_write</c>);
/// a value is parsed against the registry before it reaches the table, and the table's check constraint holds it to its
/// type anyway. Each change is audited in its own transaction; once committed, this instance's cache is dropped and
/// PostgreSQL notifies the others.
/// </summary>
internal sealed class SystemConfigAdminService(StarStudioDb db, ISystemConfigs? cache = null, IClientAddress? clientAddress = null) : ISystemConfigAdminService
{
    public Task<Result<IReadOnlyList<SystemConfigEntry>>> ListAsync(CancellationToken ct = default) =>
        AdminAsync<IReadOnlyList<SystemConfigEntry>>(async ctx =>
        {
            var rows = await RowsAsync(ctx, null, ct);
            var entries = ConfigRegistry.All.Select(d => Entry(d.Key, rows.GetValueOrDefault(d.Key))).ToList();
            entries.AddRange(rows.Values.Where(r => ConfigRegistry.Find(r.Key) is null).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => Entry(r.Key, r)));
            return Result<IReadOnlyList<SystemConfigEntry>>.Ok(entries);
        }, ct);

    public Task<Result<SystemConfigEntry>> SetAsync(string key, string? input, string? reason = null, CancellationToken ct = default)
    {
        if (Check(key, reason) is { } refusal)
        {
            return Task.FromResult(refusal);
        }

        var parsed = ConfigRegistry.Get(key).Parse(input);
        return parsed.Succeeded
            ? WriteAsync(key, parsed.Value!, AuditActions.ConfigChanged, reason, ct)
            : Task.FromResult(Result<SystemConfigEntry>.Invalid(parsed.Errors));
    }

    public Task<Result<SystemConfigEntry>> ResetAsync(string key, string? reason = null, CancellationToken ct = default) =>
        Check(key, reason) is { } refusal
            ? Task.FromResult(refusal)
            : WriteAsync(key, ConfigRegistry.Get(key).DefaultJson, ConfigAuditActions.Reset, reason, ct);

    private static Result<SystemConfigEntry>? Check(string key, string? reason)
    {
        if (ConfigRegistry.Find(key ?? "") is not { } definition)
        {
            return Result<SystemConfigEntry>.Invalid("Key", ConfigErrors.UnknownKey);
        }

        if (definition.ManagedAt is { } page)
        {
            return Result<SystemConfigEntry>.Invalid("Key", ConfigErrors.Managed, page);
        }

        return reason is { Length: > ConfigErrors.ReasonMax }
            ? Result<SystemConfigEntry>.Invalid("Reason", ConfigErrors.ReasonTooLong, ConfigErrors.ReasonMax)
            : null;
    }

    private async Task<Result<SystemConfigEntry>> WriteAsync(string key, string json, string action, string? reason, CancellationToken ct)
    {
        var definition = ConfigRegistry.Get(key);
        var result = await AdminAsync(async ctx =>
        {
            // The row is locked first: two admins changing one key take turns, and each audit entry's "before" is true.
            var before = await ctx.SystemConfigs.FromSql($"SELECT * FROM system_configs WHERE key = {key} FOR UPDATE")
                .AsNoTracking().Select(c => c.Value).FirstOrDefaultAsync(ct);
            if (before is not null && SystemConfigEntry.SameJson(before, json) && action == AuditActions.ConfigChanged)
            {
                return Result<SystemConfigEntry>.Ok(Entry(key, (await RowsAsync(ctx, key, ct)).GetValueOrDefault(key)));
            }

            var type = ConfigValueTypes.Label(definition.Type);
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO system_configs (key, value, value_type, description, is_public)
                VALUES ({key}, {json}::jsonb, {type}, {definition.DescriptionEn}, {definition.IsPublic})
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, value_type = excluded.value_type,
                    description = excluded.description, is_public = excluded.is_public
                """, ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(action, AuditTargets.Config, key, key,
                Before: new { value = BeforeValue(definition, before), stored = before is not null },
                After: new { value = AfterValue(definition, json, before) },
                Reason: string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()), clientAddress?.Get(), ct);
            return Result<SystemConfigEntry>.Ok(Entry(key, (await RowsAsync(ctx, key, ct)).GetValueOrDefault(key)));
        }, ct);
        if (result.Succeeded)
        {
            cache?.Invalidate();
        }

        return result;
    }

    /// <summary>What the audit log records of the value before: the JSON (the default when there was no row), or for a secret only whether it was set.</summary>
    internal static object? BeforeValue(ConfigDefinition definition, string? before) =>
        definition.IsSecret ? (before is null or "null" ? "unset" : "set") : Element(before ?? definition.DefaultJson);

    /// <summary>What the audit log records of the new value: the JSON, or for a secret "set", "replaced" or "removed" (never the value).</summary>
    internal static object? AfterValue(ConfigDefinition definition, string json, string? before) =>
        !definition.IsSecret ? Element(json)
        : json == "null" ? "removed"
        : before is null or "null" ? "set" : "replaced";

    private static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static async Task<Dictionary<string, Row>> RowsAsync(StarStudioDbContext ctx, string? only, CancellationToken ct)
    {
        var query = ctx.SystemConfigs.AsNoTracking();
        if (only is not null)
        {
            query = query.Where(c => c.Key == only);
        }

        var rows = await query
            .Select(c => new Row(c.Key, c.Value, c.IsPublic, c.UpdatedAt, c.UpdatedBy, ctx.Users.Where(u => u.Id == c.UpdatedBy).Select(u => u.Email).FirstOrDefault()))
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
    }

    private static SystemConfigEntry Entry(string key, Row? row)
    {
        var definition = ConfigRegistry.Find(key);
        var valid = row is not null && (definition?.Accepts(row.Value) ?? true);
        var effective = definition is null ? row?.Value ?? "null" : valid ? row!.Value : definition.DefaultJson;
        return new SystemConfigEntry(key, definition, row?.Value, effective, row is null || valid, definition?.IsPublic ?? row?.IsPublic ?? false,
            row?.UpdatedAt, row?.UpdatedBy, row?.Email);
    }

    private sealed record Row(string Key, string Value, bool IsPublic, DateTimeOffset UpdatedAt, Guid? UpdatedBy, string? Email);

    private async Task<Result<T>> AdminAsync<T>(Func<StarStudioDbContext, Task<Result<T>>> work, CancellationToken ct)
    {
        try
        {
            return await db.RunAsync((ctx, user) => user.IsAdmin ? work(ctx) : Task.FromResult(Result<T>.Forbidden()), ct);
        }
        catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege }
            || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            // A role claim the database does not confirm: RLS refused the write.
            return Result<T>.Forbidden();
        }
    }
}

/// <summary>Registers the typed settings: the cached reader, its listener and the admin service.</summary>
public static class ConfigsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioConfigs(this IServiceCollection services)
    {
        services.AddOptions<ConfigsOptions>().BindConfiguration(ConfigsOptions.Section);
        services.AddSingleton<SystemConfigCache>();
        services.AddSingleton<ISystemConfigs>(sp => sp.GetRequiredService<SystemConfigCache>());
        services.AddSingleton<SystemConfigListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SystemConfigListener>());
        services.AddScoped<ISystemConfigAdminService, SystemConfigAdminService>();
        services.AddScoped<StarStudio.Core.Audit.Search.IAuditSearchService, Audit.Search.AuditSearchService>();
        return services;
    }
}
