using StarStudio.Web.Identity;

namespace StarStudio.Tests.E2E;

/// <summary>A second app started the way <c>./run.sh</c> starts one: the configured admin plus the demo accounts and stars.</summary>
public sealed class DemoSeedAppServer() : AppServer(new Dictionary<string, string>
{
    ["StarStudio__Demo__Seed"] = "true",
});

/// <summary>
/// Seeding grants roles through the database's checked grant function (the app role may not write <c>user_roles</c>):
/// the first admin while nobody is admin, everything after as that admin.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class DemoSeedTests(DemoSeedAppServer demo) : IClassFixture<DemoSeedAppServer>
{
    [Fact]
    public async Task DemoSeed_OnAFreshDatabase_EveryAccountHasItsRolesAndTheOwnerItsStars()
    {
        var roles = await demo.ScalarAsync("""
            SELECT string_agg(u.email || ':' || r.name, ' ' ORDER BY u.email, r.name)
            FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id
            """);
        var stars = await demo.ScalarAsync($"SELECT count(*) FROM stars s JOIN users u ON u.id = s.owner_id WHERE u.email = '{DemoAccounts.All[1].Email}'");

        // The demo admin is not created beside a configured admin (docs/security.md, "Deployment defaults").
        Assert.Equal($"{AppServer.AdminEmail}:admin maker@starstudio.local:skill_maker owner@starstudio.local:star_owner", roles);
        Assert.Equal(2L, stars);
        Assert.DoesNotContain("Unhandled", demo.Output(), StringComparison.Ordinal);
    }
}
