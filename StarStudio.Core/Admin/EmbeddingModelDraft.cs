using StarStudio.Core.Knowledge;

namespace StarStudio.Core.Admin;

/// <summary>What an admin types into the embedding model form; validated by <see cref="EmbeddingModelRules"/>.</summary>
public sealed class EmbeddingModelDraft
{
    /// <summary>The name recorded on every vector the model makes; unique.</summary>
    public string Name { get; set; } = "";

    /// <summary><see cref="EmbeddingProviders.Local"/> or <see cref="EmbeddingProviders.OpenAi"/>.</summary>
    public string Provider { get; set; } = EmbeddingProviders.OpenAi;

    /// <summary>The vector length; one of <see cref="EmbeddingModel.SupportedDimensions"/>.</summary>
    public int Dimension { get; set; } = 1536;

    /// <summary>The longest input the model accepts, in tokens.</summary>
    public int MaxInputTokens { get; set; } = 8192;

    /// <summary>The OpenAI-compatible server (with or without <c>/v1</c>); openai models only.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// A new API key, in plain text. Blank on an update keeps the stored key; it is never read back, so a form
    /// for an existing model starts with it blank.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>A draft with a model's current values and a blank API key.</summary>
    public static EmbeddingModelDraft From(EmbeddingModelView model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new()
        {
            Name = model.Name,
            Provider = model.Provider,
            Dimension = model.Dimension,
            MaxInputTokens = model.MaxInputTokens,
            BaseUrl = model.BaseUrl,
        };
    }
}
