using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Chat.Engine;

namespace StarStudio.Data.Chat.Engine;

/// <summary>Registers the chat engine: options, the model resolver, the HTTP client for providers, the built-in tools and <see cref="IStarChatEngine"/>.</summary>
public static class ChatEngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the chat engine. Needs what the knowledge feature and the app register: <c>ITokenCounter</c>,
    /// <c>IKnowledgeRetriever</c>, <c>StarStudioDb</c> and <c>IDataProtectionProvider</c>.
    /// </summary>
    public static IServiceCollection AddStarStudioChatEngine(this IServiceCollection services)
    {
        services.AddOptions<ChatEngineOptions>().BindConfiguration(ChatEngineOptions.Section);

        // The engine times out itself (first token, idle, overall); the client's own timeout would cut long streams.
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ChatModelResolver>();
        services.AddSingleton<AnswerGate>();
        services.AddSingleton<IChatModelClientFactory, ChatModelClientFactory>();
        services.AddScoped<IChatToolSource, BuiltInChatToolSource>();
        services.AddScoped<IStarChatEngine, StarChatEngine>();
        return services;
    }
}
