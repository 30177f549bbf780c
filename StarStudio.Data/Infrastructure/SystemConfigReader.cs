using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Configs;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// Reads <c>system_configs</c> for Data's services: through the app's cached <see cref="ISystemConfigs"/> when there is
/// one (the app), else straight from the caller's context (services built by hand in tests and tools). Either way the
/// typed accessors of <see cref="SystemConfigSnapshot"/> apply the registry's defaults and bounds.
/// </summary>
internal static class SystemConfigReader
{
    public static async Task<SystemConfigSnapshot> SnapshotAsync(ISystemConfigs? configs, StarStudioDbContext ctx, CancellationToken ct) =>
        configs is null ? await ReadAsync(ctx, ct) : await configs.CurrentAsync(ct);

    /// <summary>One query for every row.</summary>
    public static async Task<SystemConfigSnapshot> ReadAsync(StarStudioDbContext ctx, CancellationToken ct) =>
        new(await ctx.SystemConfigs.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Value, StringComparer.Ordinal, ct));
}
