using StarStudio.Core.Common;

namespace StarStudio.Core.Admin.Chat;

/// <summary>
/// Admins' management of the LLM providers (<c>llm_providers</c>), their chat models (<c>chat_models</c>) and the
/// platform's default and fallback chat model (<c>system_configs</c>). Every call returns
/// <see cref="ResultKind.Forbidden"/> for anyone but an admin; the database refuses their writes as well.
/// </summary>
public interface IChatModelAdminService
{
    /// <summary>Every provider by name, without API keys.</summary>
    Task<Result<IReadOnlyList<LlmProviderView>>> ListProvidersAsync(CancellationToken ct = default);

    /// <summary>Registers an OpenAI-compatible provider (active); its API key, if any, is stored protected.</summary>
    Task<Result<LlmProviderView>> CreateProviderAsync(LlmProviderDraft draft, CancellationToken ct = default);

    /// <summary>Changes a provider. A blank API key keeps the stored one unless <see cref="LlmProviderDraft.ClearApiKey"/> is set.</summary>
    Task<Result<LlmProviderView>> UpdateProviderAsync(Guid id, LlmProviderDraft draft, CancellationToken ct = default);

    /// <summary>Activates or deactivates a provider; one whose model is the default or the fallback stays active.</summary>
    Task<Result<LlmProviderView>> SetProviderActiveAsync(Guid id, bool active, CancellationToken ct = default);

    /// <summary>Deletes a provider and its models; refused while one of its models is the default or the fallback.</summary>
    Task<Result<bool>> DeleteProviderAsync(Guid id, CancellationToken ct = default);

    /// <summary>
    /// Reads the provider's <c>GET {base}/v1/models</c> (with its key, within <see cref="ChatModelAdminRules.ImportTimeoutSeconds"/>)
    /// and adds the models not registered yet. Existing models keep every admin setting; only their context size follows
    /// the server when it reports one. A failed call is an <see cref="ResultKind.Invalid"/> result with
    /// <see cref="ChatModelAdminRules.ImportFailed"/> or <see cref="ChatModelAdminRules.ImportTimeout"/> (field
    /// <see cref="ChatModelAdminRules.ImportField"/>), or a <c>Url.*</c> code on <c>BaseUrl</c>.
    /// </summary>
    Task<Result<ModelImportResult>> ImportModelsAsync(Guid providerId, CancellationToken ct = default);

    /// <summary>Every chat model with its provider's name, and which ones are the default and the fallback.</summary>
    Task<Result<ChatModelCatalog>> ListModelsAsync(CancellationToken ct = default);

    /// <summary>Changes a model's settings; the default or the fallback cannot be deactivated.</summary>
    Task<Result<ChatModelAdminView>> UpdateModelAsync(Guid id, ChatModelDraft draft, CancellationToken ct = default);

    /// <summary>
    /// Makes an active model (of an active provider) the one stars answer with, or clears it (<c>null</c>: the offline
    /// engine). It must differ from the fallback.
    /// </summary>
    Task<Result<ChatModelSelection>> SetDefaultModelAsync(Guid? modelId, CancellationToken ct = default);

    /// <summary>Makes an active model the one used when the default fails, or clears it; it must differ from the default.</summary>
    Task<Result<ChatModelSelection>> SetFallbackModelAsync(Guid? modelId, CancellationToken ct = default);
}

/// <summary>A provider as admins see it: everything but the API key.</summary>
/// <param name="Id">The provider's id.</param>
/// <param name="Name">Its unique name.</param>
/// <param name="BaseUrl">The server without <c>/v1</c>.</param>
/// <param name="HasApiKey">Whether a key is stored (it is never shown again).</param>
/// <param name="IsActive">Whether its models may be used.</param>
/// <param name="ModelCount">How many chat models it has.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record LlmProviderView(
    Guid Id,
    string Name,
    string BaseUrl,
    bool HasApiKey,
    bool IsActive,
    int ModelCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A chat model as admins see it, with its provider's name and its role in the platform.</summary>
/// <param name="Id">The row's id (what <c>system_configs</c> stores).</param>
/// <param name="ProviderId">The provider's id.</param>
/// <param name="ProviderName">The provider's name.</param>
/// <param name="ProviderIsActive">Whether the provider is active (an inactive provider's models are not used).</param>
/// <param name="ModelId">The provider's id of the model, e.g. <c>Qwen/Qwen2.5-7B-Instruct</c>.</param>
/// <param name="DisplayName">The name people see.</param>
/// <param name="Description">An optional description.</param>
/// <param name="MaxContextTokens">The context window in tokens.</param>
/// <param name="HasThinking">Whether the model emits a thinking process.</param>
/// <param name="DefaultParams">The JSON object of default request parameters.</param>
/// <param name="ServiceUrl">The model's own server, overriding the provider's base URL, if any.</param>
/// <param name="IsActive">Whether the model may be used.</param>
/// <param name="IsDefault">Whether <c>default_chat_model</c> names it.</param>
/// <param name="IsFallback">Whether <c>fallback_chat_model</c> names it.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record ChatModelAdminView(
    Guid Id,
    Guid ProviderId,
    string ProviderName,
    bool ProviderIsActive,
    string ModelId,
    string DisplayName,
    string? Description,
    int MaxContextTokens,
    bool HasThinking,
    string DefaultParams,
    string? ServiceUrl,
    bool IsActive,
    bool IsDefault,
    bool IsFallback,
    DateTimeOffset UpdatedAt,
    decimal PriceInPer1K = 0,
    decimal PriceOutPer1K = 0)
{
    /// <summary>Whether the model can be made the default or the fallback.</summary>
    public bool IsSelectable => IsActive && ProviderIsActive;
}

/// <summary>The models and the current selection.</summary>
/// <param name="Models">Every model, by provider then display name.</param>
/// <param name="Selection">What <c>system_configs</c> says (an id may name a model that no longer exists).</param>
public sealed record ChatModelCatalog(IReadOnlyList<ChatModelAdminView> Models, ChatModelSelection Selection);

/// <summary>The default and the fallback chat model; <c>null</c> means none (the offline engine answers).</summary>
/// <param name="DefaultModelId">The <c>chat_models.id</c> in <c>default_chat_model</c>.</param>
/// <param name="FallbackModelId">The <c>chat_models.id</c> in <c>fallback_chat_model</c>.</param>
public sealed record ChatModelSelection(Guid? DefaultModelId, Guid? FallbackModelId);

/// <summary>What an import did.</summary>
/// <param name="Listed">How many distinct models the server listed.</param>
/// <param name="Added">Models registered by this import.</param>
/// <param name="Updated">Existing models whose context size changed to the one the server reports.</param>
/// <param name="Skipped">Entries without a usable id (blank, or longer than <see cref="ChatModelAdminRules.ModelIdMax"/>).</param>
/// <param name="AddedModelIds">The ids of the models added, in the server's order.</param>
public sealed record ModelImportResult(int Listed, int Added, int Updated, int Skipped, IReadOnlyList<string> AddedModelIds);
