using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Admin.Users;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Data.Identity;
using StarStudio.Web.Identity;

namespace StarStudio.Tests.Integration.Admin.Users;

/// <summary>
/// With the app's own service registrations over a fresh database: a disabled account cannot sign in, and an admin's
/// change reaches the user's open circuits at once (the circuit registry), not at the next revalidation.
/// </summary>
public sealed class UserSessionsTests : IAsyncLifetime
{
    private const string Password = "Passw0rd!session";

    private readonly PostgresDatabase pg = new();
    private readonly string dataRoot = Directory.CreateTempSubdirectory("starstudio-sessions-").FullName;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        await pg.InitializeAsync();
        services = BuildServices();
    }

    /// <summary>The app's registrations over the test database: one app instance (its own circuit registry).</summary>
    private ServiceProvider BuildServices() => pg.AppServices(Path.Combine(dataRoot, "objects"));

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await pg.DisposeAsync();
        Directory.Delete(dataRoot, recursive: true);
    }

    /// <summary>A user with a password (set as the owner role: the test arranges, it does not sign up).</summary>
    private async Task<StarUser> UserWithPasswordAsync(params string[] roles)
    {
        var user = await pg.CreateUserAsync(null, roles);
        await using var db = pg.OwnerContext();
        var row = await db.Users.SingleAsync(u => u.Id == user.UserId);
        row.PasswordHash = new PasswordHasher<StarUser>().HashPassword(row, Password);
        row.LockoutEnabled = true; // as registration sets it (Lockout.AllowedForNewUsers)
        await db.SaveChangesAsync();
        return row;
    }

    /// <summary>A circuit's scope signed in as <paramref name="user"/>, its handler opened as the framework would.</summary>
    private async Task<(AsyncServiceScope Scope, IdentityRevalidatingAuthenticationStateProvider Auth, List<AuthenticationState> Changes)> OpenCircuitAsync(StarUser user)
    {
        var scope = services.CreateAsyncScope();
        var auth = (IdentityRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StarUser>>()
            .CreateAsync(await scope.ServiceProvider.GetRequiredService<UserManager<StarUser>>().FindByIdAsync(user.Id.ToString()) ?? throw new InvalidOperationException());
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        var changes = new List<AuthenticationState>();
        auth.AuthenticationStateChanged += async task =>
        {
            var state = await task;
            lock (changes)
            {
                changes.Add(state);
            }
        };
        await scope.ServiceProvider.GetRequiredService<UserCircuitHandler>().OpenAsync();
        return (scope, auth, changes);
    }

    private IUserAdminService AdminService(AsyncServiceScope scope, Guid adminId)
    {
        scope.ServiceProvider.GetRequiredService<ActingUser>().User = UserContext.For(adminId, RoleNames.Admin);
        return scope.ServiceProvider.GetRequiredService<IUserAdminService>();
    }

    [Fact]
    public async Task Disable_SignsTheUsersOpenCircuitOut_BeforeTheCallReturns()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await UserWithPasswordAsync();
        var (circuit, auth, changes) = await OpenCircuitAsync(user);
        var (otherCircuit, otherAuth, _) = await OpenCircuitAsync(await UserWithPasswordAsync());
        var registry = services.GetRequiredService<UserCircuitRegistry>();
        Assert.Equal(1, registry.CountFor(user.Id));
        Assert.True((await auth.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated);

        await using var adminScope = services.CreateAsyncScope();
        var result = await AdminService(adminScope, admin.UserId!.Value).DisableAsync(user.Id, "测试");

        // No waiting: the disable call returns after the circuit was told.
        Assert.True(result.Succeeded);
        Assert.False((await auth.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated);
        Assert.Contains(changes, c => c.User.Identity?.IsAuthenticated != true);
        Assert.True((await otherAuth.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated);
        // Signed out, the circuit is no longer tracked for that user.
        Assert.Equal(0, registry.CountFor(user.Id));
        await circuit.DisposeAsync();
        await otherCircuit.DisposeAsync();
    }

    [Fact]
    public async Task Disable_OnAnotherInstance_SignsTheCircuitOutHere_ThroughNotify()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await UserWithPasswordAsync();
        var listener = services.GetRequiredService<UserSessionsListener>();
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await listener.Listening.WaitAsync(TimeSpan.FromSeconds(30));
            var (circuit, auth, _) = await OpenCircuitAsync(user);
            var (otherCircuit, otherAuth, _) = await OpenCircuitAsync(await UserWithPasswordAsync());

            // The admin works on a second instance: its own registry knows no circuit of the user.
            await using var otherInstance = BuildServices();
            await using var adminScope = otherInstance.CreateAsyncScope();
            Assert.True((await AdminService(adminScope, admin.UserId!.Value).DisableAsync(user.Id, "另一台实例")).Succeeded);
            Assert.Equal(0, otherInstance.GetRequiredService<UserCircuitRegistry>().CountFor(user.Id));

            var signedOut = Stopwatch.StartNew();
            while ((await auth.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated)
            {
                Assert.True(signedOut.Elapsed < TimeSpan.FromSeconds(20), "the notification did not reach this instance's circuit");
                await Task.Delay(20);
            }

            Assert.Equal(0, services.GetRequiredService<UserCircuitRegistry>().CountFor(user.Id));
            Assert.True((await otherAuth.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated);
            await circuit.DisposeAsync();
            await otherCircuit.DisposeAsync();
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task RevokeAdmin_RemovesTheRoleFromTheOpenCircuit_WithoutSigningItOut()
    {
        var admin = await pg.CreateAdminAsync();
        var other = await UserWithPasswordAsync(RoleNames.Admin);
        var (circuit, auth, _) = await OpenCircuitAsync(other);
        Assert.True((await auth.GetAuthenticationStateAsync()).User.IsInRole(RoleNames.Admin));

        await using var adminScope = services.CreateAsyncScope();
        var result = await AdminService(adminScope, admin.UserId!.Value).RevokeRoleAsync(other.Id, RoleNames.Admin);

        Assert.True(result.Succeeded);
        var state = await auth.GetAuthenticationStateAsync();
        Assert.True(state.User.Identity!.IsAuthenticated);
        Assert.False(state.User.IsInRole(RoleNames.Admin));
        await circuit.DisposeAsync();
    }

    /// <summary>
    /// The change re-renders the circuit's pages from the notifying thread: it must do so in the circuit's language. (A
    /// role granted during a Chinese session re-rendered the layout in English: the listener's thread has the invariant culture.)
    /// </summary>
    [Fact]
    public async Task ARoleChangeHeardOnAnotherThread_ReachesTheCircuitInTheCircuitsCulture()
    {
        var admin = await pg.CreateAdminAsync();
        var other = await UserWithPasswordAsync(RoleNames.Admin);
        var cultures = new List<string>();
        var (circuit, auth, _) = await InCultureAsync("zh-CN", async () =>
        {
            var opened = await OpenCircuitAsync(other);
            opened.Auth.AuthenticationStateChanged += _ =>
            {
                lock (cultures)
                {
                    cultures.Add(CultureInfo.CurrentUICulture.Name);
                }
            };
            return opened;
        });

        await InCultureAsync("", async () =>
        {
            await using var adminScope = services.CreateAsyncScope();
            Assert.True((await AdminService(adminScope, admin.UserId!.Value).RevokeRoleAsync(other.Id, RoleNames.Admin)).Succeeded);
            Assert.Equal("", CultureInfo.CurrentUICulture.Name); // the caller's own culture is left as it was
            return 0;
        });

        Assert.False((await auth.GetAuthenticationStateAsync()).User.IsInRole(RoleNames.Admin));
        Assert.Equal(["zh-CN"], cultures);
        await circuit.DisposeAsync();
    }

    /// <summary>Runs <paramref name="work"/> on a thread-pool thread whose culture is <paramref name="name"/> ("" is the invariant culture).</summary>
    private static Task<T> InCultureAsync<T>(string name, Func<Task<T>> work) => Task.Run(async () =>
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
        return await work();
    });

    [Fact]
    public async Task ClosedCircuit_IsNoLongerTracked()
    {
        var user = await UserWithPasswordAsync();
        var (circuit, _, _) = await OpenCircuitAsync(user);
        var registry = services.GetRequiredService<UserCircuitRegistry>();
        Assert.Equal(1, registry.CountFor(user.Id));

        await circuit.DisposeAsync();

        Assert.Equal(0, registry.CountFor(user.Id));
    }

    [Fact]
    public async Task DisabledAccount_CannotSignIn_AndItsCookiesStopValidating()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await UserWithPasswordAsync();
        await using var scope = services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<StarUser>>();
        Assert.True((await signIn.CheckPasswordSignInAsync(user, Password, lockoutOnFailure: true)).Succeeded);
        var stamp = user.SecurityStamp;

        await using (var adminScope = services.CreateAsyncScope())
        {
            Assert.True((await AdminService(adminScope, admin.UserId!.Value).DisableAsync(user.Id, null)).Succeeded);
        }

        await using var after = services.CreateAsyncScope();
        var signInAfter = after.ServiceProvider.GetRequiredService<SignInManager<StarUser>>();
        var fresh = await after.ServiceProvider.GetRequiredService<UserManager<StarUser>>().FindByIdAsync(user.Id.ToString());
        Assert.True((await signInAfter.CheckPasswordSignInAsync(fresh!, Password, lockoutOnFailure: true)).IsNotAllowed);
        Assert.False(await signInAfter.ValidateSecurityStampAsync(fresh, stamp));
        Assert.True(await after.ServiceProvider.GetRequiredService<UserManager<StarUser>>().CheckPasswordAsync(fresh!, Password));
    }

    [Fact]
    public async Task FailedSignIns_AreAudited_WithTheAttemptedEmailNeverThePassword_AndTheLockoutOnce()
    {
        const string wrong = "Wr0ng-secret-typed";
        var user = await UserWithPasswordAsync();
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActingUser>().User = UserContext.Anonymous;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StarUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<StarUser>>();
        var audit = scope.ServiceProvider.GetRequiredService<SignInAudit>();
        var account = await users.FindByIdAsync(user.Id.ToString());

        for (var i = 0; i <= AccountRules.MaxFailedAccessAttempts; i++)
        {
            var lockedBefore = await users.IsLockedOutAsync(account!);
            var result = await signIn.CheckPasswordSignInAsync(account!, wrong, lockoutOnFailure: true);
            Assert.False(result.Succeeded);
            await audit.RecordFailureAsync(user.Email!, account, result, lockedBefore);
        }

        var nobody = $"nobody-{Guid.NewGuid():N}@example.test";
        await audit.RecordFailureAsync(nobody, null, Microsoft.AspNetCore.Identity.SignInResult.Failed, wasLockedOut: false);

        await using var db = pg.OwnerContext();
        var id = user.Id.ToString();
        var rows = await db.AuditLogs.AsNoTracking().Where(e => e.TargetId == id || e.TargetLabel == nobody).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(AccountRules.MaxFailedAccessAttempts + 1, rows.Count(e => e.Action == StarStudio.Core.Audit.AuditActions.SignInFailed && e.TargetId == id));
        var locked = Assert.Single(rows, e => e.Action == StarStudio.Core.Audit.AuditActions.LockedOut);
        Assert.Equal(user.Email, locked.TargetLabel);
        Assert.Equal(SignInAudit.LockedOut, rows.Where(e => e.TargetId == id).Last().Reason);
        var unknown = Assert.Single(rows, e => e.TargetLabel == nobody);
        Assert.Equal((null, SignInAudit.UnknownAccount, (Guid?)null), (unknown.TargetId, unknown.Reason, unknown.ActorId));
        Assert.DoesNotContain(rows, e => $"{e.TargetLabel}{e.Reason}{e.BeforeValue?.RootElement}{e.AfterValue?.RootElement}".Contains(wrong, StringComparison.Ordinal));
    }
}
