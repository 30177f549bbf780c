using System.Globalization;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Security;

namespace StarStudio.Core.Market.Maker;

/// <summary>
/// What a skill draft must satisfy to be saved (and, again, to be submitted): lengths, category, one emoji, endpoint syntax,
/// schemas <see cref="AnswerSchemas"/> accepts (the input one an object), pricing, and examples valid against the input
/// schema. Pure; the endpoint's addresses are checked by the service with <see cref="UrlSafety.CheckAsync"/>.
/// </summary>
public static class SkillRules
{
    public const int NameMax = 80;
    public const int DescriptionMax = 4000;
    public const int ExamplesMax = 10;
    public const int QuestionMax = 200;
    public const decimal PriceMax = 10_000m;
    public const int PriceDecimals = 4;
    public const int AuthHeaderMax = 64;
    public const int AuthSecretMax = 1000;

    /// <summary>How many schema violations of one example's arguments are listed.</summary>
    public const int ExampleErrorsShown = 3;

    public const string DefaultInputSchema = """
        {
          "type": "object",
          "properties": {},
          "additionalProperties": false
        }
        """;

    public const string NameField = nameof(SkillDraft.Name);
    public const string DescriptionField = nameof(SkillDraft.Description);
    public const string DescriptionEnField = nameof(SkillDraft.DescriptionEn);
    public const string CategoryField = nameof(SkillDraft.Category);
    public const string IconField = nameof(SkillDraft.Icon);
    public const string EndpointField = nameof(SkillDraft.ApiEndpoint);
    public const string InputSchemaField = nameof(SkillDraft.InputSchema);
    public const string OutputSchemaField = nameof(SkillDraft.OutputSchema);
    public const string PriceField = nameof(SkillDraft.Price);
    public const string ExamplesField = nameof(SkillDraft.Examples);
    public const string AuthHeaderField = "AuthHeader";
    public const string AuthSecretField = "AuthSecret";

    /// <summary>Headers StarStudio sets itself or HTTP owns; a maker's secret header may not replace them.</summary>
    public static readonly IReadOnlySet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "Accept", "User-Agent", "Cookie",
        "StarStudio-Signature", "StarStudio-Request-Id",
    };

    /// <summary>The field name of example <paramref name="index"/>'s <paramref name="part"/> (Question or Arguments).</summary>
    public static string ExampleField(int index, string part) => $"{ExamplesField}[{index}].{part}";

    /// <summary>Every rule of a draft; an empty list when it may be saved.</summary>
    /// <param name="allowHttp">Plain http endpoints are accepted (only when private network URLs are allowed: local tests).</param>
    public static IReadOnlyList<FieldError> Validate(SkillDraft draft, bool allowHttp)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();

        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new(NameField, "Market.Skill.Name.Required"));
        }
        else if (name.Length > NameMax)
        {
            errors.Add(new(NameField, "Market.Skill.Name.TooLong", NameMax));
        }

        if ((draft.Description?.Trim().Length ?? 0) > DescriptionMax)
        {
            errors.Add(new(DescriptionField, "Market.Skill.Description.TooLong", DescriptionMax));
        }

        if ((draft.DescriptionEn?.Trim().Length ?? 0) > DescriptionMax)
        {
            errors.Add(new(DescriptionEnField, "Market.Skill.Description.TooLong", DescriptionMax));
        }

        if (!SkillCategories.All.Contains(draft.Category ?? ""))
        {
            errors.Add(new(CategoryField, "Market.Skill.Category.Unknown"));
        }

        if (!IsOneEmoji(draft.Icon))
        {
            errors.Add(new(IconField, "Market.Skill.Icon.Emoji"));
        }

        if (CheckEndpointSyntax(draft.ApiEndpoint, allowHttp) is { } endpointError)
        {
            errors.Add(new(EndpointField, endpointError));
        }

        var input = AcceptInputSchema(draft.InputSchema, errors);
        AcceptSchema(draft.OutputSchema, OutputSchemaField, errors);
        ValidatePrice(draft.PricingType, draft.Price, errors);
        ValidateExamples(draft.Examples ?? [], input, errors);
        return errors;
    }

    /// <summary>The syntax rules of an endpoint: an absolute URL without credentials, https (or http when allowed). Null when fine.</summary>
    public static string? CheckEndpointSyntax(string? url, bool allowHttp)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Market.Skill.Endpoint.Required";
        }

        var syntax = UrlSafety.CheckSyntax(url);
        if (!syntax.Ok)
        {
            return syntax.Code;
        }

        return syntax.Uri!.Scheme == Uri.UriSchemeHttps || allowHttp ? null : "Market.Skill.Endpoint.Https";
    }

    /// <summary>
    /// Whether <paramref name="icon"/> is exactly one user-perceived character (grapheme cluster) that is an emoji: a
    /// symbol (So) or a sequence starting with one (ZWJ families, skin tones, flags, keycaps with their emoji form).
    /// </summary>
    public static bool IsOneEmoji(string? icon)
    {
        if (string.IsNullOrEmpty(icon) || icon.Length > 16 || new StringInfo(icon).LengthInTextElements != 1)
        {
            return false;
        }

        var first = icon.EnumerateRunes().First();
        if (Rune.GetUnicodeCategory(first) == UnicodeCategory.OtherSymbol)
        {
            return true;
        }

        // Keycaps ("1️⃣", "#️⃣") start with a digit, '#' or '*' and carry U+20E3.
        return icon.Contains('\u20E3', StringComparison.Ordinal);
    }

    /// <summary>A header name a maker's secret can travel in: an HTTP token (RFC 9110 tchar), not one StarStudio sets.</summary>
    public static bool IsValidHeaderName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= AuthHeaderMax && name.All(IsTokenChar);

    /// <summary>The rules of a header secret (<see cref="AuthHeaderField"/>, <see cref="AuthSecretField"/>).</summary>
    public static IReadOnlyList<FieldError> ValidateHeaderSecret(string? header, string? secret)
    {
        var errors = new List<FieldError>();
        var name = header?.Trim() ?? "";
        if (!IsValidHeaderName(name))
        {
            errors.Add(new(AuthHeaderField, "Market.Skill.AuthHeader.Invalid", AuthHeaderMax));
        }
        else if (ReservedHeaders.Contains(name))
        {
            errors.Add(new(AuthHeaderField, "Market.Skill.AuthHeader.Reserved", name));
        }

        if (string.IsNullOrEmpty(secret))
        {
            errors.Add(new(AuthSecretField, "Market.Skill.AuthSecret.Required"));
        }
        else if (secret.Length > AuthSecretMax)
        {
            errors.Add(new(AuthSecretField, "Market.Skill.AuthSecret.TooLong", AuthSecretMax));
        }
        else if (secret.Any(c => char.IsControl(c)) || secret != secret.Trim())
        {
            // Header values cannot carry control characters; surrounding blanks would be trimmed by HTTP stacks.
            errors.Add(new(AuthSecretField, "Market.Skill.AuthSecret.Invalid"));
        }

        return errors;
    }

    /// <summary>Accepts an input schema: what <see cref="AnswerSchemas.Accept"/> accepts, and <c>"type": "object"</c>.</summary>
    public static AcceptedSchema? AcceptInputSchema(string? text, List<FieldError> errors)
    {
        var accepted = AcceptSchema(text, InputSchemaField, errors);
        if (accepted is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(text!);
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("type", out var type)
            || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            errors.Add(new(InputSchemaField, "Market.Skill.InputSchema.NotObject"));
            return null;
        }

        return accepted;
    }

    /// <summary>Accepts a schema, its refusals renamed to <paramref name="field"/> and to <c>Market.Schema.*</c> messages.</summary>
    public static AcceptedSchema? AcceptSchema(string? text, string field, List<FieldError> errors)
    {
        var result = AnswerSchemas.Accept(text);
        if (result.Succeeded)
        {
            return result.Value;
        }

        errors.AddRange(result.Errors.Select(e => new FieldError(field, SchemaCode(e.Code), e.Args)));
        return null;
    }

    /// <summary>The skill editor's wording of an answer-schema refusal code (same arguments).</summary>
    public static string SchemaCode(string arenaCode) =>
        arenaCode.StartsWith("Arena.Schema.", StringComparison.Ordinal) ? "Market.Schema." + arenaCode["Arena.Schema.".Length..] : arenaCode;

    /// <summary>Free costs nothing; subscription and usage cost more than 0 and at most 10,000 yuan, in at most 4 decimals.</summary>
    public static void ValidatePrice(SkillPricingType pricing, decimal price, List<FieldError> errors)
    {
        if (!Enum.IsDefined(pricing))
        {
            errors.Add(new(nameof(SkillDraft.PricingType), "Market.Skill.Pricing.Unknown"));
            return;
        }

        if (pricing == SkillPricingType.Free)
        {
            if (price != 0)
            {
                errors.Add(new(PriceField, "Market.Skill.Price.FreeNotZero"));
            }

            return;
        }

        if (price <= 0)
        {
            errors.Add(new(PriceField, "Market.Skill.Price.Positive"));
        }
        else if (price > PriceMax)
        {
            errors.Add(new(PriceField, "Market.Skill.Price.TooHigh", PriceMax));
        }
        else if (decimal.Round(price, PriceDecimals) != price)
        {
            errors.Add(new(PriceField, "Market.Skill.Price.Decimals", PriceDecimals));
        }
    }

    private static void ValidateExamples(List<SkillExample> examples, AcceptedSchema? input, List<FieldError> errors)
    {
        if (examples.Count > ExamplesMax)
        {
            errors.Add(new(ExamplesField, "Market.Skill.Examples.TooMany", ExamplesMax));
            return;
        }

        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            var question = e.Question?.Trim() ?? "";
            if (question.Length == 0 || question.Length > QuestionMax)
            {
                errors.Add(new(ExampleField(i, "Question"), "Market.Skill.Example.Question.Length", QuestionMax));
            }

            var field = ExampleField(i, "Arguments");
            if (input is null)
            {
                // Without an accepted input schema there is nothing to check against; the schema's errors say why.
                if (!IsJsonObject(e.Arguments))
                {
                    errors.Add(new(field, "Market.Skill.Example.Arguments.NotJson"));
                }

                continue;
            }

            var validation = AnswerSchemas.Validate(input, e.Arguments);
            if (!validation.Succeeded)
            {
                errors.Add(new(field, "Market.Skill.Example.Arguments.NotJson"));
                continue;
            }

            foreach (var error in validation.Value!.Take(ExampleErrorsShown))
            {
                errors.Add(new(field, "Market.Skill.Example.Arguments.Invalid", error.Pointer.Length == 0 ? "/" : error.Pointer, error.Message));
            }
        }
    }

    private static bool IsJsonObject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
