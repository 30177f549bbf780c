using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// Keeps one connection that LISTENs on <see cref="Channel"/> and hands each notification's payload to
/// <see cref="OnNotification"/> (PostgreSQL delivers a notification at its transaction's commit, to every instance). A
/// dropped connection is retried every 5 seconds; notifications sent meanwhile are lost, so <see cref="OnConnected"/>
/// and <see cref="OnConnectionLost"/> let the subclass fall back (drop a cache, rely on a periodic check).
/// </summary>
public abstract class PostgresListener(string? connectionString, ILogger log) : BackgroundService
{
    /// <summary>Set once the first LISTEN is in place (tests wait for it).</summary>
    public Task Listening => listening.Task;

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The channel, a plain identifier (it is written into the LISTEN statement).</summary>
    public abstract string Channel { get; }

    /// <summary>False to not listen at all (a setting, or no database configured).</summary>
    protected virtual bool Enabled => true;

    /// <summary>Called on the connection's thread for each notification: return quickly.</summary>
    protected abstract void OnNotification(string payload);

    /// <summary>Called after each (re)connection's LISTEN, before waiting.</summary>
    protected virtual void OnConnected()
    {
    }

    /// <summary>Called when the connection was lost (before the retry delay).</summary>
    protected virtual void OnConnectionLost(Exception error) =>
        log.LogWarning(error, "Lost the PostgreSQL listener on {Channel}; retrying in 5 s", Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled || string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                OnConnected();
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
                OnConnectionLost(e);
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
