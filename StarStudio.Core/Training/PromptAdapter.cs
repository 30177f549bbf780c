using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.Core.Training;

/// <summary>A question and the answer the star should give to questions like it; shown to the model as a worked example.</summary>
public sealed record PromptExemplar(string Question, string Answer);

/// <summary>
/// What the built-in trainer produces (docs/training.md): not weights, a <em>prompt adapter</em> — refined instructions
/// added to the star's system prompt, and the few-shot exemplars that best cover the held-out questions. Stored as
/// <c>adapter.json</c> in <c>model-artifacts</c>; the chat applies the active version's adapter to every answer.
/// </summary>
public sealed record PromptAdapter(string Instructions, IReadOnlyList<PromptExemplar> Exemplars)
{
    /// <summary>Most exemplars an adapter carries (they cost prompt tokens on every answer).</summary>
    public const int MaxExemplars = 8;

    /// <summary>Most characters of the instructions.</summary>
    public const int MaxInstructionsChars = 2000;

    /// <summary>Most characters of one exemplar's question or answer.</summary>
    public const int MaxExemplarChars = 1500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads an adapter, trimming it to the limits; null when the text is not an adapter.</summary>
    public static PromptAdapter? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var raw = JsonSerializer.Deserialize<PromptAdapter>(json, Json);
            if (raw is null)
            {
                return null;
            }

            var exemplars = (raw.Exemplars ?? [])
                .Where(e => e is not null && !string.IsNullOrWhiteSpace(e.Question) && !string.IsNullOrWhiteSpace(e.Answer))
                .Take(MaxExemplars)
                .Select(e => new PromptExemplar(Cap(e.Question, MaxExemplarChars), Cap(e.Answer, MaxExemplarChars)))
                .ToList();
            return new PromptAdapter(Cap(raw.Instructions ?? "", MaxInstructionsChars), exemplars);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Cap(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>
/// Where training files live in <c>model-artifacts</c> (docs/training.md), and the check that an artifact URI a trainer
/// returns is inside the bucket and under the star's own folder: a version can never point a star at another star's files
/// or at an object elsewhere.
/// </summary>
public static class ModelArtifacts
{
    public const string Scheme = "s3://";

    /// <summary>The folder of a star's files: <c>stars/{starId:N}/</c>.</summary>
    public static string StarPrefix(Guid starId) => $"stars/{starId:N}/";

    public static string DatasetFolder(Guid starId, Guid datasetId) => $"{StarPrefix(starId)}datasets/{datasetId:N}/";

    public static string VersionFolder(Guid starId, Guid versionId) => $"{StarPrefix(starId)}versions/{versionId:N}/";

    /// <summary>The URI of an object key in the bucket: <c>s3://model-artifacts/{key}</c>.</summary>
    public static string UriOf(string key) => $"{Scheme}{Storage.Buckets.ModelArtifacts}/{key}";

    /// <summary>
    /// The object key of <paramref name="uri"/> when it is <c>s3://model-artifacts/stars/{starId}/…</c> with no
    /// <c>..</c>, backslash, query or control character; null otherwise.
    /// </summary>
    public static string? KeyOf(string? uri, Guid starId)
    {
        var bucketPrefix = $"{Scheme}{Storage.Buckets.ModelArtifacts}/";
        if (string.IsNullOrEmpty(uri) || uri.Length > 1024 || !uri.StartsWith(bucketPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var key = uri[bucketPrefix.Length..];
        if (!key.StartsWith(StarPrefix(starId), StringComparison.Ordinal) || key.Length == StarPrefix(starId).Length
            || key.Contains("..", StringComparison.Ordinal) || key.Contains('\\') || key.Contains('?') || key.Contains('#')
            || key.Contains("//", StringComparison.Ordinal) || key.Any(char.IsControl))
        {
            return null;
        }

        return key;
    }
}
