using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Pipeline;

namespace StarStudio.Web.Knowledge;

/// <summary>Hangfire's entry point for a knowledge task. A failed run is not retried blindly: the task records why.</summary>
public sealed class KnowledgeJobRunner(KnowledgeIngestionJob job)
{
    [AutomaticRetry(Attempts = 0)]
    [Queue("knowledge")]
    public Task RunAsync(Guid taskId, Guid actingUserId, CancellationToken cancellationToken) =>
        job.RunAsync(taskId, actingUserId, cancellationToken);
}

internal sealed class HangfireKnowledgeJobQueue(IBackgroundJobClient client) : IKnowledgeJobQueue
{
    // Hangfire passes its shutdown token in place of CancellationToken.None.
    public void Enqueue(Guid taskId, Guid actingUserId) =>
        client.Enqueue<KnowledgeJobRunner>(r => r.RunAsync(taskId, actingUserId, CancellationToken.None));
}

/// <summary>Background jobs: Hangfire on PostgreSQL, a server in every app instance, the dashboard for admins.</summary>
internal static class KnowledgeJobsSetup
{
    public static IServiceCollection AddStarStudioJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // Hangfire creates its tables in its own schema, as a role that reaches nothing else (never the owner, which
        // would run every job query at request time with the rights to every table).
        var connection = configuration[$"{DatabaseOptions.Section}:JobsConnectionString"] ?? "";
        services.AddHangfire(cfg => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connection), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(500),
            }));
        services.AddHangfireServer(o =>
        {
            o.Queues = ["knowledge", "default"];
            o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        services.AddScoped<KnowledgeJobRunner>();
        services.AddSingleton<IKnowledgeJobQueue, HangfireKnowledgeJobQueue>();
        return services;
    }

    public static void MapJobsDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboard("/admin/jobs", new DashboardOptions
        {
            // Authorization is the endpoint's admin policy below; Hangfire's own filter would allow local requests only.
            Authorization = [new AllowAuthorizedEndpoint()],
            AppPath = "/admin",
            DashboardTitle = "StarStudio jobs",
        }).RequireAuthorization(p => p.RequireRole(Core.Identity.RoleNames.Admin));

    private sealed class AllowAuthorizedEndpoint : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }
}
