using System.IO.Compression;
using System.Text;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>
/// CC-CEDICT's character readings (<c>cedict-pinyin.tsv.gz</c>, built by scripts/dictionaries.sh and embedded in this
/// assembly: one character a line, its toneless syllables separated by <c>|</c>, the most used first) as the process's one
/// <see cref="PinyinTable"/>. 14,000 lines, loaded on first use in a few milliseconds; read-only afterwards.
/// </summary>
public static class PinyinReadings
{
    public const string ResourceName = ExpansionDictionaries.ResourcePrefix + "cedict-pinyin.tsv.gz";

    private static readonly Lazy<PinyinTable> SharedTable = new(() => LoadEmbedded(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The table of this assembly's embedded readings.</summary>
    public static PinyinTable Shared => SharedTable.Value;

    /// <summary>
    /// What a chunk's <c>search_text</c> holds: its words and bigrams (<see cref="SearchText.For"/>) and the pinyin bridge
    /// tokens of its Chinese bigrams (<see cref="PinyinTable.SearchTextFor"/>). The ingestion job and the retrieval
    /// benchmark both write this.
    /// </summary>
    public static string SearchTextFor(string? text) => Shared.SearchTextFor(text);

    public static PinyinTable LoadEmbedded(System.Reflection.Assembly? assembly = null)
    {
        assembly ??= typeof(PinyinReadings).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded pinyin table {ResourceName} is missing (StarStudio.Data.csproj embeds Knowledge/Expansion/Data/*.tsv.gz).");
        return Load(stream);
    }

    /// <summary>Reads the gzip'd TSV of scripts/dictionaries.sh.</summary>
    /// <exception cref="InvalidDataException">A line is not a character, a tab and syllables of a–z.</exception>
    public static PinyinTable Load(Stream gzip)
    {
        var readings = new Dictionary<int, string[]>(16_000);
        using var reader = new StreamReader(new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true), Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var syllables = tab > 0 ? line[(tab + 1)..].Split('|') : [];
            if (tab <= 0 || !Rune.TryGetRuneAt(line, 0, out var rune) || rune.Utf16SequenceLength != tab
                || syllables.Length == 0 || syllables.Any(s => s.Length == 0 || s.Any(c => c is < 'a' or > 'z')))
            {
                throw new InvalidDataException($"cedict-pinyin line {number}: expected a character, a tab and syllables separated by |.");
            }

            readings[rune.Value] = [.. syllables.Select(string.Intern)];
        }

        return new PinyinTable(readings);
    }
}
