using JiebaNet.Segmenter;

namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>
/// Chinese word segmentation by jieba.NET (accurate mode with its HMM for words not in its dictionary).
/// <para>
/// jieba.NET 0.42.2 reads <c>dict.txt</c>, <c>prob_trans.json</c> and <c>prob_emit.json</c> from the directory
/// <c>ConfigManager.ConfigFileBaseDir</c> (by default <c>Resources/</c> under the app's base directory, or the appSetting
/// <c>JiebaConfigFileDir</c> of an app.config), and its package does not copy them anywhere; StarStudio.Data.csproj copies
/// them to <c>jieba/</c> next to the app, for builds, tests and publish (the Docker image) alike. The path is read once,
/// when jieba's static dictionary is first touched, so it is set here before that. A missing or unreadable dictionary is
/// not an error to jieba (it segments character by character), so <see cref="Load"/> checks that known words are known.
/// </para>
/// <para>Segmentation only reads jieba's static dictionary and model, so one instance serves every thread.</para>
/// </summary>
internal sealed class ChineseSegmenter
{
    /// <summary>Where the build puts jieba's files, relative to the app's base directory.</summary>
    public const string DefaultDirectory = "jieba";

    private static readonly Lock Gate = new();
    private static string? loadedFrom;

    private readonly JiebaSegmenter segmenter;

    private ChineseSegmenter(JiebaSegmenter segmenter) => this.segmenter = segmenter;

    /// <summary>
    /// Points jieba at <paramref name="directory"/> (default <see cref="DefaultDirectory"/> under
    /// <see cref="AppContext.BaseDirectory"/>) and loads its dictionary. jieba keeps one dictionary per process, so a
    /// second call must name the same directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">The files are missing, or jieba's dictionary came up empty.</exception>
    public static ChineseSegmenter Load(string? directory = null)
    {
        var dir = Path.GetFullPath(directory ?? Path.Combine(AppContext.BaseDirectory, DefaultDirectory));
        lock (Gate)
        {
            foreach (var file in new[] { "dict.txt", "prob_trans.json", "prob_emit.json" })
            {
                if (!File.Exists(Path.Combine(dir, file)))
                {
                    throw new InvalidOperationException(
                        $"jieba's {file} is not in {dir}. The build copies it from the jieba.NET package (StarStudio.Data.csproj); a publish or image without it cannot segment Chinese.");
                }
            }

            if (loadedFrom is not null && !string.Equals(loadedFrom, dir, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"jieba's dictionary was already loaded from {loadedFrom}; it cannot be loaded from {dir} as well.");
            }

            ConfigManager.ConfigFileBaseDir = dir;
            // Touching the segmenter type loads WordDictionary and the HMM model from the directory just set.
            var segmenter = new JiebaSegmenter();
            if (!WordDictionary.Instance.ContainsWord("中国") || !WordDictionary.Instance.ContainsWord("分词"))
            {
                throw new InvalidOperationException($"jieba's dictionary in {dir} did not load (it does not know 中国).");
            }

            loadedFrom = dir;
            return new ChineseSegmenter(segmenter);
        }
    }

    /// <summary>The words of <paramref name="text"/> in order, punctuation and spaces included as jieba returns them.</summary>
    public IEnumerable<string> Cut(string text) => segmenter.Cut(text, cutAll: false, hmm: true);

    /// <summary>
    /// The words of <paramref name="text"/> for an index: every word of <see cref="Cut"/> and, for long ones, the dictionary
    /// words inside them too (中华人民共和国 also gives 中华, 人民, 共和国), so a query's shorter word still matches.
    /// </summary>
    public IEnumerable<string> CutForSearch(string text) => segmenter.CutForSearch(text, hmm: true);

    /// <summary>How often jieba's dictionary saw <paramref name="word"/> (1 when it does not know it).</summary>
    public static int Frequency(string word) => WordDictionary.Instance.GetFreqOrDefault(word);
}
