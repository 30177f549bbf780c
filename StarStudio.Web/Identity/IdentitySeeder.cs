using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Webhooks;

namespace StarStudio.Web.Identity;

/// <summary><c>StarStudio:Admin</c> and <c>StarStudio:Demo</c>: the first admin, and demo accounts on first start.</summary>
public sealed class SeedOptions
{
    public const string Section = "StarStudio";

    public AdminSeed Admin { get; set; } = new();
    public DemoSeed Demo { get; set; } = new();

    public sealed class AdminSeed
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
    }

    public sealed class DemoSeed
    {
        /// <summary>
        /// Creates the demo accounts (published passwords) and stars, only when the database has no users yet;
        /// the demo admin only when no admin is configured. On in <c>./run.sh</c>, off everywhere else by default.
        /// </summary>
        public bool Seed { get; set; }
    }
}

/// <summary>The demo accounts the README's quick start names; created once, on an empty database, when asked for.</summary>
public static class DemoAccounts
{
    public const string Password = "Demo2026!star";

    public static readonly (string Email, string DisplayName, string[] Roles)[] All =
    [
        ("admin@starstudio.local", "星台管理员", [RoleNames.Admin]),
        ("owner@starstudio.local", "林星主", [RoleNames.StarOwner]),
        ("maker@starstudio.local", "技能工坊", [RoleNames.SkillMaker]),
        ("player@starstudio.local", "小玩家", []),
    ];
}

/// <summary>Creates the configured admin and, on a fresh database where demo seeding is on, the demo accounts and two demo stars.</summary>
internal sealed class IdentitySeeder(
    UserManager<StarUser> users,
    IDbContextFactory<StarStudioDbContext> contexts,
    IServiceProvider services,
    ActingUser acting,
    IOptions<SeedOptions> options,
    ILogger<IdentitySeeder> log)
{
    /// <summary>The key of the session advisory lock every app copy seeds under.</summary>
    private const string SeedLockKey = "hashtext('starstudio.identity_seed')";

    public async Task SeedAsync(CancellationToken ct = default)
    {
        // Several copies of the app starting at once (a scaled deployment) each checked "no admin yet" and created it,
        // and all but one failed their start on the unique e-mail. They now seed one after another: the lock is held on
        // its own connection (and goes with it if the process dies) while this copy seeds.
        await using var holder = await contexts.CreateDbContextAsync(ct);
        await holder.Database.OpenConnectionAsync(ct);
        await holder.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({SeedLockKey})", ct);
        try
        {
            await SeedUnderLockAsync(ct);
        }
        finally
        {
            await holder.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({SeedLockKey})", CancellationToken.None);
        }
    }

    private async Task SeedUnderLockAsync(CancellationToken ct)
    {
        var seed = options.Value;
        // Decided before the configured admin is created: demo accounts only ever go into a database that had no
        // user at all, so an installation that has (or once had) real accounts never grows published passwords.
        bool fresh;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            fresh = !await db.Users.AnyAsync(ct);
        }

        var adminConfigured = !string.IsNullOrWhiteSpace(seed.Admin.Email) && !string.IsNullOrWhiteSpace(seed.Admin.Password);
        if (adminConfigured && await users.FindByEmailAsync(seed.Admin.Email!) is null)
        {
            await CreateAsync(seed.Admin.Email!, "Admin", seed.Admin.Password!, [RoleNames.Admin]);
            log.LogInformation("Created the first admin {Email} from configuration.", seed.Admin.Email);
        }

        if (!seed.Demo.Seed)
        {
            return;
        }

        if (!fresh)
        {
            log.LogInformation("StarStudio:Demo:Seed is on but the database already has accounts; no demo accounts are created.");
            return;
        }

        // The demo admin's password is published: where the operator chose an admin, it is not created at all.
        var demo = DemoAccounts.All.Where(a => !(adminConfigured && a.Roles.Contains(RoleNames.Admin))).ToList();
        StarUser? owner = null;
        var admin = adminConfigured ? await users.FindByEmailAsync(seed.Admin.Email!) : null;
        foreach (var (email, name, roles) in demo)
        {
            var user = await CreateAsync(email, name, DemoAccounts.Password, roles);
            if (roles.Contains(RoleNames.StarOwner))
            {
                owner = user;
            }

            if (roles.Contains(RoleNames.Admin))
            {
                admin ??= user;
            }
        }

        if (owner is not null)
        {
            // The demo stars and their knowledge go through the same services a star owner uses, as that owner; the notes
            // are indexed by the knowledge jobs like any other (the task rows are their outbox, so a start that stops
            // before the jobs run indexes them at the next start).
            var db = new StarStudioDb(contexts, new FixedCurrentUser(UserContext.For(owner.Id, RoleNames.StarOwner)));
            var stars = ActivatorUtilities.CreateInstance<Data.Stars.StarServiceFactory>(services).Create(db);
            var knowledge = services.GetRequiredService<IKnowledgeServiceFactory>().For(db);
            foreach (var demoStar in DemoContent.Stars)
            {
                var star = await stars.CreateAsync(demoStar.Draft, ct);
                if (!star.Succeeded)
                {
                    throw new InvalidOperationException($"Cannot create the demo star {demoStar.Draft.Name}: {string.Join("; ", star.Errors.Select(e => e.Code))}");
                }

                foreach (var (title, markdown) in demoStar.Notes)
                {
                    try
                    {
                        var note = await knowledge.AddNoteAsync(star.Value!.Id, title, markdown, ct);
                        if (!note.Succeeded)
                        {
                            log.LogWarning("Demo note {Title} was refused: {Errors}", title, string.Join("; ", note.Errors.Select(e => e.Code)));
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The task row commits before its job is queued and is its own outbox: the re-driver queues it later.
                        log.LogWarning(e, "Queueing the demo note {Title} failed; the knowledge re-driver will queue it", title);
                    }
                }

                if (demoStar.IsPublic && admin is not null)
                {
                    // Publishing goes through review (docs/persona-versions.md); an admin's publication is its own approval.
                    var adminDb = new StarStudioDb(contexts, new FixedCurrentUser(UserContext.For(admin.Id, RoleNames.Admin)));
                    await ActivatorUtilities.CreateInstance<Data.Stars.StarServiceFactory>(services).Create(adminDb).SetPublicAsync(star.Value!.Id, true, ct);
                }
            }
        }

        var banner = string.Join(Environment.NewLine, demo.Select(a => $"    {a.Email,-28} {DemoAccounts.Password}  ({(a.Roles.Length == 0 ? "player" : string.Join(",", a.Roles))})"));
        Console.WriteLine($"""

            [starstudio] Demo accounts created (shown once; also in the README):
            {banner}

            """);
    }

    private async Task<Guid?> FindAdminAsync()
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.UserRoles.Join(db.Roles.Where(r => r.Name == RoleNames.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => (Guid?)ur.UserId)
            .FirstOrDefaultAsync();
    }

    private async Task<StarUser> CreateAsync(string email, string displayName, string password, string[] roles)
    {
        var user = new StarUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            Role = StarUser.PrimaryRole(roles),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"Cannot create {email}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        }

        // Grants go through app_grant_role as the caller it names: the seeder acts for the operator as an existing
        // admin; while there is none, the database lets the first admin be granted and nothing else.
        acting.User = await FindAdminAsync() is { } admin ? UserContext.For(admin, RoleNames.Admin) : UserContext.Anonymous;
        foreach (var role in roles)
        {
            var granted = await users.AddToRoleAsync(user, role);
            if (!granted.Succeeded)
            {
                throw new InvalidOperationException($"Cannot grant {role} to {email}: {string.Join("; ", granted.Errors.Select(e => e.Description))}");
            }
        }

        acting.User = null;

        // Seeded accounts get the registration reward like any other (idempotent by its key).
        await new Data.Growth.GrowthEvents(new StarStudioDb(contexts, new FixedCurrentUser(UserContext.For(user.Id))), TimeProvider.System)
            .RewardRegistrationAsync();
        return user;
    }
}
