using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Web.Identity;

namespace StarStudio.Tests.Integration.Identity;

/// <summary>
/// The seeder with the app's own service registrations over a fresh database per test: demo accounts (whose
/// passwords the README publishes) only where the operator asked for them, and never beside an admin of theirs.
/// </summary>
public sealed class IdentitySeederTests : IAsyncLifetime
{
    private const string AdminEmail = "ops@example.test";
    private const string AdminPassword = "0ps-chosen-pass";

    private readonly PostgresDatabase pg = new();
    private readonly string dataRoot = Directory.CreateTempSubdirectory("starstudio-seed-").FullName;

    public Task InitializeAsync() => pg.InitializeAsync();

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        Directory.Delete(dataRoot, recursive: true);
    }

    private async Task SeedAsync(bool demo, bool admin)
    {
        var settings = new Dictionary<string, string?> { ["StarStudio:Demo:Seed"] = demo ? "true" : "false" };
        if (admin)
        {
            settings["StarStudio:Admin:Email"] = AdminEmail;
            settings["StarStudio:Admin:Password"] = AdminPassword;
        }

        // No Hangfire storage here: the demo notes' jobs are recorded instead of queued.
        await using var provider = pg.AppServices(Path.Combine(dataRoot, "objects"), settings, s => s.AddSingleton<IKnowledgeJobQueue>(queued));
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
    }

    private readonly RecordingQueue queued = new();

    private sealed class RecordingQueue : IKnowledgeJobQueue
    {
        public List<Guid> Tasks { get; } = [];

        public void Enqueue(Guid taskId, Guid actingUserId)
        {
            lock (Tasks)
            {
                Tasks.Add(taskId);
            }
        }
    }

    private async Task<List<string>> EmailsAsync()
    {
        await using var db = pg.OwnerContext();
        return await db.Users.Select(u => u.Email!).OrderBy(e => e).ToListAsync();
    }

    [Fact]
    public async Task Seed_DemoOnAFreshDatabaseWithoutAnAdmin_CreatesTheDemoAccounts()
    {
        await SeedAsync(demo: true, admin: false);

        Assert.Equal(DemoAccounts.All.Select(a => a.Email).Order(), await EmailsAsync());
        // The demo stars are public, and their notes are knowledge tasks with their jobs queued.
        await using var db = pg.OwnerContext();
        Assert.Equal(DemoContent.Stars.Length, await db.Stars.CountAsync(s => s.IsPublic && s.Status == StarStatus.Active));
        var tasks = await db.KnowledgeTasks.Select(t => t.Id).ToListAsync();
        Assert.Equal(DemoContent.Stars.Sum(s => s.Notes.Count), tasks.Count);
        Assert.Equal(tasks.Order(), queued.Tasks.Order());
    }

    [Fact]
    public async Task Seed_ThreeAppCopiesStartingAtOnce_AllStart_AndEachAccountExistsOnce()
    {
        // Each call builds its own service provider: three copies of the app on one database.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => SeedAsync(demo: true, admin: true))));

        var emails = await EmailsAsync();
        Assert.Equal(emails.Distinct().Order(), emails.Order());
        Assert.Contains(AdminEmail, emails);
        Assert.Contains("player@starstudio.local", emails);
        await using var db = pg.OwnerContext();
        Assert.Equal(DemoContent.Stars.Length, await db.Stars.CountAsync());
    }

    [Fact]
    public async Task Seed_DemoBesideAConfiguredAdmin_DoesNotCreateTheDemoAdmin()
    {
        await SeedAsync(demo: true, admin: true);

        var emails = await EmailsAsync();
        Assert.Contains(AdminEmail, emails);
        Assert.DoesNotContain("admin@starstudio.local", emails);
        Assert.Contains("player@starstudio.local", emails);
    }

    [Fact]
    public async Task Seed_DemoOnADatabaseWithAccounts_CreatesNoDemoAccount()
    {
        await pg.CreateUserAsync("someone@example.test");

        await SeedAsync(demo: true, admin: false);

        Assert.Equal(["someone@example.test"], await EmailsAsync());
    }

    [Fact]
    public async Task Seed_DemoOnAgainAfterTheAdminWasCreated_DoesNotAddDemoAccounts()
    {
        await SeedAsync(demo: false, admin: true);

        await SeedAsync(demo: true, admin: true);

        Assert.Equal([AdminEmail], await EmailsAsync());
    }

    [Fact]
    public async Task Seed_DemoOff_CreatesOnlyTheConfiguredAdmin()
    {
        await SeedAsync(demo: false, admin: true);

        Assert.Equal([AdminEmail], await EmailsAsync());
    }
}
