namespace StarStudio.Data.Infrastructure;

/// <summary>
/// The Data Protection purposes of secrets stored in the database, in one place: a protector made with another string
/// cannot read what this one wrote, so every writer and reader of a secret must name the same purpose. Never change a
/// value; stored secrets would become unreadable.
/// </summary>
public static class ProtectionPurposes
{
    /// <summary>API keys of LLM providers (<c>llm_providers.api_key_protected</c>).</summary>
    public const string ProviderApiKey = "StarStudio.Chat.ProviderApiKey";

    /// <summary>API keys of remote embedding models (<c>embeddings_models.api_key_protected</c>).</summary>
    public const string EmbeddingModelApiKey = "StarStudio.EmbeddingModels.ApiKey";

    /// <summary>Signing secrets of inbound knowledge webhooks.</summary>
    public const string KnowledgeWebhookSecret = Core.Knowledge.Webhooks.KnowledgeWebhookRules.SecretProtectionPurpose;

    /// <summary>A skill maker's endpoint secret sent in their header (<c>skills.auth_secret_protected</c>).</summary>
    public const string SkillAuthSecret = "StarStudio.Market.SkillAuthSecret";

    /// <summary>The secret StarStudio signs a skill's calls with (<c>skills.signing_secret_protected</c>).</summary>
    public const string SkillSigningSecret = "StarStudio.Market.SkillSigningSecret";

    /// <summary>Signing secrets of owners' outbound webhooks (<c>webhooks.secret_protected</c>).</summary>
    public const string OutboundWebhookSecret = "StarStudio.Webhooks.OutboundSecret";
}
