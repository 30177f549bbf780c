using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;

namespace StarStudio.Core.Admin;

/// <summary>
/// The rules of an embedding model as admins enter it. Codes are <c>Admin.EmbeddingModel.&lt;Field&gt;.&lt;Problem&gt;</c>,
/// plus the <c>Url.*</c> codes of <see cref="UrlSafety"/> on <c>BaseUrl</c>.
/// </summary>
public static class EmbeddingModelRules
{
    public const int NameMax = 100;
    public const int MaxInputTokensMin = 1;
    public const int MaxInputTokensMax = 32768;
    public const int BaseUrlMax = 2048;
    public const int ApiKeyMax = 4096;

    /// <summary>The providers a model can have, in the order the form offers them.</summary>
    public static readonly IReadOnlyList<string> Providers = [EmbeddingProviders.OpenAi, EmbeddingProviders.Local];

    public const string NameRequired = "Admin.EmbeddingModel.Name.Required";
    public const string NameTooLong = "Admin.EmbeddingModel.Name.TooLong";
    public const string NameTaken = "Admin.EmbeddingModel.Name.Taken";
    public const string NameInUse = "Admin.EmbeddingModel.Name.InUse";
    public const string ProviderInvalid = "Admin.EmbeddingModel.Provider.Invalid";
    public const string DimensionUnsupported = "Admin.EmbeddingModel.Dimension.Unsupported";
    public const string DimensionInUse = "Admin.EmbeddingModel.Dimension.InUse";
    public const string MaxInputTokensOutOfRange = "Admin.EmbeddingModel.MaxInputTokens.OutOfRange";
    public const string BaseUrlRequired = "Admin.EmbeddingModel.BaseUrl.Required";
    public const string BaseUrlTooLong = "Admin.EmbeddingModel.BaseUrl.TooLong";
    public const string ApiKeyRequired = "Admin.EmbeddingModel.ApiKey.Required";
    public const string ApiKeyTooLong = "Admin.EmbeddingModel.ApiKey.TooLong";
    public const string DefaultInactive = "Admin.EmbeddingModel.IsDefault.Inactive";
    public const string ActiveIsDefault = "Admin.EmbeddingModel.IsActive.IsDefault";

    /// <summary>
    /// The rules that need neither the database nor the network, all at once so a form can show them together.
    /// The URL's syntax is checked here; whether its host is public is checked by the service
    /// (<see cref="UrlSafety.CheckAsync"/>), and so is the name's uniqueness.
    /// </summary>
    /// <param name="draft">What the admin entered.</param>
    /// <param name="hasStoredApiKey">Whether the model already has a key (an update may leave the key blank then).</param>
    public static IReadOnlyList<FieldError> Validate(EmbeddingModelDraft draft, bool hasStoredApiKey)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new FieldError(nameof(EmbeddingModelDraft.Name), NameRequired));
        }
        else if (name.EnumerateRunes().Count() > NameMax)
        {
            errors.Add(new FieldError(nameof(EmbeddingModelDraft.Name), NameTooLong, NameMax));
        }

        var provider = NormalizeProvider(draft.Provider);
        if (!Providers.Contains(provider))
        {
            errors.Add(new FieldError(nameof(EmbeddingModelDraft.Provider), ProviderInvalid));
        }

        if (!EmbeddingModel.SupportedDimensions.Contains(draft.Dimension))
        {
            errors.Add(new FieldError(nameof(EmbeddingModelDraft.Dimension), DimensionUnsupported, string.Join(", ", EmbeddingModel.SupportedDimensions)));
        }

        if (draft.MaxInputTokens is < MaxInputTokensMin or > MaxInputTokensMax)
        {
            errors.Add(new FieldError(nameof(EmbeddingModelDraft.MaxInputTokens), MaxInputTokensOutOfRange, MaxInputTokensMin, MaxInputTokensMax));
        }

        if (provider == EmbeddingProviders.OpenAi)
        {
            var url = draft.BaseUrl?.Trim() ?? "";
            if (url.Length == 0)
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.BaseUrl), BaseUrlRequired));
            }
            else if (url.Length > BaseUrlMax)
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.BaseUrl), BaseUrlTooLong, BaseUrlMax));
            }
            else if (UrlSafety.CheckSyntax(url) is { Ok: false, Code: { } code })
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.BaseUrl), code));
            }

            var key = draft.ApiKey?.Trim() ?? "";
            if (key.Length == 0 && !hasStoredApiKey)
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.ApiKey), ApiKeyRequired));
            }
            else if (key.Length > ApiKeyMax)
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.ApiKey), ApiKeyTooLong, ApiKeyMax));
            }
        }

        return errors;
    }

    /// <summary>The provider as stored: trimmed and lower case.</summary>
    public static string NormalizeProvider(string? provider) => (provider ?? "").Trim().ToLowerInvariant();
}
