using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Configs;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Configs;
using StarStudio.Data.Infrastructure;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Configs;

/// <summary>
/// Typed settings on the real PostgreSQL: the admin service validates, records who changed what, audits in the same
/// transaction, and RLS refuses anyone else; the table's check constraint refuses a wrong type written around the
/// service; the cache is dropped in-process at once and across connections by LISTEN/NOTIFY.
/// </summary>
/// <remarks>Each test uses its own key or restores the value it changed, since the class shares one database.</remarks>
[Collection(ConfigsCollection.Name)]
public sealed class SystemConfigAdminServiceTests(PostgresDatabase pg, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private SystemConfigAdminService Service(UserContext user, ISystemConfigs? cache = null) => new(pg.Db(user), cache);

    private async Task<(string Value, string Type, Guid? By, DateTimeOffset At)> RowAsync(string key)
    {
        await using var owner = pg.OwnerContext();
        var c = await owner.SystemConfigs.AsNoTracking().SingleAsync(c => c.Key == key);
        return (c.Value, c.ValueType, c.UpdatedBy, c.UpdatedAt);
    }

    private async Task<List<Data.Audit.AuditLogEntry>> AuditAsync(string key)
    {
        await using var owner = pg.OwnerContext();
        return await owner.AuditLogs.AsNoTracking().Where(e => e.TargetType == AuditTargets.Config && e.TargetId == key).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task Set_AsAdmin_StoresTheTypedValue_RecordsWhoAndWhen_AndAuditsBeforeAndAfter()
    {
        var admin = await pg.CreateAdminAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);

        var saved = await Service(admin).SetAsync(KnowledgeConfigKeys.ChunkSize, " 640 ", "longer passages");

        Assert.True(saved.Succeeded, string.Join(",", saved.Errors.Select(e => e.Code)));
        Assert.Equal(("640", admin.UserId), (saved.Value!.EffectiveJson, saved.Value.UpdatedBy));
        Assert.NotNull(saved.Value.UpdatedByEmail);
        var row = await RowAsync(KnowledgeConfigKeys.ChunkSize);
        Assert.Equal(("640", "int", admin.UserId), (row.Value, row.Type, row.By));
        Assert.True(row.At > started);
        var entry = Assert.Single(await AuditAsync(KnowledgeConfigKeys.ChunkSize));
        Assert.Equal((AuditActions.ConfigChanged, admin.UserId, "longer passages"), (entry.Action, entry.ActorId, entry.Reason));
        Assert.Equal(500, entry.BeforeValue!.RootElement.GetProperty("value").GetInt32());
        Assert.Equal(640, entry.AfterValue!.RootElement.GetProperty("value").GetInt32());

        // Saving the same value again changes nothing and records nothing.
        Assert.True((await Service(admin).SetAsync(KnowledgeConfigKeys.ChunkSize, "640")).Succeeded);
        Assert.Single(await AuditAsync(KnowledgeConfigKeys.ChunkSize));

        var reset = await Service(admin).ResetAsync(KnowledgeConfigKeys.ChunkSize);
        Assert.True(reset.Value!.IsDefault);
        Assert.Equal("500", (await RowAsync(KnowledgeConfigKeys.ChunkSize)).Value);
        var resetEntry = (await AuditAsync(KnowledgeConfigKeys.ChunkSize))[^1];
        Assert.Equal(ConfigAuditActions.Reset, resetEntry.Action);
        Assert.Equal((640, 500), (resetEntry.BeforeValue!.RootElement.GetProperty("value").GetInt32(), resetEntry.AfterValue!.RootElement.GetProperty("value").GetInt32()));
    }

    [Theory]
    [InlineData("abc", ConfigDefinition.NotNumberCode)]
    [InlineData("6.5", ConfigDefinition.NotNumberCode)]
    [InlineData("99", ConfigDefinition.BelowMinCode)]
    [InlineData("2001", ConfigDefinition.AboveMaxCode)]
    [InlineData("", ConfigDefinition.RequiredCode)]
    public async Task Set_AWrongValue_IsRefusedAtTheField_AndNothingChanges(string input, string code)
    {
        var admin = await pg.CreateAdminAsync();
        var before = await RowAsync(KnowledgeConfigKeys.ChunkSize);
        var audited = (await AuditAsync(KnowledgeConfigKeys.ChunkSize)).Count;

        var result = await Service(admin).SetAsync(KnowledgeConfigKeys.ChunkSize, input);

        var error = Assert.Single(result.Errors);
        Assert.Equal((ConfigDefinition.Field, code), (error.Field, error.Code));
        Assert.Equal(before, await RowAsync(KnowledgeConfigKeys.ChunkSize));
        Assert.Equal(audited, (await AuditAsync(KnowledgeConfigKeys.ChunkSize)).Count);
    }

    [Fact]
    public async Task Set_UnknownOrManagedKeys_AreRefused()
    {
        var admin = await pg.CreateAdminAsync();
        Assert.Equal(ConfigErrors.UnknownKey, (await Service(admin).SetAsync("no_such_key", "1")).Errors.Single().Code);
        var managed = await Service(admin).SetAsync(StarStudio.Core.Admin.Chat.ChatModelConfigKeys.DefaultChatModel, Guid.NewGuid().ToString());
        Assert.Equal((ConfigErrors.Managed, "/admin/models"), (managed.Errors.Single().Code, (string)managed.Errors.Single().Args[0]));
    }

    [Fact]
    public async Task Set_AsAPlayerOrWithAForgedAdminClaim_IsForbidden_AndTheRowStays()
    {
        var player = await pg.CreateUserAsync();
        var forged = player with { Roles = new HashSet<string> { StarStudio.Core.Identity.RoleNames.Admin } };
        var before = await RowAsync(KnowledgeConfigKeys.TopK);

        Assert.Equal(ResultKind.Forbidden, (await Service(player).SetAsync(KnowledgeConfigKeys.TopK, "9")).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Service(forged).SetAsync(KnowledgeConfigKeys.TopK, "9")).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Service(player).ListAsync()).Kind);
        Assert.Equal(before, await RowAsync(KnowledgeConfigKeys.TopK));
    }

    [Fact]
    public async Task Database_RefusesAWrongTypeWrittenAroundTheService()
    {
        await using var owner = pg.OwnerContext();
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            owner.Database.ExecuteSqlRawAsync("UPDATE system_configs SET value = '\"abc\"' WHERE key = 'rag_default_top_k'"));
        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_system_configs_value_matches_type"), (e.SqlState, e.ConstraintName));
        var t = await Assert.ThrowsAsync<PostgresException>(() =>
            owner.Database.ExecuteSqlRawAsync("UPDATE system_configs SET value = '6.5' WHERE key = 'rag_default_top_k'"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, t.SqlState);
        var v = await Assert.ThrowsAsync<PostgresException>(() =>
            owner.Database.ExecuteSqlRawAsync("UPDATE system_configs SET value_type = 'float' WHERE key = 'rag_default_top_k'"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, v.SqlState); // an unknown type breaks both constraints; either may report it
    }

    [Fact]
    public async Task List_ShowsEveryRegisteredKey_WithItsDefaultWhenMissing_AndUnknownRowsLast()
    {
        var admin = await pg.CreateAdminAsync();
        await using (var owner = pg.OwnerContext())
        {
            await owner.Database.ExecuteSqlRawAsync("INSERT INTO system_configs (key, value) VALUES ('zz_legacy_flag', 'true') ON CONFLICT DO NOTHING");
        }

        var list = (await Service(admin).ListAsync()).Value!;

        Assert.Equal(ConfigRegistry.All.Select(d => d.Key), list.Take(ConfigRegistry.All.Count).Select(e => e.Key));
        var invites = list.Single(e => e.Key == StarStudio.Core.Growth.InviteRules.InviterPointsConfig);
        Assert.Equal((null, "20", true), (invites.StoredJson, invites.EffectiveJson, invites.IsDefault));
        var legacy = list[^1];
        Assert.Equal(("zz_legacy_flag", null), (legacy.Key, legacy.Definition));
    }

    [Fact]
    public async Task Cache_IsDroppedAtOnceByTheAdminService_AndServesFromMemoryOtherwise()
    {
        var admin = await pg.CreateAdminAsync();
        var cache = new SystemConfigCache(pg.AppContextFactory(), Options.Create(new ConfigsOptions { CacheTtl = TimeSpan.FromMinutes(10) }));
        Assert.Equal(20, (await cache.CurrentAsync()).Int32(ConfigRegistry.ChatRatePerMinute));
        await cache.CurrentAsync();
        Assert.Equal(1, cache.Reads);

        Assert.True((await Service(admin, cache).SetAsync(ConfigRegistry.ChatRatePerMinute, "30")).Succeeded);
        try
        {
            Assert.Equal(30, (await cache.CurrentAsync()).Int32(ConfigRegistry.ChatRatePerMinute));
            Assert.Equal(2, cache.Reads);
        }
        finally
        {
            await Service(admin).ResetAsync(ConfigRegistry.ChatRatePerMinute);
        }
    }

    [Fact]
    public async Task Cache_IsDroppedByANotification_WhenAnotherConnectionChangesAValue()
    {
        var cache = new SystemConfigCache(pg.AppContextFactory(), Options.Create(new ConfigsOptions { CacheTtl = TimeSpan.FromMinutes(10) }));
        var listener = new SystemConfigListener(cache, Options.Create(new DatabaseOptions { ConnectionString = pg.AppConnectionString }),
            Options.Create(new ConfigsOptions()), NullLogger<SystemConfigListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await listener.Listening.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(KnowledgeConfigKeys.DefaultMaxUploadFileSize, (await cache.CurrentAsync()).Int64(KnowledgeConfigKeys.MaxUploadFileSize));

            // As another instance (or a script) would: straight to the table, no call into this cache.
            await using (var owner = pg.OwnerContext())
            {
                await owner.Database.ExecuteSqlRawAsync("UPDATE system_configs SET value = '2048' WHERE key = 'max_upload_file_size'");
            }

            var clock = Stopwatch.StartNew();
            while ((await cache.CurrentAsync()).Int64(KnowledgeConfigKeys.MaxUploadFileSize) != 2048)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the notification never arrived");
                await Task.Delay(5);
            }

            output.WriteLine($"commit → cache sees the new value: {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await using (var owner = pg.OwnerContext())
            {
                await owner.Database.ExecuteSqlRawAsync("UPDATE system_configs SET value = '104857600' WHERE key = 'max_upload_file_size'");
            }

            await listener.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>Tests that change shared settings of one database run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConfigsCollection
{
    public const string Name = "configs";
}
