// Persona version diff benchmark (issue 14): two 20,000-character personas, Chinese, English and mixed, with realistic
// edits of 5 % and 30 % of the sentences and a full rewrite; target ≤ 50 ms per diff. Pure computation: the versions
// tab and the review queue call exactly PersonaDiff.Compute.
//
//   nice -n 15 dotnet run -c Release --project bench/StarStudio.Bench -- diff [--repeats 20 --chars 20000]
using System.Diagnostics;
using System.Text;
using StarStudio.Core.Stars;

namespace StarStudio.Bench.Diff;

/// <summary>The <c>diff</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- diff</c>): the statements of its former Program.cs.</summary>
internal static partial class DiffBench
{
    public static int Run(string[] args)
    {
        var repeats = Arg("--repeats", 20);
        var chars = Arg("--chars", 20_000);
        Console.WriteLine($"StarStudio persona diff benchmark — {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"{chars:N0}-character personas, {repeats} runs each after a warm-up; milliseconds.\n");
        Console.WriteLine("text     edit      old/new chars    median     p95     max   runs (eq/del/ins)  changed chars");

        var cases = new List<(string Language, string Edit, string Old, string New)>();
        foreach (var language in new[] { "chinese", "english", "mixed" })
        {
            foreach (var edit in new[] { "5%", "30%", "rewrite" })
            {
                var random = new Random(language.Length * 31 + edit.Length);
                var old = Persona(random, language, chars);
                var edited = edit switch
                {
                    "5%" => Edit(random, old, language, 0.05),
                    "30%" => Edit(random, old, language, 0.30),
                    _ => Persona(random, language, chars),
                };
                cases.Add((language, edit, old, edited));
            }
        }

        // Warm-up over every case, so that all of them are timed with the JIT's optimised code (the first cases would
        // otherwise pay for tier-0 code and on-stack replacement, which a long-running server pays once).
        for (var w = 0; w < 5; w++)
        {
            foreach (var c in cases)
            {
                _ = PersonaDiff.Compute(c.Old, c.New);
            }
        }

        var worst = 0.0;
        foreach (var (language, edit, old, edited) in cases)
        {
            var times = new List<double>();
            IReadOnlyList<DiffRun> runs = [];
            for (var r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                runs = PersonaDiff.Compute(old, edited);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            worst = Math.Max(worst, times[^1]);
            var changed = runs.Where(x => x.Op != DiffOp.Equal).Sum(x => x.Text.Length);
            var counts = $"{runs.Count(x => x.Op == DiffOp.Equal)}/{runs.Count(x => x.Op == DiffOp.Delete)}/{runs.Count(x => x.Op == DiffOp.Insert)}";
            Console.WriteLine($"{language,-8} {edit,-8} {old.Length,7:N0}/{edited.Length,-7:N0} {times[times.Count / 2],8:F2} {times[(int)(times.Count * 0.95)],7:F2} {times[^1],7:F2}   {counts,-17}  {changed,7:N0}");
        }

        Console.WriteLine($"\nworst single diff: {worst:F2} ms (target ≤ 50 ms)");
        return worst <= 50 ? 0 : 1;

        // Personas built from sentences of common words, so that (as in real text) frequent words and punctuation repeat and
        // the diff has many false candidate matches to wade through.
        static string Persona(Random random, string language, int length)
        {
            var text = new StringBuilder();
            while (text.Length < length)
            {
                text.Append(Sentence(random, language == "mixed" ? (random.Next(3) == 0 ? "english" : "chinese") : language));
                if (random.Next(8) == 0)
                {
                    text.Append('\n');
                }
            }

            return text.ToString(0, length);
        }

        static string Sentence(Random random, string language)
        {
            var words = random.Next(6, 18);
            var sentence = new StringBuilder();
            for (var i = 0; i < words; i++)
            {
                if (language == "english")
                {
                    sentence.Append(i == 0 ? "" : " ").Append(English[random.Next(English.Length)]);
                    if (i > 2 && i < words - 1 && random.Next(7) == 0)
                    {
                        sentence.Append(',');
                    }
                }
                else
                {
                    sentence.Append(Chinese[random.Next(Chinese.Length)]);
                    if (i > 2 && i < words - 1 && random.Next(5) == 0)
                    {
                        sentence.Append('，');
                    }
                }
            }

            return language == "english" ? sentence.Append(". ").ToString() : sentence.Append(random.Next(6) == 0 ? "！" : "。").ToString();
        }

        // An owner's edit: in the chosen share of sentences, replace, insert or drop a few words; now and then drop the
        // sentence or add a new one after it.
        static string Edit(Random random, string old, string language, double share)
        {
            var sentences = new List<string>();
            var start = 0;
            for (var i = 0; i < old.Length; i++)
            {
                if (old[i] is '。' or '！' or '\n' || (old[i] == '.' && i + 1 < old.Length && old[i + 1] == ' '))
                {
                    sentences.Add(old[start..(i + 1)]);
                    start = i + 1;
                }
            }

            sentences.Add(old[start..]);
            var result = new StringBuilder();
            foreach (var sentence in sentences)
            {
                if (random.NextDouble() >= share)
                {
                    result.Append(sentence);
                    continue;
                }

                var lang = language == "mixed" ? (sentence.Any(c => c > 0x2E80) ? "chinese" : "english") : language;
                switch (random.Next(10))
                {
                    case 0:
                        break; // dropped
                    case 1:
                        result.Append(sentence).Append(Sentence(random, lang));
                        break;
                    default:
                        var s = new StringBuilder(sentence);
                        for (var e = random.Next(1, 4); e > 0 && s.Length > 4; e--)
                        {
                            var at = random.Next(s.Length - 2);
                            var word = lang == "english" ? " " + English[random.Next(English.Length)] : Chinese[random.Next(Chinese.Length)];
                            switch (random.Next(3))
                            {
                                case 0: s.Insert(at, word); break;
                                case 1: s.Remove(at, Math.Min(word.Length, s.Length - at - 1)); break;
                                default: s.Remove(at, Math.Min(word.Length, s.Length - at - 1)).Insert(at, word); break;
                            }
                        }

                        result.Append(s);
                        break;
                }
            }

            return result.ToString();
        }

        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
        }
    }
}

internal static partial class DiffBench
{
    private static readonly string[] Chinese =
    [
        "她", "是", "一位", "古籍", "修复师", "的", "在", "了", "温和", "耐心", "地", "回答", "问题", "喜欢", "讲述", "历史", "故事",
        "纸张", "墨迹", "装帧", "用户", "如果", "不", "知道", "就", "会", "说", "我们", "可以", "一起", "看看", "这本", "书",
        "宋代", "明清", "刻本", "虫蛀", "水渍", "托裱", "补纸", "浆糊", "温度", "湿度", "保存", "建议", "注意", "避免", "阳光",
        "直射", "从不", "编造", "来源", "语气", "平静", "偶尔", "幽默", "引用", "典籍", "耐心", "细致", "和", "也", "都", "很",
    ];

    private static readonly string[] English =
    [
        "she", "is", "a", "restorer", "of", "old", "books", "the", "and", "to", "in", "answers", "questions", "patiently",
        "likes", "telling", "stories", "about", "paper", "ink", "binding", "if", "user", "asks", "something", "does", "not",
        "know", "says", "so", "we", "can", "look", "at", "this", "together", "Song", "dynasty", "woodblock", "prints",
        "worm", "damage", "water", "stains", "mounting", "temperature", "humidity", "storage", "never", "invents", "sources",
        "calm", "tone", "occasionally", "humorous", "quotes", "classics", "careful", "with", "it", "has", "been", "2024",
    ];
}
