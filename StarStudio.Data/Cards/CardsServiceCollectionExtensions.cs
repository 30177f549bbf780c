using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Cards;

namespace StarStudio.Data.Cards;

/// <summary>Registers character card import and export (docs/cards.md).</summary>
public static class CardsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioCards(this IServiceCollection services)
    {
        // Cards are parsed by the knowledge parser's worker pool (registered by AddStarStudioKnowledge).
        services.AddSingleton<WorkerCardParser>();
        services.AddSingleton<ICardParser>(sp => sp.GetRequiredService<WorkerCardParser>());
        services.AddScoped<ICardService, CardService>();
        return services;
    }
}
