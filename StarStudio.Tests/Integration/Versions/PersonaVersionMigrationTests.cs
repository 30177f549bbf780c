using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Versions;

/// <summary>
/// The migration that gives stars made before persona versions a version 1, and the database's half of the review:
/// only an admin chooses what players get, whatever SQL an owner's session runs.
/// </summary>
public sealed class PersonaVersionMigrationTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private const string BeforeBackfill = "20261206012407_UserPreferences";

    [Fact]
    public async Task Backfill_StarsFromBeforeVersions_GetVersionOne_AndAPublicOneShowsIt()
    {
        var owner = await pg.CreateUserAsync();
        await using (var db = StarStudioContextFactory.Create(pg.OwnerConnectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeBackfill);
        }

        var (publicStar, privateStar) = (Guid.NewGuid(), Guid.NewGuid());
        // Raw SQL: the model maps columns that later migrations add (e.g. stars.search_text), which this schema lacks.
        await using (var db = StarStudioContextFactory.Create(pg.OwnerConnectionString))
        {
            foreach (var (id, isPublic) in new[] { (publicStar, true), (privateStar, false) })
            {
                var (name, ownerId, greeting, now) = ("旧星" + isPublic, owner.UserId!.Value, "你好，{{user}}", DateTimeOffset.UtcNow);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO stars (id, owner_id, name, domain, persona, tone, tags, greeting, is_public, status, created_at, updated_at)
                    VALUES ({id}, {ownerId}, {name}, '古籍', '老人设', '温和', ARRAY['旧'], {greeting}, {isPublic}, 'active', {now}, {now})
                    """);
            }
        }

        await DatabaseMigrator.MigrateAsync(pg.OwnerConnectionString, pg.AppConnectionString, pg.JobsConnectionString, logger: null);

        await using var check = pg.OwnerContext();
        var stars = await check.Stars.AsNoTracking().Where(s => s.Id == publicStar || s.Id == privateStar).ToDictionaryAsync(s => s.Id);
        var versions = await check.StarPersonaVersions.AsNoTracking().Where(v => v.StarId == publicStar || v.StarId == privateStar).ToDictionaryAsync(v => v.StarId);
        Assert.Equal(1, versions[publicStar].VersionNo);
        Assert.Equal(("老人设", "你好，{{user}}", PersonaVersionSource.Create, owner.UserId), (versions[publicStar].Persona, versions[publicStar].Greeting, versions[publicStar].Source, versions[publicStar].CreatedBy));
        Assert.Equal(versions[publicStar].Id, stars[publicStar].PersonaVersionId);
        Assert.Equal(versions[publicStar].Id, stars[publicStar].PublicVersionId);
        Assert.Equal(versions[privateStar].Id, stars[privateStar].PersonaVersionId);
        Assert.Null(stars[privateStar].PublicVersionId);
        // FORCE is back on the versions, which the backfill lifted for its statement.
        Assert.True(await check.Database.SqlQuery<bool>($"SELECT relforcerowsecurity AS \"Value\" FROM pg_class WHERE relname = 'star_persona_versions'").SingleAsync());
    }

    [Fact]
    public async Task Guard_AnOwnersSession_CannotMakeAStarPublicOrChooseItsPublicVersion_AnAdminCan()
    {
        var owner = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var objects = new Data.Storage.LocalObjectStore(Directory.CreateTempSubdirectory("starstudio-guard-").FullName);
        var star = await new Data.Stars.StarServiceFactory(objects, TimeProvider.System)
            .Create(pg.Db(owner)).CreateAsync(new StarDraft { Name = "守门", Domain = "古籍", Persona = "修复师" });
        var id = star.Value!.Id;
        var version = star.Value.PersonaVersionId!.Value;

        Assert.Equal("42501", await RunAsync(owner.UserId!.Value, $"UPDATE stars SET is_public = true WHERE id = '{id}'"));
        Assert.Equal("42501", await RunAsync(owner.UserId!.Value, $"UPDATE stars SET public_version_id = '{version}' WHERE id = '{id}'"));
        Assert.Null(await RunAsync(admin.UserId!.Value, $"UPDATE stars SET public_version_id = '{version}', is_public = true WHERE id = '{id}'"));
        // With an approved version, the owner may take the star private and public again: players get that version.
        Assert.Null(await RunAsync(owner.UserId!.Value, $"UPDATE stars SET is_public = false WHERE id = '{id}'"));
    }

    /// <summary>Runs one statement as <paramref name="user"/> through the app role; the SQLSTATE it failed with, or null (committed).</summary>
    private async Task<string?> RunAsync(Guid user, string sql)
    {
        await using var conn = new NpgsqlConnection(pg.AppConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('app.user_id', '{user}', true)", conn, tx).ExecuteNonQueryAsync();
        try
        {
            await new NpgsqlCommand(sql, conn, tx).ExecuteNonQueryAsync();
            await tx.CommitAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }
}
