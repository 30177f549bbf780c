using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Admin.Users;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Admin.Users;
using StarStudio.Data.Identity;

namespace StarStudio.Tests.Integration.Admin.Users;

/// <summary>
/// The user administration service as the app role (row-level security on), and the database's own guards on roles and
/// account state, reached past the service.
/// </summary>
public sealed class UserAdminServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private sealed class RecordingSessions : IUserSessions
    {
        public List<Guid> Revalidated { get; } = [];

        public Task<int> RevalidateAsync(Guid userId, CancellationToken ct = default)
        {
            Revalidated.Add(userId);
            return Task.FromResult(1);
        }
    }

    private readonly RecordingSessions sessions = new();

    private UserAdminService Service(UserContext actor) => new(pg.Db(actor), TimeProvider.System, sessions);

    private async Task<UserContext> UserAsync(string? email = null, string? displayName = null, params string[] roles)
    {
        var user = await pg.CreateUserAsync(email, roles);
        if (displayName is not null)
        {
            await using var db = pg.OwnerContext();
            await db.Users.Where(u => u.Id == user.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, displayName));
        }

        return user;
    }

    /// <summary>Disables every admin of this class's shared database but <paramref name="keep"/>, making it the last active one.</summary>
    private async Task DisableAdminsExceptAsync(Guid keep)
    {
        await using var db = pg.OwnerContext();
        var admin = await db.Roles.Where(r => r.Name == RoleNames.Admin).Select(r => r.Id).SingleAsync();
        await db.Users.Where(u => u.Id != keep && u.DisabledAt == null && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == admin))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow));
    }

    private async Task<StarUser> LoadAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private async Task<List<Data.Audit.AuditLogEntry>> AuditAboutAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        var target = id.ToString();
        return await db.AuditLogs.AsNoTracking().Where(e => e.TargetId == target).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task Search_MatchesEmailOrDisplayNameInAnyCase_AndPagesOnTheServer()
    {
        var admin = await pg.CreateAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var byEmail = await UserAsync($"Han.Meimei-{tag}@Example.test");
        var byName = await UserAsync(null, $"韩梅梅 {tag.ToUpperInvariant()}");
        await UserAsync($"someone-else-{Guid.NewGuid():N}@example.test");

        var result = await Service(admin).SearchAsync(new UserFilter(tag.ToUpperInvariant()), 0, 10);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Value!.TotalCount);
        Assert.Equal(new[] { byEmail.UserId!.Value, byName.UserId!.Value }.Order(), result.Value.Items.Select(i => i.Id).Order());
        var first = await Service(admin).SearchAsync(new UserFilter(tag, Sort: UserSort.CreatedAsc), 0, 1);
        var second = await Service(admin).SearchAsync(new UserFilter(tag, Sort: UserSort.CreatedAsc), 1, 1);
        Assert.Equal(2, first.Value!.TotalCount);
        Assert.Single(first.Value.Items);
        Assert.NotEqual(first.Value.Items[0].Id, second.Value!.Items[0].Id);
    }

    [Fact]
    public async Task Search_LikeWildcardsInTheQuery_AreLiteral()
    {
        var admin = await pg.CreateAdminAsync();
        await UserAsync($"plain-{Guid.NewGuid():N}@example.test");

        var result = await Service(admin).SearchAsync(new UserFilter("%"), 0, 10);

        Assert.Equal(0, result.Value!.TotalCount);
    }

    [Fact]
    public async Task Search_FiltersByRoleAndStatus_AndSortsByLastSignIn()
    {
        var admin = await pg.CreateAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var maker = await UserAsync($"maker-{tag}@example.test", null, RoleNames.SkillMaker);
        var player = await UserAsync($"player-{tag}@example.test");
        var disabled = await UserAsync($"disabled-{tag}@example.test");
        await using (var db = pg.OwnerContext())
        {
            await db.Users.Where(u => u.Id == disabled.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow));
            await db.Users.Where(u => u.Id == maker.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, DateTimeOffset.UtcNow.AddDays(-1)));
            await db.Users.Where(u => u.Id == player.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, DateTimeOffset.UtcNow));
        }

        var service = Service(admin);
        var makers = await service.SearchAsync(new UserFilter(tag, RoleNames.SkillMaker), 0, 10);
        var players = await service.SearchAsync(new UserFilter(tag, UserAdminRules.Player), 0, 10);
        var disabledOnes = await service.SearchAsync(new UserFilter(tag, Status: UserStatus.Disabled), 0, 10);
        var active = await service.SearchAsync(new UserFilter(tag, Status: UserStatus.Active, Sort: UserSort.LastSignInDesc), 0, 10);

        Assert.Equal([maker.UserId!.Value], makers.Value!.Items.Select(i => i.Id));
        Assert.Equal([RoleNames.SkillMaker], makers.Value.Items[0].Roles);
        Assert.Equal(2, players.Value!.TotalCount);
        Assert.Equal([disabled.UserId!.Value], disabledOnes.Value!.Items.Select(i => i.Id));
        Assert.Equal(UserStatus.Disabled, disabledOnes.Value.Items[0].Status);
        Assert.Equal([player.UserId!.Value, maker.UserId.Value], active.Value!.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task EveryCall_ByANonAdmin_IsForbidden()
    {
        var player = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var service = Service(player);

        Assert.Equal(ResultKind.Forbidden, (await service.SearchAsync(new UserFilter(), 0, 10)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.GetAsync(other.UserId!.Value)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.GrantRoleAsync(other.UserId.Value, RoleNames.SkillMaker)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.DisableAsync(other.UserId.Value, null)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.DeleteAsync(other.UserId.Value, null)).Kind);
    }

    [Fact]
    public async Task GrantRole_AddsTheRole_WritesTheAuditEntry_AndTellsTheSessions()
    {
        var admin = await pg.CreateAdminAsync();
        var target = await UserAsync($"grant-{Guid.NewGuid():N}@example.test");
        var id = target.UserId!.Value;

        var result = await Service(admin).GrantRoleAsync(id, RoleNames.SkillMaker);

        Assert.True(result.Succeeded);
        Assert.Equal([RoleNames.SkillMaker], result.Value!.Roles);
        Assert.Equal(UserRole.SkillMaker, (await LoadAsync(id)).Role);
        var entry = Assert.Single(await AuditAboutAsync(id));
        Assert.Equal(AuditActions.RoleGranted, entry.Action);
        Assert.Equal(admin.UserId, entry.ActorId);
        Assert.Equal(0, entry.BeforeValue!.RootElement.GetProperty("roles").GetArrayLength());
        Assert.Equal(RoleNames.SkillMaker, entry.AfterValue!.RootElement.GetProperty("roles")[0].GetString());
        Assert.Contains(result.Value.AuditEntries, e => e.Action == AuditActions.RoleGranted);
        Assert.Equal([id], sessions.Revalidated);

        // Granting it again changes nothing and records nothing.
        Assert.True((await Service(admin).GrantRoleAsync(id, RoleNames.SkillMaker)).Succeeded);
        Assert.Single(await AuditAboutAsync(id));
    }

    [Fact]
    public async Task RevokeRole_OwnAdminRole_IsRefusedWithAMessage_AndNothingChanges()
    {
        var admin = await pg.CreateAdminAsync();
        await pg.CreateAdminAsync(); // another admin exists: the rule is about oneself, not the count

        var result = await Service(admin).RevokeRoleAsync(admin.UserId!.Value, RoleNames.Admin);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(UserAdminRules.OwnAdminRole, result.Errors[0].Code);
        Assert.Contains(RoleNames.Admin, (await Service(admin).GetAsync(admin.UserId.Value)).Value!.Roles);
        Assert.Empty(await AuditAboutAsync(admin.UserId.Value));
    }

    [Fact]
    public async Task RevokeRole_AnotherAdmin_Works_AndIsAudited()
    {
        var admin = await pg.CreateAdminAsync();
        var other = await pg.CreateAdminAsync();

        var result = await Service(admin).RevokeRoleAsync(other.UserId!.Value, RoleNames.Admin);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Value!.Roles);
        Assert.Equal(AuditActions.RoleRevoked, Assert.Single(await AuditAboutAsync(other.UserId.Value)).Action);
    }

    [Fact]
    public async Task Database_RefusesRevokingOwnAdminRole_AsTheAppRole()
    {
        var admin = await pg.CreateAdminAsync();
        await pg.CreateAdminAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(admin).RunAsync((db, _) =>
            UserRoleGrants.RevokeAsync(db, admin.UserId!.Value, RoleNames.Admin, default)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Contains("own admin role", ex.MessageText);
    }

    [Fact]
    public async Task Database_RefusesRevokingTheLastActiveAdmin_EvenFromADisabledAdminsStaleSession()
    {
        // A is an admin whose account was disabled (their session has not caught up); B is the only active admin.
        var a = await pg.CreateAdminAsync();
        var b = await pg.CreateAdminAsync();
        await DisableAdminsExceptAsync(b.UserId!.Value);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(a).RunAsync((db, _) =>
            UserRoleGrants.RevokeAsync(db, b.UserId!.Value, RoleNames.Admin, default)));
        var viaService = await Service(a).RevokeRoleAsync(b.UserId!.Value, RoleNames.Admin);

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Contains("last active admin", ex.MessageText);
        Assert.Equal(UserAdminRules.LastAdmin, viaService.Errors.Single().Code);
    }

    [Fact]
    public async Task Disable_BlocksTheAccount_ChangesItsStamp_AuditsWithTheReason_AndSignsItsSessionsOut()
    {
        var admin = await pg.CreateAdminAsync();
        var target = await UserAsync($"disable-{Guid.NewGuid():N}@example.test");
        var id = target.UserId!.Value;
        var stampBefore = (await LoadAsync(id)).SecurityStamp;

        var result = await Service(admin).DisableAsync(id, "  刷单  ");

        Assert.True(result.Succeeded);
        Assert.Equal(UserStatus.Disabled, result.Value!.Status);
        var row = await LoadAsync(id);
        Assert.NotNull(row.DisabledAt);
        Assert.NotEqual(stampBefore, row.SecurityStamp);
        var entry = Assert.Single(await AuditAboutAsync(id));
        Assert.Equal((AuditActions.UserDisabled, "刷单"), (entry.Action, entry.Reason));
        Assert.Equal("disabled", entry.AfterValue!.RootElement.GetProperty("status").GetString());
        Assert.Equal([id], sessions.Revalidated);

        var enabled = await Service(admin).EnableAsync(id);
        Assert.Equal(UserStatus.Active, enabled.Value!.Status);
        Assert.Null((await LoadAsync(id)).DisabledAt);
        Assert.Equal(AuditActions.UserEnabled, (await AuditAboutAsync(id))[^1].Action);
    }

    [Fact]
    public async Task Disable_Oneself_IsRefusedWithAMessage()
    {
        var admin = await pg.CreateAdminAsync();
        await pg.CreateAdminAsync();

        var result = await Service(admin).DisableAsync(admin.UserId!.Value, null);

        Assert.Equal(UserAdminRules.SelfDisable, result.Errors.Single().Code);
        Assert.Null((await LoadAsync(admin.UserId.Value)).DisabledAt);
        Assert.Empty(sessions.Revalidated);
    }

    [Fact]
    public async Task Database_LetsOnlyAnAdminDisableAnAccount_NeverTheirOwn()
    {
        var player = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();

        var byPlayer = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(player).RunAsync((db, _) =>
            db.Users.Where(u => u.Id == other.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow))));
        var ownByAdmin = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(admin).RunAsync((db, _) =>
            db.Users.Where(u => u.Id == admin.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow))));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, byPlayer.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ownByAdmin.SqlState);
        Assert.Null((await LoadAsync(other.UserId!.Value)).DisabledAt);
    }

    [Fact]
    public async Task Delete_AnonymisesTheAccount_RemovesItsRoles_ArchivesItsStars_AndKeepsItsAuditEntries()
    {
        var admin = await pg.CreateAdminAsync();
        var email = $"delete-{Guid.NewGuid():N}@example.test";
        var target = await UserAsync(email, "王小明", RoleNames.StarOwner);
        var id = target.UserId!.Value;
        var starId = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star
            {
                Id = starId, OwnerId = id, Name = "小明的星", Domain = "d", Persona = "p", Tone = "",
                IsPublic = false, Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await Service(admin).GrantRoleAsync(id, RoleNames.SkillMaker);
        var result = await Service(admin).DeleteAsync(id, "用户要求注销");

        Assert.True(result.Succeeded);
        Assert.Equal(UserStatus.Deleted, result.Value!.Status);
        var row = await LoadAsync(id);
        Assert.Equal(UserAdminRules.Anonymise(id).Email, row.Email);
        Assert.DoesNotContain("王小明", row.DisplayName, StringComparison.Ordinal);
        Assert.Null(row.PasswordHash);
        Assert.NotNull(row.DeletedAt);
        Assert.Empty(result.Value.Roles);
        await using (var db = pg.OwnerContext())
        {
            var star = await db.Stars.AsNoTracking().SingleAsync(s => s.Id == starId);
            Assert.Equal((StarStatus.Archived, false), (star.Status, star.IsPublic));
            Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant()));
        }

        var entries = await AuditAboutAsync(id);
        Assert.Equal([AuditActions.RoleGranted, AuditActions.UserDeleted], entries.Select(e => e.Action));
        var deleted = entries[^1];
        Assert.Equal(1, deleted.AfterValue!.RootElement.GetProperty("starsArchived").GetInt32());
        Assert.DoesNotContain(email, deleted.BeforeValue!.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);

        // Deleted accounts leave the default list and cannot be changed again.
        var listed = await Service(admin).SearchAsync(new UserFilter(id.ToString("N")), 0, 10);
        Assert.Equal(0, listed.Value!.TotalCount);
        var deletedOnes = await Service(admin).SearchAsync(new UserFilter(id.ToString("N"), Status: UserStatus.Deleted), 0, 10);
        Assert.Equal(1, deletedOnes.Value!.TotalCount);
        Assert.Equal(UserAdminRules.IsDeleted, (await Service(admin).GrantRoleAsync(id, RoleNames.Admin)).Errors.Single().Code);
    }

    [Fact]
    public async Task Delete_OneselfOrTheLastActiveAdmin_IsRefused()
    {
        var admin = await pg.CreateAdminAsync();

        var onlyActive = await pg.CreateAdminAsync();
        await DisableAdminsExceptAsync(onlyActive.UserId!.Value);

        var self = await Service(admin).DeleteAsync(admin.UserId!.Value, null);
        var last = await Service(admin).DeleteAsync(onlyActive.UserId!.Value, null);

        Assert.Equal(UserAdminRules.SelfDelete, self.Errors.Single().Code);
        Assert.Equal(UserAdminRules.LastAdmin, last.Errors.Single().Code);
        Assert.Null((await LoadAsync(admin.UserId.Value)).DeletedAt);
        Assert.Null((await LoadAsync(onlyActive.UserId.Value)).DeletedAt);
    }

    [Fact]
    public async Task Detail_ShowsTheUsersStarsCountsAndAuditEntries()
    {
        var admin = await pg.CreateAdminAsync();
        var target = await UserAsync($"detail-{Guid.NewGuid():N}@example.test");
        await Service(admin).GrantRoleAsync(target.UserId!.Value, RoleNames.StarOwner);
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star
            {
                Id = Guid.NewGuid(), OwnerId = target.UserId.Value, Name = "详情星", Domain = "d", Persona = "p", Tone = "",
                Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var result = await Service(admin).GetAsync(target.UserId.Value);
        var missing = await Service(admin).GetAsync(Guid.NewGuid());

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Value!.StarCount);
        Assert.Equal("详情星", Assert.Single(result.Value.Stars).Name);
        Assert.Equal(0, result.Value.OrderCount);
        Assert.Equal(0, result.Value.ConversationCount);
        Assert.Equal(AuditActions.RoleGranted, Assert.Single(result.Value.AuditEntries).Action);
        Assert.Equal(ResultKind.NotFound, missing.Kind);
    }
}
