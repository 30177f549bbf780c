using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge.Semantic;
using StarStudio.Data.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>Registers the semantic model, its list in the retriever, the background indexer and its progress.</summary>
public static class SemanticServiceCollectionExtensions
{
    public static IServiceCollection AddSemanticKnowledge(this IServiceCollection services)
    {
        services.AddOptions<SemanticOptions>().BindConfiguration(SemanticOptions.Section)
            .Validate(o => o.BatchSize >= 1 && o.QuestionConcurrency >= 1 && o.IdleDelay > TimeSpan.Zero,
                "StarStudio:Knowledge:Semantic needs BatchSize ≥ 1, QuestionConcurrency ≥ 1 and a positive IdleDelay.")
            .ValidateOnStart();
        services.AddSingleton<SemanticModel>();
        services.AddSingleton<ISemanticKnowledge, SemanticKnowledge>();
        services.AddSingleton<SemanticIndexer>();
        services.AddHostedService<SemanticIndexerService>();
        services.AddScoped<ISemanticIndexStatus, SemanticIndexStatus>();
        return services;
    }
}
