using Microsoft.ML.Tokenizers;
using StarStudio.Core.Knowledge.Chunking;

namespace StarStudio.Data.Knowledge.Tokenization;

/// <summary>Counts tokens with OpenAI's <c>cl100k_base</c> encoding (Microsoft.ML.Tokenizers); thread-safe.</summary>
/// <remarks>The tokenizer (about 100k merge ranks) is loaded once per process, on first use, and shared by every
/// instance; register the class as a singleton or use <see cref="Instance"/>.</remarks>
public sealed class Cl100kTokenCounter : ITokenCounter
{
    public const string EncodingName = "cl100k_base";

    private static readonly Lazy<TiktokenTokenizer> Tokenizer =
        new(() => TiktokenTokenizer.CreateForEncoding(EncodingName), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared instance.</summary>
    public static Cl100kTokenCounter Instance { get; } = new();

    public int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : Tokenizer.Value.CountTokens(text);
}
