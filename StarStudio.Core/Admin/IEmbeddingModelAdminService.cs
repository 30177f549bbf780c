using StarStudio.Core.Common;

namespace StarStudio.Core.Admin;

/// <summary>
/// Admins' management of the embedding model registry (<c>embeddings_models</c>). Every call returns
/// <see cref="ResultKind.Forbidden"/> for anyone but an admin; the database refuses their writes as well.
/// </summary>
public interface IEmbeddingModelAdminService
{
    /// <summary>Every registered model, the default first, without API keys.</summary>
    Task<Result<IReadOnlyList<EmbeddingModelView>>> ListAsync(CancellationToken ct = default);

    /// <summary>Registers a model (inactive models are not offered; a new model is active and not the default).</summary>
    Task<Result<EmbeddingModelView>> CreateAsync(EmbeddingModelDraft draft, CancellationToken ct = default);

    /// <summary>Changes a model. A blank API key keeps the stored one; a model whose vectors exist keeps its name and dimension.</summary>
    Task<Result<EmbeddingModelView>> UpdateAsync(Guid id, EmbeddingModelDraft draft, CancellationToken ct = default);

    /// <summary>Makes an active model the one new knowledge is embedded with; the previous default stops being it.</summary>
    Task<Result<EmbeddingModelView>> SetDefaultAsync(Guid id, CancellationToken ct = default);

    /// <summary>Activates or deactivates a model; the default cannot be deactivated.</summary>
    Task<Result<EmbeddingModelView>> SetActiveAsync(Guid id, bool active, CancellationToken ct = default);

    /// <summary>Embeds a short bilingual text with the model and reports what came back, or why nothing did.</summary>
    Task<Result<EmbeddingModelTestResult>> TestAsync(Guid id, CancellationToken ct = default);
}

/// <summary>A registered embedding model as admins see it: everything but the API key.</summary>
public sealed record EmbeddingModelView(
    Guid Id,
    string Name,
    string Provider,
    int Dimension,
    int MaxInputTokens,
    string? BaseUrl,
    bool HasApiKey,
    bool IsActive,
    bool IsDefault,
    DateTimeOffset CreatedAt);

/// <summary>The outcome of <see cref="IEmbeddingModelAdminService.TestAsync"/>.</summary>
/// <param name="Succeeded">Whether a vector of the registered dimension came back.</param>
/// <param name="Dimension">The length of the vector that came back, if any did.</param>
/// <param name="Latency">How long the call took.</param>
/// <param name="ErrorCode">A resource key for the kind of failure (<c>Admin.EmbeddingModel.Test.*</c> or <c>Url.*</c>).</param>
/// <param name="Detail">The failure as the server or client described it (English, never containing the API key).</param>
public sealed record EmbeddingModelTestResult(bool Succeeded, int? Dimension, TimeSpan Latency, string? ErrorCode = null, string? Detail = null)
{
    /// <summary>The text every test embeds: Chinese and English, as the platform's content is.</summary>
    public const string Probe = "测试 test";

    public const string FailedCode = "Admin.EmbeddingModel.Test.Failed";
    public const string TimeoutCode = "Admin.EmbeddingModel.Test.Timeout";
    public const string DimensionMismatchCode = "Admin.EmbeddingModel.Test.DimensionMismatch";
}
