using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarStudio.TestSupport.Eval;

/// <summary>A passage that answers a question: an exact substring of one document of the set.</summary>
public sealed record EvalGold(string Doc, string Span);

/// <summary>One question of <c>eval/questions.jsonl</c>.</summary>
public sealed record EvalQuestion(string Id, string Lang, string Kind, string Question, IReadOnlyList<EvalGold> Gold);

/// <summary>One Markdown document of the set; <see cref="Path"/> is relative to <c>eval/</c> (e.g. <c>zh/tea-pressing.md</c>).</summary>
public sealed record EvalDocument(string Path, string Text)
{
    /// <summary><c>zh</c> or <c>en</c>: the folder the document lives in.</summary>
    public string Lang => Path[..Path.IndexOf('/', StringComparison.Ordinal)];
}

/// <summary>The project's retrieval evaluation set (eval/README.md): documents and questions with gold spans.</summary>
public sealed class EvalSet
{
    public const string QuestionsFile = "questions.jsonl";

    public static readonly IReadOnlyList<string> Kinds = ["literal", "paraphrase", "crosslingual", "multi"];
    public static readonly IReadOnlyList<string> Languages = ["zh", "en"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public EvalSet(IReadOnlyList<EvalDocument> documents, IReadOnlyList<EvalQuestion> questions)
    {
        Documents = documents;
        Questions = questions;
    }

    public IReadOnlyList<EvalDocument> Documents { get; }
    public IReadOnlyList<EvalQuestion> Questions { get; }

    public EvalDocument Document(string path) => Documents.Single(d => d.Path == path);

    /// <summary>Reads the set from <paramref name="root"/> (the <c>eval</c> folder; <see cref="FindRoot"/> when null).</summary>
    public static EvalSet Load(string? root = null)
    {
        root ??= FindRoot();
        var documents = Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(f => !string.Equals(System.IO.Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
            .Select(f => new EvalDocument(System.IO.Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)))
            .OrderBy(d => d.Path, StringComparer.Ordinal)
            .ToList();
        var questions = File.ReadLines(System.IO.Path.Combine(root, QuestionsFile))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select((l, i) => JsonSerializer.Deserialize<EvalQuestion>(l, Json) ?? throw new InvalidDataException($"{QuestionsFile} line {i + 1} is null."))
            .ToList();
        return new EvalSet(documents, questions);
    }

    /// <summary>The <c>eval</c> folder of the repository: searched upwards from the working directory and from the binaries.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "eval");
                if (File.Exists(System.IO.Path.Combine(candidate, QuestionsFile)))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No eval/{QuestionsFile} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}.");
    }

    /// <summary>The given documents and the questions answered entirely from them.</summary>
    public EvalSet Slice(IEnumerable<string> documentPaths)
    {
        var keep = documentPaths.ToHashSet(StringComparer.Ordinal);
        return new EvalSet(
            [.. Documents.Where(d => keep.Contains(d.Path))],
            [.. Questions.Where(q => q.Gold.All(g => keep.Contains(g.Doc)))]);
    }

    /// <summary>Problems with the set itself: gold spans that are not exact substrings, unknown documents, kinds or languages.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var docs = Documents.ToDictionary(d => d.Path, StringComparer.Ordinal);
        foreach (var q in Questions)
        {
            if (!Kinds.Contains(q.Kind) || !Languages.Contains(q.Lang))
            {
                problems.Add($"{q.Id}: kind '{q.Kind}' or lang '{q.Lang}' unknown");
            }

            if (q.Gold.Count == 0 || (q.Kind == "multi" && q.Gold.Count < 2))
            {
                problems.Add($"{q.Id}: {q.Gold.Count} gold spans for a {q.Kind} question");
            }

            foreach (var g in q.Gold)
            {
                if (!docs.TryGetValue(g.Doc, out var doc))
                {
                    problems.Add($"{q.Id}: no document {g.Doc}");
                }
                else if (!doc.Text.Contains(g.Span, StringComparison.Ordinal))
                {
                    problems.Add($"{q.Id}: span not in {g.Doc}: {g.Span}");
                }
                else if (g.Span.Length is < 10 or > 200)
                {
                    problems.Add($"{q.Id}: span of {g.Span.Length} characters");
                }
            }

            if (q.Kind == "crosslingual" && q.Gold.Any(g => docs.TryGetValue(g.Doc, out var d) && d.Lang == q.Lang))
            {
                problems.Add($"{q.Id}: a crosslingual question in the language of its document");
            }
        }

        foreach (var dup in Questions.GroupBy(q => q.Id).Where(g => g.Count() > 1))
        {
            problems.Add($"{dup.Key}: id used {dup.Count()} times");
        }

        return problems;
    }
}
