using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Account;

namespace StarStudio.Data.Account;

/// <summary>Registers the account area's profile, preferences and help-and-feedback services.</summary>
public static class AccountServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioAccount(this IServiceCollection services)
    {
        services.AddScoped<IProfileService, ProfileService>();
        services.AddScoped<IFeedbackService, FeedbackService>();
        services.AddScoped<IPreferencesService, PreferencesService>();
        return services;
    }
}
