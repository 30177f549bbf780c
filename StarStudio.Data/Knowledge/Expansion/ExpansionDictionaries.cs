using System.IO.Compression;
using System.Text;

namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>An English word of a Chinese headword's glosses' inverse: <see cref="Word"/> glosses it in its sense <see cref="Sense"/> (0 = first).</summary>
internal readonly record struct ChineseCandidate(string Word, int Sense);

/// <summary>What WordNet knows of a lemma: its parts of speech (n, v, a, r) and its synonyms in its most frequent senses.</summary>
internal sealed record WordNetEntry(string PartsOfSpeech, string[] Synonyms);

/// <summary>
/// The dictionaries query expansion reads, built by scripts/dictionaries.sh and embedded in this assembly (gzip'd TSV,
/// one key a line, tab-separated values; docs/query-expansion.md): CC-CEDICT both ways, WordNet's lemmas with
/// synonyms, and WordNet's exception lists (irregular forms). Read-only once loaded, so shared by every thread.
/// </summary>
internal sealed class ExpansionDictionaries
{
    public const string ResourcePrefix = "StarStudio.Expansion.";

    /// <summary>Simplified Chinese word → English glosses, the first sense's first.</summary>
    public required IReadOnlyDictionary<string, string[]> ChineseToEnglish { get; init; }

    /// <summary>English gloss (one to three words, lowercase) → Chinese words of two or more characters glossed so.</summary>
    public required IReadOnlyDictionary<string, ChineseCandidate[]> EnglishToChinese { get; init; }

    /// <summary>WordNet lemma (lowercase, words separated by one space) → parts of speech and synonyms.</summary>
    public required IReadOnlyDictionary<string, WordNetEntry> WordNet { get; init; }

    /// <summary>Irregular form → (part of speech, base) pairs ("went" → (v, "go")).</summary>
    public required IReadOnlyDictionary<string, (char Pos, string Base)[]> IrregularToBase { get; init; }

    /// <summary>Base → its irregular forms with their part of speech ("go" → (v, "went"), (v, "gone")).</summary>
    public required IReadOnlyDictionary<string, (char Pos, string Form)[]> BaseToIrregular { get; init; }

    /// <summary>Reads the four embedded files of <paramref name="assembly"/> (this one by default).</summary>
    public static ExpansionDictionaries LoadEmbedded(System.Reflection.Assembly? assembly = null)
    {
        assembly ??= typeof(ExpansionDictionaries).Assembly;
        Stream Open(string name) => assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The embedded dictionary {name} is missing from {assembly.GetName().Name} (StarStudio.Data.csproj embeds Knowledge/Expansion/Data/*.tsv.gz).");

        using var zhEn = Open("cedict-zh-en.tsv.gz");
        using var enZh = Open("cedict-en-zh.tsv.gz");
        using var wordNet = Open("wordnet.tsv.gz");
        using var exceptions = Open("wordnet-exceptions.tsv.gz");
        return Load(zhEn, enZh, wordNet, exceptions);
    }

    /// <summary>Reads the dictionaries from gzip'd TSV streams in the format scripts/dictionaries.sh writes.</summary>
    /// <exception cref="InvalidDataException">A line is not in that format (the line number says which).</exception>
    public static ExpansionDictionaries Load(Stream chineseToEnglish, Stream englishToChinese, Stream wordNet, Stream exceptions)
    {
        var zhEn = new Dictionary<string, string[]>(100_000, StringComparer.Ordinal);
        foreach (var (fields, _) in Lines(chineseToEnglish, "cedict-zh-en", minFields: 2))
        {
            zhEn[fields[0]] = Intern(fields[1..]);
        }

        var enZh = new Dictionary<string, ChineseCandidate[]>(80_000, StringComparer.Ordinal);
        foreach (var (fields, line) in Lines(englishToChinese, "cedict-en-zh", minFields: 2))
        {
            var candidates = new ChineseCandidate[fields.Length - 1];
            for (var i = 1; i < fields.Length; i++)
            {
                var colon = fields[i].LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(fields[i].AsSpan(colon + 1), out var sense))
                {
                    throw new InvalidDataException($"cedict-en-zh line {line}: '{fields[i]}' is not word:sense.");
                }

                candidates[i - 1] = new ChineseCandidate(fields[i][..colon], sense);
            }

            enZh[fields[0]] = candidates;
        }

        var wn = new Dictionary<string, WordNetEntry>(150_000, StringComparer.Ordinal);
        foreach (var (fields, line) in Lines(wordNet, "wordnet", minFields: 3))
        {
            if (fields[1].Length == 0 || fields[1].Any(c => c is not ('n' or 'v' or 'a' or 'r')))
            {
                throw new InvalidDataException($"wordnet line {line}: '{fields[1]}' is not a set of parts of speech.");
            }

            wn[fields[0]] = new WordNetEntry(string.Intern(fields[1]),
                fields[2].Length == 0 ? [] : Intern(fields[2].Split('|')));
        }

        var toBase = new Dictionary<string, List<(char, string)>>(StringComparer.Ordinal);
        var toForms = new Dictionary<string, List<(char, string)>>(StringComparer.Ordinal);
        foreach (var (fields, line) in Lines(exceptions, "wordnet-exceptions", minFields: 3))
        {
            if (fields[1].Length != 1 || fields[1][0] is not ('n' or 'v' or 'a' or 'r'))
            {
                throw new InvalidDataException($"wordnet-exceptions line {line}: '{fields[1]}' is not a part of speech.");
            }

            var pos = fields[1][0];
            Add(toBase, fields[0], (pos, fields[2]));
            Add(toForms, fields[2], (pos, fields[0]));
        }

        return new ExpansionDictionaries
        {
            // Plain dictionaries, never written after this: safe for concurrent readers, and a frozen dictionary of
            // 150,000 keys costs more to build (seconds) than it saves on a few dozen lookups a question.
            ChineseToEnglish = zhEn,
            EnglishToChinese = enZh,
            WordNet = wn,
            IrregularToBase = toBase.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
            BaseToIrregular = toForms.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
        };

        static void Add(Dictionary<string, List<(char, string)>> map, string key, (char, string) value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add(value);
        }
    }

    // Glosses and synonyms repeat across entries ("eat", "car"); one string each keeps the tables smaller.
    private static string[] Intern(string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = string.Intern(values[i]);
        }

        return values;
    }

    private static IEnumerable<(string[] Fields, int Line)> Lines(Stream gzip, string name, int minFields)
    {
        using var reader = new StreamReader(new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true), Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (text.Length == 0)
            {
                continue;
            }

            var fields = text.Split('\t');
            if (fields.Length < minFields || fields[0].Length == 0)
            {
                throw new InvalidDataException($"{name} line {number}: expected at least {minFields} tab-separated fields.");
            }

            yield return (fields, number);
        }
    }
}
