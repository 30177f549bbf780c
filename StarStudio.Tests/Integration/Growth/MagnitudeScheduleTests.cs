using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StarStudio.Core.Growth;
using StarStudio.Data.Growth;
using StarStudio.Data.Infrastructure;
using StarStudio.Web.Growth;
using StarStudio.Web.Knowledge;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>The nightly magnitude job is scheduled in Hangfire's storage (the jobs role) with the configured cron.</summary>
public sealed class MagnitudeScheduleTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Start_RegistersTheNightlyJobWithItsCron()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = pg.AppConnectionString,
            [$"{DatabaseOptions.Section}:JobsConnectionString"] = pg.JobsConnectionString,
            [$"{MagnitudeOptions.Section}:NightlyCron"] = "15 18 * * *",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Development });
        services.AddStarStudioJobs(configuration);
        services.AddStarStudioGrowth();
        services.AddStarStudioMagnitudeWeb();
        await using var provider = services.BuildServiceProvider();

        var schedule = Assert.Single(provider.GetServices<IHostedService>().OfType<StarStudio.Web.Jobs.RecurringJobSchedule<MagnitudeNightlyJobRunner>>());
        await schedule.StartAsync(CancellationToken.None);

        using var connection = provider.GetRequiredService<JobStorage>().GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == MagnitudeNightlyJobRunner.JobId);
        Assert.Equal("15 18 * * *", job.Cron);
    }
}
