using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.Core.Training;

/// <summary>One file of a dataset as the manifest lists it.</summary>
public sealed record DatasetFileEntry(string Name, string Kind, string Split, int Lines, string Sha256);

/// <summary><c>manifest.json</c> of a dataset folder (docs/training-datasets.md).</summary>
public sealed record DatasetManifest(
    Guid DatasetId,
    Guid StarId,
    DateTimeOffset CreatedAt,
    DatasetFilters Filters,
    DatasetCounts Counts,
    IReadOnlyList<DatasetFileEntry> Files,
    IReadOnlyList<string> Masking);

/// <summary>
/// The dataset file layout shared by the builder, the trainers and external trainers: six JSONL files (OpenAI chat for SFT,
/// TRL <c>prompt/chosen/rejected</c> for DPO, <c>question/answer/sources</c> for Q&amp;A) and <c>manifest.json</c>.
/// </summary>
public static class DatasetFiles
{
    public const string Manifest = "manifest.json";
    public const string SftTrain = "sft.train.jsonl";
    public const string SftHoldout = "sft.holdout.jsonl";
    public const string DpoTrain = "dpo.train.jsonl";
    public const string DpoHoldout = "dpo.holdout.jsonl";
    public const string QaTrain = "qa.train.jsonl";
    public const string QaHoldout = "qa.holdout.jsonl";

    /// <summary>What the masking did, in the manifest, so a trainer's operator knows what was removed.</summary>
    public static readonly IReadOnlyList<string> MaskingRules =
    [
        "email -> [邮箱]",
        "phone (mainland mobile with optional +86, landline with area code, international +CC with 8-15 digits) -> [电话]",
        "names: the player's user name, display name and e-mail local part, and self-introductions (我叫/我是/my name is/I'm) -> [姓名]",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly JsonSerializerOptions Line = new(Json) { WriteIndented = false };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    private sealed record SftLine(IReadOnlyList<DatasetMessage> Messages);

    /// <summary>The six files in a fixed order, each as UTF-8 JSONL with its kind and split.</summary>
    public static IReadOnlyList<(string Name, string Kind, string Split, byte[] Content, int Lines)> Write(TrainingData data) =>
    [
        File(SftTrain, "sft", "train", data.SftTrain.Select(e => new SftLine(e.Messages))),
        File(SftHoldout, "sft", "holdout", data.SftHoldout.Select(e => new SftLine(e.Messages))),
        File(DpoTrain, "dpo", "train", data.DpoTrain),
        File(DpoHoldout, "dpo", "holdout", data.DpoHoldout),
        File(QaTrain, "qa", "train", data.QaTrain),
        File(QaHoldout, "qa", "holdout", data.QaHoldout),
    ];

    private static (string, string, string, byte[], int) File<T>(string name, string kind, string split, IEnumerable<T> lines)
    {
        using var buffer = new MemoryStream();
        var count = 0;
        foreach (var line in lines)
        {
            JsonSerializer.Serialize(buffer, line, Line);
            buffer.WriteByte((byte)'\n');
            count++;
        }

        return (name, kind, split, buffer.ToArray(), count);
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] ManifestBytes(DatasetManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Indented);

    public static DatasetManifest? ParseManifest(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DatasetManifest>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads one JSONL file; blank lines are skipped, a line that does not parse throws <see cref="JsonException"/>.</summary>
    public static IReadOnlyList<SftExample> ParseSft(string text) =>
        Lines(text).Select(l => JsonSerializer.Deserialize<SftLine>(l, Json) ?? throw new JsonException("null SFT line"))
            .Select(l => new SftExample(l.Messages ?? throw new JsonException("SFT line without messages"))).ToList();

    public static IReadOnlyList<DpoExample> ParseDpo(string text) =>
        Lines(text).Select(l => JsonSerializer.Deserialize<DpoExample>(l, Json) ?? throw new JsonException("null DPO line")).ToList();

    public static IReadOnlyList<QaExample> ParseQa(string text) =>
        Lines(text).Select(l => JsonSerializer.Deserialize<QaExample>(l, Json) ?? throw new JsonException("null Q&A line"))
            .Select(q => q with { Sources = q.Sources ?? [] }).ToList();

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);

    /// <summary>UTF-8 text of a file's bytes.</summary>
    public static string Text(byte[] content) => Encoding.UTF8.GetString(content);

    /// <summary>The filters and counts as stored on the dataset row.</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Line);

    public static T? FromJson<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
