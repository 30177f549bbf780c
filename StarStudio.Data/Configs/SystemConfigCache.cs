using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StarStudio.Core.Configs;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Configs;

/// <summary>Settings of the config cache (<c>StarStudio:Configs</c>).</summary>
public sealed class ConfigsOptions
{
    public const string Section = "StarStudio:Configs";

    /// <summary>
    /// How long a cached copy is trusted without a notification. Changes arrive by LISTEN/NOTIFY within milliseconds; this
    /// bounds how stale an instance can be when its listening connection is down. Zero reads the table on every call.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether this instance listens for <c>system_configs_changed</c> (off for tools that only read once).</summary>
    public bool Listen { get; set; } = true;
}

/// <summary>
/// <see cref="ISystemConfigs"/> for the app: one copy of <c>system_configs</c> (11 rows, read in one query) per instance.
/// Dropped by the admin service after a change commits (same instance: the next read sees it), and by
/// <see cref="SystemConfigListener"/> when PostgreSQL notifies a change made anywhere (other instances, scripts, SQL).
/// The chat engine's own short cache of models and selection is dropped with it. Singleton.
/// </summary>
public sealed class SystemConfigCache(
    IDbContextFactory<StarStudioDbContext> contexts,
    IOptions<ConfigsOptions>? options = null,
    TimeProvider? time = null,
    ChatModelResolver? chatConfig = null) : ISystemConfigs
{
    private readonly ConfigsOptions settings = options?.Value ?? new ConfigsOptions();
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly Lock gate = new();
    private Entry? cached;
    private Task<SystemConfigSnapshot>? inflight;
    private long generation;

    /// <summary>Reads from the database so far (for tests and the measurements in docs/admin-configs.md).</summary>
    public long Reads => Interlocked.Read(ref reads);

    private long reads;

    public async ValueTask<SystemConfigSnapshot> CurrentAsync(CancellationToken ct = default)
    {
        if (settings.CacheTtl <= TimeSpan.Zero)
        {
            return await ReadAsync(ct);
        }

        Task<SystemConfigSnapshot> read;
        lock (gate)
        {
            if (cached is { } c && clock.GetElapsedTime(c.At) < settings.CacheTtl)
            {
                return c.Snapshot;
            }

            if (inflight is null || inflight.IsCompleted)
            {
                inflight = RefreshAsync(generation);
            }

            read = inflight;
        }

        return await read.WaitAsync(ct);
    }

    public void Invalidate()
    {
        lock (gate)
        {
            // A read under way when the change landed may have seen the old value: it is not cached when it completes.
            generation++;
            cached = null;
            inflight = null;
        }

        chatConfig?.Invalidate();
    }

    private async Task<SystemConfigSnapshot> RefreshAsync(long startedIn)
    {
        var at = clock.GetTimestamp();
        // Not cancelled by one caller: others may be waiting for the same read.
        var snapshot = await ReadAsync(CancellationToken.None);
        lock (gate)
        {
            if (startedIn == generation)
            {
                cached = new Entry(snapshot, at);
            }
        }

        return snapshot;
    }

    private async Task<SystemConfigSnapshot> ReadAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref reads);
        // Everyone may read system_configs (policy system_configs_read), so no acting user is needed.
        await using var ctx = await contexts.CreateDbContextAsync(ct);
        return await SystemConfigReader.ReadAsync(ctx, ct);
    }

    private sealed record Entry(SystemConfigSnapshot Snapshot, long At);
}
