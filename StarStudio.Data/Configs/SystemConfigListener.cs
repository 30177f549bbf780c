using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Configs;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Configs;

/// <summary>
/// Listens on <see cref="Channel"/> (a statement trigger on <c>system_configs</c> notifies it on every insert, update,
/// delete or truncate, at commit) and drops this instance's cached settings. A dropped connection is retried every few
/// seconds; until it is back, the cache's time-to-live bounds staleness, and the cache is dropped on reconnect because
/// notifications sent meanwhile are lost.
/// </summary>
public sealed class SystemConfigListener(
    ISystemConfigs configs,
    IOptions<DatabaseOptions> database,
    IOptions<ConfigsOptions> options,
    ILogger<SystemConfigListener> log) : BackgroundService
{
    public const string Channel = "system_configs_changed";

    /// <summary>Set once the first LISTEN is in place (tests wait for it).</summary>
    public Task Listening => listening.Task;

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Listen || string.IsNullOrWhiteSpace(database.Value.ConnectionString))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(database.Value.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, _) => configs.Invalidate();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                configs.Invalidate();
                listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await conn.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
            {
                log.LogWarning(e, "Lost the system_configs listener; settings fall back to their {Ttl} cache until it reconnects", options.Value.CacheTtl);
                configs.Invalidate();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
