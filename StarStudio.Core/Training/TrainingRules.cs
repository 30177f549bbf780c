using System.Globalization;
using System.Text;
using System.Text.Json;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;

namespace StarStudio.Core.Training;

/// <summary>
/// Pure rules of a training job (docs/training.md): the order of the phases and the progress each one covers, the
/// checks on metrics a trainer reports, how a refusal is recognised, and how a trainer's error is made fit to show.
/// </summary>
public static class TrainingRules
{
    /// <summary>The phases in the order a job runs them.</summary>
    public static readonly IReadOnlyList<TrainingJobPhase> PhaseOrder =
        [TrainingJobPhase.Prepare, TrainingJobPhase.Train, TrainingJobPhase.Evaluate, TrainingJobPhase.Publish];

    /// <summary>Most metrics one report may carry.</summary>
    public const int MaxMetrics = 40;

    /// <summary>Most characters of a trainer's error shown on the job.</summary>
    public const int MaxErrorChars = 300;

    /// <summary>The progress (0–100) at which each phase starts; the next phase's start is where it ends.</summary>
    private static readonly short[] PhaseStart = [0, 10, 70, 95];

    /// <summary>The log phase name of <see cref="TrainingLogDocument.Phase"/> (seed 000 plus publish).</summary>
    public static string LogName(TrainingJobPhase phase) => phase switch
    {
        TrainingJobPhase.Prepare => TrainingPhases.Prepare,
        TrainingJobPhase.Train => TrainingPhases.Train,
        TrainingJobPhase.Evaluate => TrainingPhases.Evaluate,
        _ => TrainingPhases.Publish,
    };

    /// <summary>True when a job that reached <paramref name="reached"/> has finished <paramref name="phase"/> (phases never run backwards).</summary>
    public static bool IsPast(TrainingJobPhase? reached, TrainingJobPhase phase) => reached is { } r && r > phase;

    /// <summary>
    /// The job's progress when <paramref name="phase"/> is <paramref name="fraction"/> (0–1) done: prepare 0–10,
    /// train 10–70, evaluate 70–95, publish 95–100. Out-of-range fractions are clamped; never 100 before publish ends.
    /// </summary>
    public static short Progress(TrainingJobPhase phase, double fraction)
    {
        var i = (int)phase;
        var start = PhaseStart[i];
        var end = i + 1 < PhaseStart.Length ? PhaseStart[i + 1] : 100;
        var f = double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0;
        return (short)Math.Min(end, start + (int)Math.Floor((end - start) * f));
    }

    /// <summary>True for a job that can still change (queued or running).</summary>
    public static bool IsActive(TrainingJobStatus status) => status is TrainingJobStatus.Queued or TrainingJobStatus.Running;

    /// <summary>
    /// The declared range of a metric, by its name's last segment: shares and similarities (<c>*similarity</c>,
    /// <c>*_rate</c>, <c>*accuracy</c>, <c>*share</c>) are 0–1; losses and perplexities are 0–10⁶; counts
    /// (<c>*count</c>, <c>*_n</c>, <c>*steps</c>, <c>*tokens</c>) are 0–10⁹; anything else must be within ±10⁹.
    /// </summary>
    public static (double Min, double Max) RangeOf(string name)
    {
        var last = name[(name.LastIndexOf('.') + 1)..];
        if (last.EndsWith("similarity", StringComparison.Ordinal) || last.EndsWith("_rate", StringComparison.Ordinal) || last == "rate"
            || last.EndsWith("accuracy", StringComparison.Ordinal) || last.EndsWith("share", StringComparison.Ordinal))
        {
            return (0, 1);
        }

        if (last.Contains("loss", StringComparison.Ordinal) || last.Contains("perplexity", StringComparison.Ordinal))
        {
            return (0, 1e6);
        }

        if (last.EndsWith("count", StringComparison.Ordinal) || last.EndsWith("_n", StringComparison.Ordinal)
            || last.EndsWith("steps", StringComparison.Ordinal) || last.EndsWith("tokens", StringComparison.Ordinal))
        {
            return (0, 1e9);
        }

        return (-1e9, 1e9);
    }

    /// <summary>
    /// Reads a trainer's <c>metrics</c> object: every value a finite JSON number within <see cref="RangeOf"/>, every name
    /// 1–64 characters of <c>[a-z0-9_.]</c>, at most <see cref="MaxMetrics"/>. Null (garbage metrics) otherwise; an absent
    /// or <c>null</c> element is an empty set.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? ReadMetrics(JsonElement? metrics)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (metrics is not { } m || m.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (m.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in m.EnumerateObject())
        {
            if (result.Count >= MaxMetrics || !IsMetricName(p.Name) || p.Value.ValueKind != JsonValueKind.Number
                || !p.Value.TryGetDouble(out var value) || !IsValid(p.Name, value))
            {
                return null;
            }

            result[p.Name] = value;
        }

        return result;
    }

    /// <summary>True when <paramref name="value"/> is finite and within the metric's declared range.</summary>
    public static bool IsValid(string name, double value)
    {
        var (min, max) = RangeOf(name);
        return double.IsFinite(value) && value >= min && value <= max;
    }

    private static bool IsMetricName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '.');

    /// <summary>A trainer's own error text, fit to show an owner: control characters removed, whitespace collapsed, capped.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var sb = new StringBuilder(Math.Min(text.Length, MaxErrorChars + 1));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
            if (sb.Length >= MaxErrorChars)
            {
                sb.Append('…');
                break;
            }
        }

        return sb.ToString();
    }

    private static readonly string[] RefusalMarkers =
    [
        "无法回答", "不能回答", "无法提供", "不便回答", "无可奉告", "抱歉，我不", "抱歉,我不", "我不知道", "我不清楚", "不在我的知识范围",
        "没有找到相关", "没有相关资料", "i can't answer", "i cannot answer", "i can't help", "i cannot help", "i'm unable to",
        "i am unable to", "i don't know", "i do not know", "i'm not able to", "i am not able to", "i won't be able to",
    ];

    /// <summary>
    /// True when an answer declines: empty, or one of the refusal phrases (Chinese and English; docs/training.md) within its
    /// first 80 characters — a refusal says so at once, while a long answer that mentions "我不知道" in passing is not one.
    /// </summary>
    public static bool IsRefusal(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return true;
        }

        var head = answer.Trim();
        head = (head.Length > 80 ? head[..80] : head).Replace('’', '\'').ToLowerInvariant();
        return RefusalMarkers.Any(m => head.Contains(m, StringComparison.Ordinal));
    }

    /// <summary>The version name after the star's highest <c>v{n}</c>: <c>v1</c> for the first.</summary>
    public static string NextVersionName(IEnumerable<string> existing)
    {
        var max = 0;
        foreach (var name in existing)
        {
            if (name.Length > 1 && name[0] == 'v' && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                max = Math.Max(max, n);
            }
        }

        return $"v{max + 1}";
    }

    /// <summary>The object key of a job's mirrored log (seed 000 §5): <c>stars/{star}/jobs/{job}/training.log</c>.</summary>
    public static string LogKey(Guid starId, Guid jobId) => $"{ModelArtifacts.StarPrefix(starId)}jobs/{jobId:N}/training.log";

    /// <summary>The dataset file an external trainer gets for a method: DPO pairs for dpo, chat SFT lines for sft and qlora.</summary>
    public static string TrainingFile(TrainingMethod method, bool holdout) =>
        (method == TrainingMethod.Dpo ? "dpo" : "sft") + (holdout ? ".holdout.jsonl" : ".train.jsonl");
}
