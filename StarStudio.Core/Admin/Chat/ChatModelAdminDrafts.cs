namespace StarStudio.Core.Admin.Chat;

/// <summary>What an admin types into the provider form; validated by <see cref="ChatModelAdminRules.ValidateProvider"/>.</summary>
public sealed class LlmProviderDraft
{
    /// <summary>A unique name, e.g. <c>vLLM 内网</c> or <c>DeepSeek</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The OpenAI-compatible server; a trailing <c>/v1</c> is removed (StarStudio adds it).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>
    /// A new API key in plain text, optional (Ollama and many vLLM servers need none). Blank on an update keeps the
    /// stored key; it is never read back, so a form for an existing provider starts with it blank.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>On an update with a blank <see cref="ApiKey"/>: remove the stored key instead of keeping it.</summary>
    public bool ClearApiKey { get; set; }

    /// <summary>A draft with a provider's current values and a blank API key.</summary>
    public static LlmProviderDraft From(LlmProviderView provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new() { Name = provider.Name, BaseUrl = provider.BaseUrl };
    }
}

/// <summary>What an admin changes of a chat model; validated by <see cref="ChatModelAdminRules.ValidateModel"/>.</summary>
public sealed class ChatModelDraft
{
    /// <summary>The name people see, at most <see cref="ChatModelAdminRules.DisplayNameMax"/> characters.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>An optional description.</summary>
    public string? Description { get; set; }

    /// <summary>The context window in tokens, <see cref="ChatModelAdminRules.ContextMin"/> to <see cref="ChatModelAdminRules.ContextMax"/>.</summary>
    public int MaxContextTokens { get; set; } = ChatModelAdminRules.ContextDefault;

    /// <summary>Whether the model emits a thinking process.</summary>
    public bool HasThinking { get; set; }

    /// <summary>A JSON object of default request parameters (temperature, top_p, max_tokens …); blank means <c>{}</c>.</summary>
    public string? DefaultParams { get; set; } = "{}";

    /// <summary>The model's own server, overriding the provider's base URL; blank uses the provider's.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Whether the model may be used.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>Price per 1,000 input tokens in CNY, charged to the star owner; 0 is free.</summary>
    public decimal PriceInPer1K { get; set; }

    /// <summary>Price per 1,000 output tokens in CNY; 0 is free.</summary>
    public decimal PriceOutPer1K { get; set; }

    /// <summary>A draft with a model's current values.</summary>
    public static ChatModelDraft From(ChatModelAdminView model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new()
        {
            DisplayName = model.DisplayName,
            Description = model.Description,
            MaxContextTokens = model.MaxContextTokens,
            HasThinking = model.HasThinking,
            DefaultParams = model.DefaultParams,
            ServiceUrl = model.ServiceUrl,
            IsActive = model.IsActive,
            PriceInPer1K = model.PriceInPer1K,
            PriceOutPer1K = model.PriceOutPer1K,
        };
    }
}
