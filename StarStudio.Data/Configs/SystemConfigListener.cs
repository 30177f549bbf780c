using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Configs;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Configs;

/// <summary>
/// Listens on <see cref="ChannelName"/> (a statement trigger on <c>system_configs</c> notifies it on every insert, update,
/// delete or truncate, at commit) and drops this instance's cached settings. Until a lost connection is back, the
/// cache's time-to-live bounds staleness, and the cache is dropped on reconnect because notifications sent meanwhile
/// are lost.
/// </summary>
public sealed class SystemConfigListener(
    ISystemConfigs configs,
    IOptions<DatabaseOptions> database,
    IOptions<ConfigsOptions> options,
    ILogger<SystemConfigListener> log) : PostgresListener(database.Value.ConnectionString, log)
{
    public const string ChannelName = "system_configs_changed";

    public override string Channel => ChannelName;

    protected override bool Enabled => options.Value.Listen;

    protected override void OnNotification(string payload) => configs.Invalidate();

    protected override void OnConnected() => configs.Invalidate();

    protected override void OnConnectionLost(Exception error)
    {
        log.LogWarning(error, "Lost the system_configs listener; settings fall back to their {Ttl} cache until it reconnects", options.Value.CacheTtl);
        configs.Invalidate();
    }
}
