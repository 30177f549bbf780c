using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace StarStudio.Data.Infrastructure;

/// <summary>Reads numeric settings from <c>system_configs</c>; a missing, non-numeric or non-positive value means the default.</summary>
internal static class SystemConfigReader
{
    public static async Task<long> PositiveAsync(StarStudioDbContext ctx, string key, long fallback, CancellationToken ct)
    {
        var json = await ctx.SystemConfigs.AsNoTracking().Where(c => c.Key == key).Select(c => c.Value).FirstOrDefaultAsync(ct);
        return json is not null && long.TryParse(json.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}
