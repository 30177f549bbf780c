using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena;
using StarStudio.Data;
using StarStudio.Data.Arena.Admin;
using StarStudio.Web.Arena;

namespace StarStudio.Tests.Unit.Arena.Admin;

public sealed class ArenaAdminRegistrationTests
{
    [Fact]
    public async Task DataAndWeb_RegisterTheServiceAndTheTimeJob_WhichNeedTheScoringQueue()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["StarStudio:Database:ConnectionString"] = "Host=unused" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddStarStudioData(configuration);
        services.AddStarStudioArenaWeb();
        services.AddSingleton<StarStudio.Core.Common.ICurrentUser>(new StarStudio.Core.Common.FixedCurrentUser(StarStudio.Core.Common.UserContext.Anonymous));

        // Without the scoring queue (the scoring job registers it) the admin service cannot be built: no silent no-op.
        await using (var without = services.BuildServiceProvider())
        {
            await using var scope = without.CreateAsyncScope();
            var missing = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IArenaAdminService>());
            Assert.Contains(nameof(ITrialScoringQueue), missing.Message, StringComparison.Ordinal);
        }

        services.AddSingleton<ITrialScoringQueue>(new NoQueue());
        services.AddSingleton<IRecurringJobManager>(new NoJobs());
        await using var provider = services.BuildServiceProvider();
        await using var s = provider.CreateAsyncScope();
        Assert.IsType<ArenaAdminService>(s.ServiceProvider.GetRequiredService<IArenaAdminService>());
        Assert.NotNull(s.ServiceProvider.GetRequiredService<ArenaClockJobRunner>());
        Assert.Equal("* * * * *", s.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ArenaJobOptions>>().Value.ClockCron);
    }

    private sealed class NoQueue : ITrialScoringQueue
    {
        public Task EnqueueAsync(Guid trialId, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class NoJobs : IRecurringJobManager
    {
        public void AddOrUpdate(string recurringJobId, Hangfire.Common.Job job, string cronExpression, RecurringJobOptions options) => throw new NotSupportedException();

        public void Trigger(string recurringJobId) => throw new NotSupportedException();

        public void RemoveIfExists(string recurringJobId) => throw new NotSupportedException();
    }
}
