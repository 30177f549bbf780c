using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Data.Knowledge.Webhooks;

/// <summary>Registers the inbound knowledge webhooks.</summary>
public static class KnowledgeWebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IKnowledgeWebhookService"/> (scoped) and binds <see cref="KnowledgeWebhookOptions"/> to
    /// <c>StarStudio:Knowledge:Webhooks</c>. Needs Data Protection, <see cref="IKnowledgeServiceFactory"/>, the
    /// context factory, <see cref="Infrastructure.StarStudioDb"/> and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddKnowledgeWebhooks(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeWebhookOptions>()
            .BindConfiguration(KnowledgeWebhookOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "StarStudio:Knowledge:Webhooks:MaxBodyBytes must be positive.")
            .Validate(o => o.Tolerance > TimeSpan.Zero, "StarStudio:Knowledge:Webhooks:Tolerance must be positive.");
        services.AddScoped<IKnowledgeWebhookService, KnowledgeWebhookService>();
        return services;
    }
}
