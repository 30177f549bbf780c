using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Data;

/// <summary>Registers the relational store, the storage adapters and Data's services.</summary>
public static class DependencyInjection
{
    public static IServiceCollection AddStarStudioData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                "StarStudio__Database__ConnectionString is not set: the app needs PostgreSQL (./run.sh starts one).")
            .ValidateOnStart();
        var connectionString = configuration[$"{DatabaseOptions.Section}:ConnectionString"] ?? "";
        services.AddDbContextFactory<StarStudioDbContext>(o => StarStudioDbContext.Configure(o, connectionString));
        services.AddScoped<StarStudioDb>();
        services.AddScoped<ActingUser>();
        services.AddSingleton(TimeProvider.System);
        services.AddStarStudioStorage(configuration);
        services.AddSingleton<StarServiceFactory>();
        services.AddStarStudioKnowledge();
        services.AddScoped<IStarService, StarService>();
        return services;
    }
}
