using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Data.Identity;
using StarStudio.Web.Identity;

namespace StarStudio.Tests.Integration.Identity;

/// <summary>The registration form's account creation with the app's Identity registrations, on the real PostgreSQL.</summary>
public sealed class AccountCreationTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task TheSameAddressRegisteredManyTimesAtOnce_MakesOneAccount_AndTheOthersAreToldItIsTaken()
    {
        await using var provider = pg.AppServices(Path.Combine(Path.GetTempPath(), "starstudio-account-creation"));

        // Rounds of a new address each: the race is between requests that all find the address free.
        for (var round = 0; round < 5; round++)
        {
            var email = $"twice-{Guid.NewGuid():N}@example.test";
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                await using var scope = provider.CreateAsyncScope();
                var users = scope.ServiceProvider.GetRequiredService<UserManager<StarUser>>();
                var user = new StarUser { UserName = email, Email = email, DisplayName = "twice", CreatedAt = DateTimeOffset.UtcNow };
                return await AccountCreation.CreateAsync(users, user, "a-long-enough-passphrase-1");
            })));

            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Errors, e => e.Code is "DuplicateEmail" or "DuplicateUserName"));
        }
    }
}
