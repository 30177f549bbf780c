using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;
using StarStudio.Core.Common;

namespace StarStudio.Core.Arena;

/// <summary>A trial's answer schema that passed <see cref="AnswerSchemas.Accept"/>: safe to evaluate answers against.</summary>
public sealed class AcceptedSchema
{
    internal AcceptedSchema(string text, JsonSchema schema)
    {
        Text = text;
        Schema = schema;
    }

    /// <summary>The schema as the admin wrote it (stored in <c>star_trials.answer_schema</c>).</summary>
    public string Text { get; }

    internal JsonSchema Schema { get; }
}

/// <summary>One way an answer breaks its schema: where (a JSON pointer into the answer), which keyword, and why.</summary>
public sealed record AnswerError(string Pointer, string Keyword, string Message);

/// <summary>Answer-schema rules (issue 11): what a trial's schema may contain, and how answers are checked against it.</summary>
/// <remarks>
/// Acceptance is an allow-list: a keyword is accepted only when JsonSchema.Net honours it fully on the official
/// JSON-Schema-Test-Suite (the integration tests run every suite case whose schema this accepts). Everything else
/// (remote or anchor <c>$ref</c>, <c>$id</c>, <c>$dynamicRef</c>, vocabularies, content keywords, unknown keywords,
/// formats we cannot check) is refused when the trial is saved, never silently ignored when answers are judged.
/// </remarks>
public static class AnswerSchemas
{
    public const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Largest schema text (UTF-8 bytes); checked before any parsing.</summary>
    public const int MaxSchemaBytes = 256 * 1024;

    /// <summary>Deepest JSON nesting of a schema; the reader stops at this depth, so 10,000 levels cost nothing.</summary>
    public const int MaxSchemaDepth = 32;

    /// <summary>Largest answer (UTF-8 bytes).</summary>
    public const int MaxAnswerBytes = 512 * 1024;

    /// <summary>Deepest JSON nesting of an answer.</summary>
    public const int MaxAnswerDepth = 64;

    /// <summary>How many errors an answer reports at most; the rest are counted, not listed.</summary>
    public const int MaxReportedErrors = 100;

    public const string Field = "AnswerSchema";
    public const string TooLargeCode = "Arena.Schema.TooLarge";
    public const string TooDeepCode = "Arena.Schema.TooDeep";
    public const string NotJsonCode = "Arena.Schema.NotJson";
    public const string DuplicateKeyCode = "Arena.Schema.DuplicateKey";
    public const string DraftCode = "Arena.Schema.Draft";
    public const string KeywordCode = "Arena.Schema.Keyword";
    public const string RefCode = "Arena.Schema.Ref";
    public const string FormatCode = "Arena.Schema.Format";
    public const string InvalidCode = "Arena.Schema.Invalid";

    public const string AnswerTooLargeCode = "Arena.Answer.TooLarge";
    public const string AnswerTooDeepCode = "Arena.Answer.TooDeep";
    public const string AnswerNotJsonCode = "Arena.Answer.NotJson";
    public const string AnswerDuplicateKeyCode = "Arena.Answer.DuplicateKey";

    /// <summary>Keywords whose value is one subschema.</summary>
    private static readonly HashSet<string> SchemaKeywords =
    [
        "additionalProperties", "items", "contains", "not", "if", "then", "else", "propertyNames",
        "unevaluatedItems", "unevaluatedProperties",
    ];

    /// <summary>Keywords whose value is an array of subschemas.</summary>
    private static readonly HashSet<string> SchemaArrayKeywords = ["allOf", "anyOf", "oneOf", "prefixItems"];

    /// <summary>Keywords whose value is an object of subschemas.</summary>
    private static readonly HashSet<string> SchemaMapKeywords = ["properties", "patternProperties", "$defs", "dependentSchemas"];

    /// <summary>Keywords with a plain value (assertions and annotations), not descended into.</summary>
    private static readonly HashSet<string> ValueKeywords =
    [
        "$schema", "$ref", "$comment", "type", "enum", "const", "required", "dependentRequired",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems", "uniqueItems", "minContains", "maxContains", "minProperties", "maxProperties",
        "format", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
    ];

    /// <summary>Formats checked as assertions (RequireFormatValidation) whose optional suite files pass in full.</summary>
    public static readonly IReadOnlySet<string> Formats = new HashSet<string>(StringComparer.Ordinal)
    {
        "date", "time", "date-time", "email", "uuid", "ipv4",
    };

    /// <summary>Every keyword a trial schema may use.</summary>
    public static IEnumerable<string> Keywords => SchemaKeywords.Concat(SchemaArrayKeywords).Concat(SchemaMapKeywords).Concat(ValueKeywords);

    private static readonly Dialect ArenaDialect = Dialect.Draft202012.With(
        [new CodePointMaxLength(), new CodePointMinLength(), new LinearPattern(), new LinearPatternProperties()],
        Dialect.Draft202012.Id, null, false);

    // A root "$schema" picks its dialect from the registry, so ours is registered under the draft's id.
    private static readonly DialectRegistry Dialects = CreateDialects();

    private static DialectRegistry CreateDialects()
    {
        var registry = new DialectRegistry();
        registry.Register(ArenaDialect);
        return registry;
    }

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
        FormatRegistry = StrictFormats(),
    };

    private static readonly EvaluationOptions FlagEvaluation = new()
    {
        OutputFormat = OutputFormat.Flag,
        RequireFormatValidation = true,
        FormatRegistry = Evaluation.FormatRegistry,
    };

    /// <summary>
    /// date-time and uuid as the library checks them, except that a trailing newline fails: its regexes end in .NET's
    /// <c>$</c>, which also matches before a final "\n" (the suite's only failing cases of these two formats).
    /// </summary>
    private static FormatRegistry StrictFormats()
    {
        var registry = new FormatRegistry();
        foreach (var library in new[] { Json.Schema.Formats.DateTime, Json.Schema.Formats.Uuid })
        {
            registry.Register(new PredicateFormat(library.Key, (JsonElement e, out string? error) =>
            {
                error = null;
                if (e.ValueKind == JsonValueKind.String && e.GetString()!.EndsWith('\n'))
                {
                    error = $"Value does not match format \"{library.Key}\"";
                    return false;
                }

                return library.Validate(e, out error);
            }));
        }

        return registry;
    }

    /// <summary>Checks a schema when a trial is saved; on success the schema can validate answers.</summary>
    public static Result<AcceptedSchema> Accept(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Result<AcceptedSchema>.Invalid(Field, NotJsonCode, "empty");
        }

        // Length first: a char is at most 3 UTF-8 bytes, so most huge texts are refused without counting.
        if (text.Length > MaxSchemaBytes || Encoding.UTF8.GetByteCount(text) > MaxSchemaBytes)
        {
            return Result<AcceptedSchema>.Invalid(Field, TooLargeCode, MaxSchemaBytes / 1024);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxSchemaDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return Result<AcceptedSchema>.Invalid(ParseFailure(e, TooDeepCode, DuplicateKeyCode, NotJsonCode, MaxSchemaDepth));
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$schema", out var declared)
                && !(declared.ValueKind == JsonValueKind.String && declared.GetString() is Draft202012 or Draft202012 + "#"))
            {
                return Result<AcceptedSchema>.Invalid(Field, DraftCode, Draft202012);
            }

            var errors = new List<FieldError>();
            Walk(root, root, "", errors);
            if (errors.Count > 0)
            {
                return Result<AcceptedSchema>.Invalid(errors);
            }

            try
            {
                // A private registry per schema: nothing is fetched, and schemas of different trials never see each other.
                var schema = JsonSchema.Build(root.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = ArenaDialect, DialectRegistry = Dialects });
                return Result<AcceptedSchema>.Ok(new AcceptedSchema(text, schema));
            }
            catch (Exception e) when (e is JsonSchemaException or RefResolutionException or ArgumentException or JsonException or InvalidOperationException or FormatException or OverflowException)
            {
                return Result<AcceptedSchema>.Invalid(Field, InvalidCode, e.Message);
            }
        }
    }

    /// <summary>
    /// Validates an answer: parse errors (size, depth, duplicate keys, syntax) are refusals of the text; schema
    /// violations come back as a list of errors, empty when the answer is valid.
    /// </summary>
    public static Result<IReadOnlyList<AnswerError>> Validate(AcceptedSchema schema, string? answer)
    {
        const string field = "Answer";
        if (string.IsNullOrWhiteSpace(answer))
        {
            return Result<IReadOnlyList<AnswerError>>.Invalid(field, AnswerNotJsonCode, "empty");
        }

        if (answer.Length > MaxAnswerBytes || Encoding.UTF8.GetByteCount(answer) > MaxAnswerBytes)
        {
            return Result<IReadOnlyList<AnswerError>>.Invalid(field, AnswerTooLargeCode, MaxAnswerBytes / 1024);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(answer, new JsonDocumentOptions { MaxDepth = MaxAnswerDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var errors = ParseFailure(e, AnswerTooDeepCode, AnswerDuplicateKeyCode, AnswerNotJsonCode, MaxAnswerDepth);
            return Result<IReadOnlyList<AnswerError>>.Invalid(errors.Select(x => x with { Field = field }).ToList());
        }

        using (doc)
        {
            return Result<IReadOnlyList<AnswerError>>.Ok(Evaluate(schema, doc.RootElement));
        }
    }

    /// <summary>Schema violations of an already parsed answer (empty when valid).</summary>
    public static IReadOnlyList<AnswerError> Evaluate(AcceptedSchema schema, JsonElement answer)
    {
        // Most submitted answers are valid: the flag output stops at the first failure and builds no result tree; only
        // an invalid answer is evaluated again for the full list.
        if (schema.Schema.Evaluate(answer, FlagEvaluation).IsValid)
        {
            return [];
        }

        var results = schema.Schema.Evaluate(answer, Evaluation);
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<AnswerError>();
        foreach (var node in results.Details ?? [])
        {
            if (node.Errors is null)
            {
                continue;
            }

            foreach (var (keyword, message) in node.Errors)
            {
                if (errors.Count == MaxReportedErrors)
                {
                    return errors;
                }

                // A "false" subschema fails with no keyword of its own; name the keyword that holds it instead.
                var name = keyword.Length > 0 ? keyword : LastSegment(node.EvaluationPath.ToString());
                errors.Add(new AnswerError(node.InstanceLocation.ToString(), name, message));
            }
        }

        // The list output leaves out nothing it failed on; a failing root with no detail still says so.
        if (errors.Count == 0)
        {
            errors.Add(new AnswerError("", "schema", "The answer does not match the schema."));
        }

        return errors;
    }

    /// <summary>String length as JSON Schema counts it: Unicode code points (an emoji is one, a UTF-16 pair is not two).</summary>
    public static int CodePoints(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }

        return n;
    }

    private static string LastSegment(string pointer)
    {
        var segment = pointer[(pointer.LastIndexOf('/') + 1)..].Replace("~1", "/").Replace("~0", "~");
        return segment.Length > 0 ? segment : "false";
    }

    private static List<FieldError> ParseFailure(JsonException e, string tooDeep, string duplicate, string notJson, int depth)
    {
        // System.Text.Json words these failures in its messages only; the depth and duplicate cases get their own codes
        // so the page can say what to change.
        var message = e.Message;
        if (message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            return [new FieldError(Field, tooDeep, depth)];
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return [new FieldError(Field, duplicate, PathToPointer(e.Path))];
        }

        return [new FieldError(Field, notJson, $"line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}")];
    }

    private static string PathToPointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        return path.TrimStart('$').Replace("['", "/").Replace("']", "").Replace(".", "/").Replace("[", "/").Replace("]", "");
    }

    private static void Walk(JsonElement root, JsonElement schema, string pointer, List<FieldError> errors)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(Field, InvalidCode, $"{Show(pointer)}: a schema must be an object or a boolean"));
            return;
        }

        foreach (var p in schema.EnumerateObject())
        {
            var at = pointer + "/" + Escape(p.Name);
            if (p.Name == "$schema" && pointer.Length > 0)
            {
                // An embedded $schema switches dialect; only the root may declare it.
                errors.Add(new FieldError(Field, KeywordCode, p.Name, Show(at)));
            }
            else if (SchemaKeywords.Contains(p.Name))
            {
                Walk(root, p.Value, at, errors);
            }
            else if (SchemaArrayKeywords.Contains(p.Name))
            {
                if (p.Value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new FieldError(Field, InvalidCode, $"{Show(at)}: must be an array of schemas"));
                    continue;
                }

                var i = 0;
                foreach (var item in p.Value.EnumerateArray())
                {
                    Walk(root, item, $"{at}/{i++}", errors);
                }
            }
            else if (SchemaMapKeywords.Contains(p.Name))
            {
                if (p.Value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new FieldError(Field, InvalidCode, $"{Show(at)}: must be an object of schemas"));
                    continue;
                }

                foreach (var sub in p.Value.EnumerateObject())
                {
                    if (p.Name == "patternProperties" && !IsLinearRegex(sub.Name))
                    {
                        errors.Add(new FieldError(Field, KeywordCode, "patternProperties", Show(at + "/" + Escape(sub.Name))));
                    }

                    Walk(root, sub.Value, at + "/" + Escape(sub.Name), errors);
                }
            }
            else if (!ValueKeywords.Contains(p.Name))
            {
                errors.Add(new FieldError(Field, KeywordCode, p.Name, Show(at)));
            }
            else if (p.Name == "$ref")
            {
                CheckRef(root, p.Value, at, errors);
            }
            else if (p.Name == "format")
            {
                if (p.Value.ValueKind != JsonValueKind.String || !Formats.Contains(p.Value.GetString()!))
                {
                    errors.Add(new FieldError(Field, FormatCode, p.Value.ToString(), string.Join(", ", Formats.Order())));
                }
            }
            else if (p.Name == "pattern" && p.Value.ValueKind == JsonValueKind.String && !IsLinearRegex(p.Value.GetString()!))
            {
                errors.Add(new FieldError(Field, KeywordCode, "pattern", Show(at)));
            }
        }
    }

    private static void CheckRef(JsonElement root, JsonElement value, string at, List<FieldError> errors)
    {
        // Only pointers into this document: no network, no files, no anchors (whose $id scoping we do not accept).
        var target = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (!target.StartsWith('#') || (target.Length > 1 && target[1] != '/') || Resolve(root, target[1..]) is null)
        {
            errors.Add(new FieldError(Field, RefCode, target, Show(at)));
        }
    }

    private static JsonElement? Resolve(JsonElement root, string fragment)
    {
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(fragment);
        }
        catch (UriFormatException)
        {
            return null;
        }

        var current = root;
        if (decoded.Length == 0)
        {
            return current;
        }

        foreach (var raw in decoded[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var i) && i >= 0 && i < current.GetArrayLength())
            {
                current = current[i];
            }
            else
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False ? current : null;
    }

    /// <summary>
    /// Patterns run with <see cref="RegexOptions.NonBacktracking"/> (linear time on a 100 KB answer, no catastrophic
    /// backtracking), which refuses lookarounds and backreferences: such patterns are refused at save time.
    /// </summary>
    internal static bool IsLinearRegex(string pattern)
    {
        try
        {
            _ = CompileLinear(pattern);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    internal static Regex CompileLinear(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");

    private static string Show(string pointer) => pointer.Length == 0 ? "/" : pointer;

    private sealed class CodePointMaxLength : MaxLengthKeyword
    {
        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            if (context.Instance.ValueKind != JsonValueKind.String)
            {
                return KeywordEvaluation.Ignore;
            }

            var limit = Convert.ToInt64(keyword.Value, System.Globalization.CultureInfo.InvariantCulture);
            var length = CodePoints(context.Instance.GetString()!);
            return new KeywordEvaluation
            {
                Keyword = Name,
                IsValid = length <= limit,
                Error = length <= limit ? null : $"Value is {length} characters long, at most {limit} allowed",
            };
        }
    }

    private sealed class CodePointMinLength : MinLengthKeyword
    {
        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            if (context.Instance.ValueKind != JsonValueKind.String)
            {
                return KeywordEvaluation.Ignore;
            }

            var limit = Convert.ToInt64(keyword.Value, System.Globalization.CultureInfo.InvariantCulture);
            var length = CodePoints(context.Instance.GetString()!);
            return new KeywordEvaluation
            {
                Keyword = Name,
                IsValid = length >= limit,
                Error = length >= limit ? null : $"Value is {length} characters long, at least {limit} required",
            };
        }
    }

    private sealed class LinearPattern : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value)
        {
            _ = base.ValidateKeywordValue(value);
            return CompileLinear(value.GetString()!);
        }
    }

    private sealed class LinearPatternProperties : PatternPropertiesKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value)
        {
            _ = base.ValidateKeywordValue(value);
            return value.EnumerateObject().ToDictionary(p => p.Name, p => CompileLinear(p.Name));
        }
    }
}
