using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Growth;

namespace StarStudio.Data.Growth;

/// <summary>Registers points on events: task progress, claims, redeem codes, invites and their admin services.</summary>
public static class GrowthServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioGrowth(this IServiceCollection services)
    {
        services.AddScoped<IGrowthEvents, GrowthEvents>();
        services.AddScoped<ITaskService, TaskService>();
        services.AddScoped<IRedeemService, RedeemService>();
        services.AddScoped<IInviteService, InviteService>();
        services.AddScoped<ITaskAdminService, TaskAdminService>();
        services.AddScoped<IRedeemCodeAdminService, RedeemCodeAdminService>();
        services.AddScoped<IMagnitudeService, Magnitude.MagnitudeService>();
        services.AddScoped<IMagnitudeNightly, Magnitude.MagnitudeNightly>();
        services.AddScoped<IMagnitudeReports, Magnitude.MagnitudeReportService>();
        services.AddOptions<MagnitudeOptions>().BindConfiguration(MagnitudeOptions.Section);
        services.AddSingleton<Magnitude.ChromiumPdf>();
        return services;
    }
}
