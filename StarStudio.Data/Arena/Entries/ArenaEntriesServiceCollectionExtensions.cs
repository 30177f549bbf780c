using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Arena.Entries;
using StarStudio.Data.Chat;

namespace StarStudio.Data.Arena.Entries;

/// <summary>Registers trial entries (<see cref="ITrialEntryService"/>).</summary>
public static class ArenaEntriesServiceCollectionExtensions
{
    /// <summary>Adds the entry service; needs the chat engine, the conversation store and the object store registered by Data.</summary>
    public static IServiceCollection AddStarStudioArenaEntries(this IServiceCollection services)
    {
        // The entry service calls the conversation service's structured send, which is not on IConversationService.
        services.AddScoped<ConversationService>();
        services.AddScoped<ITrialEntryService, TrialEntryService>();
        return services;
    }
}
