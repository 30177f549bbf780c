using System.Text.Json;
using StarStudio.Core.Common;
using StarStudio.Core.Security;

namespace StarStudio.Core.Admin.Chat;

/// <summary>
/// The rules of providers and chat models as admins enter them. Codes are <c>Admin.Provider.*</c> and
/// <c>Admin.ChatModel.*</c>, plus the <c>Url.*</c> codes of <see cref="UrlSafety"/> on <c>BaseUrl</c> and <c>ServiceUrl</c>.
/// Whether a URL's host is public, and whether a name is taken, only the service can tell.
/// </summary>
public static class ChatModelAdminRules
{
    public const int NameMax = 80;
    public const int UrlMax = 2048;
    public const int ApiKeyMax = 4096;
    public const int ModelIdMax = 200;
    public const int DisplayNameMax = 120;
    public const int DescriptionMax = 1000;
    public const int DefaultParamsMax = 8000;
    public const int ContextMin = 256;
    public const int ContextMax = 2_000_000;

    /// <summary>The context size of a model whose server does not report one (seed 001).</summary>
    public const int ContextDefault = 4096;

    /// <summary>How long an import waits for <c>/v1/models</c>.</summary>
    public const int ImportTimeoutSeconds = 10;

    /// <summary>The field import failures are reported on.</summary>
    public const string ImportField = "Import";

    /// <summary>The field a default-model choice is reported on.</summary>
    public const string DefaultModelField = "DefaultModel";

    /// <summary>The field a fallback-model choice is reported on.</summary>
    public const string FallbackModelField = "FallbackModel";

    public const string NameRequired = "Admin.Provider.Name.Required";
    public const string NameTooLong = "Admin.Provider.Name.TooLong";
    public const string NameTaken = "Admin.Provider.Name.Taken";
    public const string BaseUrlRequired = "Admin.Provider.BaseUrl.Required";
    public const string BaseUrlTooLong = "Admin.Provider.BaseUrl.TooLong";
    public const string BaseUrlQuery = "Admin.Provider.BaseUrl.QueryNotAllowed";
    public const string ApiKeyTooLong = "Admin.Provider.ApiKey.TooLong";
    public const string ProviderActiveInUse = "Admin.Provider.IsActive.InUse";
    public const string ProviderDeleteInUse = "Admin.Provider.Delete.InUse";
    public const string ImportFailed = "Admin.Provider.Import.Failed";
    public const string ImportTimeout = "Admin.Provider.Import.Timeout";

    public const string DisplayNameRequired = "Admin.ChatModel.DisplayName.Required";
    public const string DisplayNameTooLong = "Admin.ChatModel.DisplayName.TooLong";
    public const string DescriptionTooLong = "Admin.ChatModel.Description.TooLong";
    public const string ContextOutOfRange = "Admin.ChatModel.MaxContextTokens.OutOfRange";
    public const string DefaultParamsInvalid = "Admin.ChatModel.DefaultParams.Invalid";
    public const string DefaultParamsTooLong = "Admin.ChatModel.DefaultParams.TooLong";
    public const string ServiceUrlTooLong = "Admin.ChatModel.ServiceUrl.TooLong";
    public const string ServiceUrlQuery = "Admin.ChatModel.ServiceUrl.QueryNotAllowed";
    public const string PriceInvalid = "Admin.ChatModel.Price.Invalid";

    /// <summary>The highest price per 1,000 tokens an admin may set (CNY).</summary>
    public const decimal PriceMax = 10_000m;

    public const string ModelActiveInUse = "Admin.ChatModel.IsActive.InUse";
    public const string SelectionSame = "Admin.ChatModel.Selection.Same";
    public const string SelectionInactive = "Admin.ChatModel.Selection.Inactive";

    /// <summary>
    /// The rules of a provider that need neither the database nor the network, all at once so a form can show them
    /// together. The base URL is checked as <see cref="NormalizeBaseUrl"/> leaves it.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateProvider(LlmProviderDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new FieldError(nameof(LlmProviderDraft.Name), NameRequired));
        }
        else if (name.Length > NameMax)
        {
            errors.Add(new FieldError(nameof(LlmProviderDraft.Name), NameTooLong, NameMax));
        }

        AddUrlErrors(errors, nameof(LlmProviderDraft.BaseUrl), draft.BaseUrl, required: true, BaseUrlTooLong, BaseUrlQuery);

        if ((draft.ApiKey?.Trim().Length ?? 0) > ApiKeyMax)
        {
            errors.Add(new FieldError(nameof(LlmProviderDraft.ApiKey), ApiKeyTooLong, ApiKeyMax));
        }

        return errors;
    }

    /// <summary>The rules of a chat model that need neither the database nor the network.</summary>
    public static IReadOnlyList<FieldError> ValidateModel(ChatModelDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        var name = draft.DisplayName?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.DisplayName), DisplayNameRequired));
        }
        else if (name.Length > DisplayNameMax)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.DisplayName), DisplayNameTooLong, DisplayNameMax));
        }

        if ((draft.Description?.Trim().Length ?? 0) > DescriptionMax)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.Description), DescriptionTooLong, DescriptionMax));
        }

        if (draft.MaxContextTokens is < ContextMin or > ContextMax)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.MaxContextTokens), ContextOutOfRange, ContextMin, ContextMax));
        }

        var paramsText = draft.DefaultParams?.Trim() ?? "";
        if (paramsText.Length > DefaultParamsMax)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.DefaultParams), DefaultParamsTooLong, DefaultParamsMax));
        }
        else if (NormalizeDefaultParams(draft.DefaultParams) is null)
        {
            errors.Add(new FieldError(nameof(ChatModelDraft.DefaultParams), DefaultParamsInvalid));
        }

        AddUrlErrors(errors, nameof(ChatModelDraft.ServiceUrl), draft.ServiceUrl, required: false, ServiceUrlTooLong, ServiceUrlQuery);
        foreach (var (field, price) in new[] { (nameof(ChatModelDraft.PriceInPer1K), draft.PriceInPer1K), (nameof(ChatModelDraft.PriceOutPer1K), draft.PriceOutPer1K) })
        {
            // numeric(18,6): six decimals at most.
            if (price < 0 || price > PriceMax || decimal.Round(price, 6) != price)
            {
                errors.Add(new FieldError(field, PriceInvalid, PriceMax));
            }
        }

        return errors;
    }

    /// <summary>
    /// A base URL as stored: trimmed, without trailing slashes and without a trailing <c>/v1</c>
    /// (<c>http://vllm:8000/v1/</c> becomes <c>http://vllm:8000</c>); blank stays blank.
    /// </summary>
    public static string NormalizeBaseUrl(string? url)
    {
        var text = (url ?? "").Trim().TrimEnd('/');
        if (text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3].TrimEnd('/');
        }

        return text;
    }

    /// <summary>
    /// The default parameters as stored when they are a JSON object (blank means <c>{}</c>), else <c>null</c>.
    /// PostgreSQL's <c>jsonb</c> refuses the <c>\u0000</c> escape, so it counts as invalid too.
    /// </summary>
    public static string? NormalizeDefaultParams(string? json)
    {
        var text = json?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "{}";
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && !text.Contains("\\u0000", StringComparison.OrdinalIgnoreCase)
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A context size a server reported, brought into the range the schema allows.</summary>
    public static int ClampContext(long tokens) => (int)Math.Clamp(tokens, ContextMin, ContextMax);

    private static void AddUrlErrors(List<FieldError> errors, string field, string? url, bool required, string tooLong, string query)
    {
        var text = NormalizeBaseUrl(url);
        if (text.Length == 0)
        {
            if (required)
            {
                errors.Add(new FieldError(field, BaseUrlRequired));
            }

            return;
        }

        if (text.Length > UrlMax)
        {
            errors.Add(new FieldError(field, tooLong, UrlMax));
            return;
        }

        var check = UrlSafety.CheckSyntax(text);
        if (!check.Ok)
        {
            errors.Add(new FieldError(field, check.Code!));
        }
        else if (check.Uri!.Query.Length > 0 || check.Uri.Fragment.Length > 0 || text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            errors.Add(new FieldError(field, query));
        }
    }
}

/// <summary>The <c>system_configs</c> keys of the chat model selection and their JSON form (a string id, or <c>null</c>).</summary>
public static class ChatModelConfigKeys
{
    /// <summary>The model stars answer with; <c>null</c> means the offline engine.</summary>
    public const string DefaultChatModel = "default_chat_model";

    /// <summary>The model used when the default fails; <c>null</c> means none.</summary>
    public const string FallbackChatModel = "fallback_chat_model";

    /// <summary>The JSON value stored for <paramref name="modelId"/>: <c>"&lt;id&gt;"</c> or <c>null</c>.</summary>
    public static string ToJson(Guid? modelId) => modelId is { } id ? JsonSerializer.Serialize(id.ToString()) : "null";

    /// <summary>The model id in a stored JSON value, or <c>null</c> for <c>null</c>, a missing row or anything unreadable.</summary>
    public static Guid? ParseJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.String && Guid.TryParse(doc.RootElement.GetString(), out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
