using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StarStudio.Data.Infrastructure;
using StarStudio.Web.Billing;
using StarStudio.Web.Knowledge;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>The usage billing job is scheduled in Hangfire's storage (the jobs role) as the app registers it.</summary>
public sealed class UsageBillingScheduleTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Start_RegistersTheRecurringJobWithItsCron()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = pg.AppConnectionString,
            [$"{DatabaseOptions.Section}:JobsConnectionString"] = pg.JobsConnectionString,
            [$"{UsageBillingOptions.Section}:UsageCron"] = "*/7 * * * *",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Development });
        services.AddStarStudioJobs(configuration);
        services.AddStarStudioBillingWeb();
        await using var provider = services.BuildServiceProvider();

        foreach (var schedule in provider.GetServices<IHostedService>().OfType<StarStudio.Web.Jobs.RecurringJobSchedule<UsageBillingJobRunner>>())
        {
            await schedule.StartAsync(CancellationToken.None);
        }

        using var connection = provider.GetRequiredService<JobStorage>().GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == UsageBillingJobRunner.JobId);
        Assert.Equal("*/7 * * * *", job.Cron);
    }
}
