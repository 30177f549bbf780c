using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Admin;
using StarStudio.Data.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Data.Admin;
using StarStudio.Data.Billing;
using StarStudio.Data.Creation;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Growth;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;
using StarStudio.Data.Training;

namespace StarStudio.Data;

/// <summary>Registers the relational store, the storage adapters and Data's services.</summary>
public static class DependencyInjection
{
    /// <summary>
    /// The named HTTP clients that call URLs users and admins supply; each gets <see cref="Security.GuardedHttpHandler"/>.
    /// The skill client (<c>Market.Calls.SkillEndpointCaller.HttpClientName</c>) is guarded too, registered by AddMarketCalls
    /// with redirects off.
    /// </summary>
    public static readonly IReadOnlyList<string> GuardedHttpClients =
        [OpenAiCompatibleEmbedder.HttpClientName, OpenAiCompatibleChatClient.HttpClientName, Admin.Chat.ChatModelAdminService.HttpClientName, Training.ExternalTrainerClient.HttpClientName];

    public static IServiceCollection AddStarStudioData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                "StarStudio__Database__ConnectionString is not set: the app needs PostgreSQL (./run.sh starts one).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.JobsConnectionString),
                "StarStudio__Database__JobsConnectionString is not set: background jobs need their own PostgreSQL role (scripts/postgres.sh env prints it).")
            .ValidateOnStart();
        var connectionString = DatabaseOptions.WithAutoPrepare(configuration[$"{DatabaseOptions.Section}:ConnectionString"] ?? "");
        services.AddDbContextFactory<StarStudioDbContext>(o => StarStudioDbContext.Configure(o, connectionString));
        services.AddScoped<StarStudioDb>();
        services.AddScoped<ActingUser>();
        services.AddSingleton(TimeProvider.System);
        services.AddStarStudioStorage(configuration);
        services.AddSingleton<StarServiceFactory>();
        services.AddStarStudioKnowledge();
        Cards.CardsServiceCollectionExtensions.AddStarStudioCards(services);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddScoped<IEmbeddingModelAdminService, EmbeddingModelAdminService>();
        services.AddScoped<StarStudio.Core.Audit.IAuditLog, Audit.AuditLog>();
        services.AddScoped<StarStudio.Core.Admin.Users.IUserAdminService, Admin.Users.UserAdminService>();
        services.AddStarStudioChatEngine();
        // Outbound calls to admin-configured URLs re-check the address they actually connect to (DNS rebinding).
        services.AddScoped<StarStudio.Core.Admin.Chat.IChatModelAdminService, Admin.Chat.ChatModelAdminService>();
        foreach (var client in GuardedHttpClients)
        {
            services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(sp => StarStudio.Data.Security.GuardedHttpHandler.Create(
                () => sp.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue.AllowPrivateNetworkUrls));
        }

        services.AddSingleton<StarStudio.Core.Chat.ChatRateLimiter>();
        services.AddSingleton<Chat.ModelVersionAdapters>();
        services.AddScoped<StarStudio.Core.Chat.IConversationService, Chat.ConversationService>();
        Chat.Attachments.ChatAttachmentsServiceCollectionExtensions.AddStarStudioChatAttachments(services);
        services.AddScoped<IStarService, StarService>();
        services.AddStarStudioPersonaVersions();
        services.AddStarStudioWallet();
        services.AddStarStudioAccount();
        services.AddStarStudioGrowth();
        services.AddStarStudioTraining();
        services.AddStarStudioCreation();
        Arena.ArenaServiceCollectionExtensions.AddStarStudioArena(services);
        Arena.Admin.ArenaAdminServiceCollectionExtensions.AddStarStudioArenaAdmin(services);
        Arena.Entries.ArenaEntriesServiceCollectionExtensions.AddStarStudioArenaEntries(services);
        Arena.Battles.BattlesServiceCollectionExtensions.AddStarStudioArenaBattles(services);
        Billing.Orders.BillingServiceCollectionExtensions.AddStarStudioBilling(services, configuration);
        Market.Maker.MarketMakerServiceCollectionExtensions.AddMarketMaker(services);
        Market.Catalog.MarketCatalogServiceCollectionExtensions.AddMarketCatalog(services);
        Market.Calls.MarketCallsServiceCollectionExtensions.AddMarketCalls(services);
        Explore.ExploreServiceCollectionExtensions.AddStarStudioExplore(services);
        Analytics.AnalyticsServiceCollectionExtensions.AddStarStudioAnalytics(services);
        Training.TrainingDatasetsServiceCollectionExtensions.AddTrainingDatasets(services);
        Extensions.ExtensionsServiceCollectionExtensions.AddStarStudioExtensions(services);
        Recommendations.RecommendationServiceCollectionExtensions.AddStarStudioRecommendations(services);
        ReviewInbox.ReviewInboxServiceCollectionExtensions.AddStarStudioReviewInbox(services);
        Configs.ConfigsServiceCollectionExtensions.AddStarStudioConfigs(services);
        Webhooks.WebhookServiceCollectionExtensions.AddWebhooks(services);
        Notifications.NotificationServiceCollectionExtensions.AddStarStudioNotifications(services);
        services.AddScoped<StarStudio.Core.ContentFilter.IContentRatingService, ContentFilter.ContentRatingService>();
        return services;
    }
}
