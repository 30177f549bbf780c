using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Account;

namespace StarStudio.Tests.Integration.Account;

/// <summary>Preferences over the real PostgreSQL: defaults, saving, validation, privacy of the row and of the opt-out.</summary>
public sealed class PreferencesServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private IPreferencesService ServiceFor(UserContext user) => new PreferencesService(pg.Db(user), TimeProvider.System);

    [Fact]
    public async Task Get_NeverSaved_GivesTheDefaults_AndSaveStoresThem_TwiceUpdatesTheOneRow()
    {
        var user = await pg.CreateUserAsync();
        var service = ServiceFor(user);

        var defaults = await service.GetAsync();
        Assert.Equal(("zh-CN", "light", false), (defaults!.LanguagePreference, defaults.Theme, defaults.ExcludeFromTraining));
        Assert.False(defaults.IsSaved);

        Assert.True((await service.SaveAsync(new PreferencesDraft("en-US", "dark", true))).Succeeded);
        var saved = await service.SaveAsync(new PreferencesDraft("en-US", "light", true));

        Assert.True(saved.Succeeded);
        Assert.Equal(("en-US", "light", true), (saved.Value!.LanguagePreference, saved.Value.Theme, saved.Value.ExcludeFromTraining));
        Assert.True((await service.GetAsync())!.IsSaved);
        await using var db = pg.OwnerContext();
        Assert.Equal(1, await db.UserPreferences.CountAsync(p => p.UserId == user.UserId));
    }

    [Fact]
    public async Task Save_UnknownValues_AreFieldErrors_AndNothingIsStored()
    {
        var user = await pg.CreateUserAsync();

        var result = await ServiceFor(user).SaveAsync(new PreferencesDraft("fr-FR'; DROP TABLE users; --", "neon", false));

        Assert.False(result.Succeeded);
        Assert.Equal(["Preferences.Language.Unknown", "Preferences.Theme.Unknown"], result.Errors.Select(e => e.Code));
        await using var db = pg.OwnerContext();
        Assert.False(await db.UserPreferences.AnyAsync(p => p.UserId == user.UserId));
    }

    [Fact]
    public async Task Anonymous_CannotSave_AndGetsNothing()
    {
        var service = ServiceFor(UserContext.Anonymous);

        Assert.Null(await service.GetAsync());
        Assert.Equal(ResultKind.Forbidden, (await service.SaveAsync(new PreferencesDraft("zh-CN", "light", false))).Kind);
    }

    [Fact]
    public async Task OptOut_IsTheOnlyThingOthersLearn_ThroughTheFunction_NotTheRow()
    {
        var player = await pg.CreateUserAsync();
        var stays = await pg.CreateUserAsync();
        var owner = await pg.CreateUserAsync();
        await ServiceFor(player).SaveAsync(new PreferencesDraft("en-US", "dark", ExcludeFromTraining: true));
        await ServiceFor(stays).SaveAsync(new PreferencesDraft("en-US", "dark", ExcludeFromTraining: false));

        var excluded = await ServiceFor(owner).ExcludedFromTrainingAsync([player.UserId!.Value, stays.UserId!.Value, Guid.NewGuid()]);

        Assert.Equal([player.UserId!.Value], excluded);
        // The row itself (language, theme) stays the player's own: the owner's direct read sees nothing.
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('app.user_id', '{owner.UserId}', true)", conn, tx).ExecuteNonQueryAsync();
        Assert.Equal(0L, await new NpgsqlCommand("SELECT count(*) FROM user_preferences", conn, tx).ExecuteScalarAsync());
    }
}
