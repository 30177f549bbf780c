using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Storage;
using StarStudio.Data.Growth;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Expansion;
using StarStudio.Data.Knowledge.Pipeline;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Knowledge.Semantic;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Data.Knowledge.Webhooks;
using StarStudio.Data.Storage;

namespace StarStudio.Data.Knowledge;

/// <summary>Registers the knowledge feature: parsing, chunking, embeddings, retrieval, tasks, the ingestion job and webhooks.</summary>
public static class KnowledgeServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioKnowledge(this IServiceCollection services)
    {
        services.AddHttpClient();
        services.AddHttpClient(OpenAiCompatibleEmbedder.HttpClientName).AddEmbeddingRetries();
        services.AddOptions<RetrievalOptions>().BindConfiguration(RetrievalOptions.Section);
        // Untrusted files are parsed in a worker process, never in the app's (see WorkerDocumentParser).
        services.AddOptions<ParserWorkerOptions>()
            .BindConfiguration(ParserWorkerOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParserWorkerOptions>, ParserWorkerOptionsValidator>();
        // One pool of workers for documents and character cards (WorkerCardParser uses it too).
        services.AddSingleton<WorkerDocumentParser>();
        services.AddSingleton<IDocumentParser>(sp => sp.GetRequiredService<WorkerDocumentParser>());
        services.AddSingleton<ITokenCounter>(Cl100kTokenCounter.Instance);
        services.AddSingleton<EmbeddingModelResolver>();
        services.AddScoped<IStarEmbedderProvider, DefaultStarEmbedderProvider>();
        // Questions are segmented and expanded through bundled dictionaries (docs/query-expansion.md); one instance holds them.
        services.TryAddSingleton<DictionaryQueryAnalyzer>();
        services.TryAddSingleton<IQueryAnalyzer>(sp => sp.GetRequiredService<DictionaryQueryAnalyzer>());
        services.AddHostedService<QueryExpansionWarmUp>();
        // English chunks get a second, semantic vector (docs/semantic-embedder.md).
        services.AddSemanticKnowledge();
        services.AddSingleton<RetrievalGate>();
        services.AddSingleton<WordFrequencies>();
        services.AddScoped<IKnowledgeRetriever, KnowledgeRetriever>();
        services.AddScoped<IKnowledgeService, KnowledgeService>();
        services.AddScoped<KnowledgeIngestionJob>();
        services.AddOptions<KnowledgeJobOptions>().BindConfiguration(KnowledgeJobOptions.Section)
            .Validate(o => o.LeaseDuration > TimeSpan.Zero && o.RedriveAfter > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.MaxInterruptedRuns >= 1,
                "StarStudio:Knowledge:Jobs needs positive LeaseDuration, RedriveAfter and SweepInterval and MaxInterruptedRuns ≥ 1.")
            .ValidateOnStart();
        services.AddSingleton<KnowledgeTaskRedrive>();
        services.AddSingleton<IKnowledgeServiceFactory, KnowledgeServiceFactory>();
        services.AddKnowledgeWebhooks();
        return services;
    }
}

/// <summary>Every star embeds with the platform's default model (per-star models are not offered yet).</summary>
internal sealed class DefaultStarEmbedderProvider(StarStudioDb db, EmbeddingModelResolver models) : IStarEmbedderProvider
{
    public async Task<StarEmbedder> ForStarAsync(Guid starId, CancellationToken ct = default)
    {
        var model = await models.GetDefaultAsync(db, ct);
        return new StarEmbedder(model.Name, model.Dimension, models.Create(model));
    }
}

/// <summary>A knowledge service acting as whoever the given gateway acts as (inbound webhooks act as the star's owner).</summary>
internal sealed class KnowledgeServiceFactory(IServiceProvider services, IObjectStore objects, IKnowledgeJobQueue jobs, TimeProvider clock, EmbeddingModelResolver models)
    : IKnowledgeServiceFactory
{
    public IKnowledgeService For(StarStudioDb db)
    {
        using var scope = services.CreateScope();
        // The PostgreSQL chunk store enforces RLS through its gateway, so it must act as the same user.
        var chunks = scope.ServiceProvider.GetRequiredService<IKnowledgeChunkStore>() is PostgresKnowledgeChunkStore
            ? new PostgresKnowledgeChunkStore(db)
            : scope.ServiceProvider.GetRequiredService<IKnowledgeChunkStore>();
        // The same retriever the app's own requests use: analyzer, semantic list and gate are the registered singletons.
        var retriever = new KnowledgeRetriever(db, models, services.GetService<IOptions<RetrievalOptions>>(), services.GetService<IQueryAnalyzer>(),
            services.GetService<ISemanticKnowledge>(), services.GetService<RetrievalGate>(), services.GetService<WordFrequencies>());
        return new KnowledgeService(db, objects, chunks, retriever, jobs, clock,
            new GrowthEvents(db, clock, scope.ServiceProvider.GetService<ILogger<GrowthEvents>>()),
            services.GetService<StarStudio.Core.Configs.ISystemConfigs>());
    }
}
