using System.Buffers;
using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Embeddings;

/// <summary>
/// The built-in embedding model (<c>local</c> provider): feature hashing of lowercased words, Latin
/// character trigrams, and CJK character unigrams and bigrams into <see cref="Dimension"/> signed buckets,
/// weighted by <c>1 + ln(tf)</c> and L2-normalised. It needs no network and no weights, is deterministic
/// across processes and machines (its hash is fixed, not <see cref="string.GetHashCode()"/>), and is
/// good enough to find passages that share vocabulary with a question, in Chinese as well as English.
/// </summary>
/// <remarks>
/// Thread-safe; per-thread scratch tables keep the hot loop free of allocations. Text with no features
/// (empty, only punctuation) embeds as the zero vector, which cosine search cannot rank; callers skip it.
/// </remarks>
public sealed class LocalHashingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string DefaultModelName = "local-hash-384";
    public const int DefaultDimension = 384;

    // Feature kinds are hashed with different seeds, so a word and a trigram that spell the same never share a key.
    private const uint WordSeed = 0x9E3779B1;
    private const uint TrigramSeed = 0x85EBCA77;
    private const uint CjkUnigramSeed = 0xC2B2AE3D;
    private const uint CjkBigramSeed = 0x27D4EB2F;

    // Relative weights: whole words and CJK bigrams carry the meaning; trigrams and unigrams add recall for
    // inflections ("binding"/"bindings") and for single-character words (纸, 墨) without drowning the rest.
    private const float WordWeight = 1f;
    private const float TrigramWeight = 0.25f;
    private const float CjkUnigramWeight = 0.4f;
    private const float CjkBigramWeight = 1f;

    // Word tokens are lowercased into a stack buffer; longer ones are not words (SearchText drops them too).
    private const int MaxWordLength = SearchText.MaxTokenLength;

    private const int SmallTableCapacity = 1 << 14;

    [ThreadStatic]
    private static FeatureTable? threadTable;

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWords =
        SearchText.StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    public LocalHashingEmbedder(string modelName = DefaultModelName, int dimension = DefaultDimension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 8);
        ModelName = modelName;
        Dimension = dimension;
        Metadata = new EmbeddingGeneratorMetadata(EmbeddingProviders.Local, providerUri: null, modelName, dimension);
    }

    /// <summary>A generator for a registered model of the <c>local</c> provider.</summary>
    public LocalHashingEmbedder(EmbeddingModel model)
        : this(model.Name, model.Dimension)
    {
    }

    public string ModelName { get; }

    public int Dimension { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimension)
        {
            throw new ArgumentException($"Model '{ModelName}' makes {Dimension}-dimensional vectors, not {requested}.", nameof(options));
        }

        var now = DateTimeOffset.UtcNow;
        var result = values is ICollection<string> c ? new GeneratedEmbeddings<Embedding<float>>(c.Count) : [];
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelName, CreatedAt = now });
        }

        return Task.FromResult(result);
    }

    /// <summary>The embedding of <paramref name="text"/> as a new array.</summary>
    public float[] Embed(string? text)
    {
        var vector = new float[Dimension];
        Embed(text.AsSpan(), vector);
        return vector;
    }

    /// <summary>Writes the embedding of <paramref name="text"/> into <paramref name="destination"/> (length <see cref="Dimension"/>).</summary>
    public void Embed(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"The destination must hold {Dimension} values.", nameof(destination));
        }

        destination.Clear();
        if (text.IsEmpty)
        {
            return;
        }

        // Upper bound of distinct features: per char at most one word start, one trigram, one CJK unigram and bigram.
        var capacity = (int)Math.Min(1u << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, text.Length * 4 + 8)));
        FeatureTable table;
        var pooled = capacity > SmallTableCapacity;
        if (pooled)
        {
            table = new FeatureTable(capacity, pooled: true);
        }
        else
        {
            table = threadTable ??= new FeatureTable(SmallTableCapacity, pooled: false);
            table.UseCapacity(capacity);
        }

        try
        {
            Extract(text, table);
            table.Drain(destination);
        }
        finally
        {
            if (pooled)
            {
                table.Return();
            }
        }

        Normalize(destination);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private static void Extract(ReadOnlySpan<char> text, FeatureTable table)
    {
        Span<char> word = stackalloc char[MaxWordLength + 2];
        Span<char> pair = stackalloc char[2];
        var wordLength = 0;
        var wordTooLong = false;
        var previousCjk = -1;
        var i = 0;
        while (i < text.Length)
        {
            int cp = text[i];
            var width = 1;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                width = 2;
            }

            i += width;
            cp = SearchText.FoldWidth(cp);

            // ASCII letters and digits: the fast path for most of the text.
            if (cp < 0x80)
            {
                var lower = cp | 0x20;
                if ((uint)(lower - 'a') <= 'z' - 'a' || (uint)(cp - '0') <= 9)
                {
                    previousCjk = -1;
                    AppendWordChar(word, ref wordLength, ref wordTooLong, (char)((uint)(cp - '0') <= 9 ? cp : lower));
                    continue;
                }

                FlushWord(word, ref wordLength, ref wordTooLong, table);
                previousCjk = -1;
                continue;
            }

            if (SearchText.IsCjk(cp))
            {
                FlushWord(word, ref wordLength, ref wordTooLong, table);
                if (!IsCjkStopChar(cp))
                {
                    table.Add(Mix(CjkUnigramSeed ^ ((uint)cp * 0xCC9E2D51)), CjkUnigramWeight);
                }

                if (previousCjk >= 0)
                {
                    table.Add(Mix(CjkBigramSeed ^ ((uint)previousCjk * 0xCC9E2D51) ^ (((uint)cp * 0x1B873593) << 1)), CjkBigramWeight);
                }

                previousCjk = cp;
                continue;
            }

            var rune = new Rune(cp);
            if (Rune.IsLetterOrDigit(rune) || (wordLength > 0 && IsMark(rune)))
            {
                previousCjk = -1;
                var lowerRune = Rune.ToLowerInvariant(rune);
                if (lowerRune.IsBmp)
                {
                    AppendWordChar(word, ref wordLength, ref wordTooLong, (char)lowerRune.Value);
                }
                else
                {
                    lowerRune.EncodeToUtf16(pair);
                    AppendWordChar(word, ref wordLength, ref wordTooLong, pair[0]);
                    AppendWordChar(word, ref wordLength, ref wordTooLong, pair[1]);
                }

                continue;
            }

            FlushWord(word, ref wordLength, ref wordTooLong, table);
            previousCjk = -1;
        }

        FlushWord(word, ref wordLength, ref wordTooLong, table);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AppendWordChar(Span<char> word, ref int length, ref bool tooLong, char c)
    {
        if (length < MaxWordLength)
        {
            word[length++] = c;
        }
        else
        {
            tooLong = true;
        }
    }

    private static void FlushWord(Span<char> word, ref int length, ref bool tooLong, FeatureTable table)
    {
        if (length == 0)
        {
            return;
        }

        var w = word[..length];
        if (!tooLong && !StopWords.Contains(w))
        {
            table.Add(HashChars(WordSeed, w), WordWeight);

            // Trigrams over the word with boundary marks ("^bo", "boo", ..., "ks$"); short words are covered by the word itself.
            if (w.Length >= 4)
            {
                ulong a = '^';
                ulong b = w[0];
                for (var j = 1; j <= w.Length; j++)
                {
                    ulong c = j < w.Length ? w[j] : '$';
                    table.Add(Mix64(TrigramSeed, a | (b << 16) | (c << 32)), TrigramWeight);
                    a = b;
                    b = c;
                }
            }
        }

        length = 0;
        tooLong = false;
    }

    private static bool IsMark(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    // Function characters whose unigram says nothing about a passage's topic (their bigrams still count).
    private static bool IsCjkStopChar(int cp) => cp is '的' or '了' or '是' or '在' or '和' or '与' or '及' or '也' or '而'
        or '就' or '都' or '把' or '被' or '于' or '或' or '等' or '这' or '那' or '吗' or '呢' or '吧' or '啊' or '之' or '其' or '个';

    /// <summary>FNV-1a over UTF-16 code units, finished with a murmur3 mix so that every output bit depends on every input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashChars(uint seed, ReadOnlySpan<char> chars)
    {
        var h = 2166136261u ^ seed;
        foreach (var c in chars)
        {
            h = (h ^ c) * 16777619u;
        }

        return Mix(h ^ (uint)chars.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h == 0 ? 1u : h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix64(uint seed, ulong v)
    {
        v ^= seed;
        v ^= v >> 33;
        v *= 0xFF51AFD7ED558CCDUL;
        v ^= v >> 33;
        v *= 0xC4CEB9FE1A85EC53UL;
        v ^= v >> 33;
        var h = (uint)v;
        return h == 0 ? 1u : h;
    }

    private static void Normalize(Span<float> v)
    {
        var sum = 0.0;
        foreach (var x in v)
        {
            sum += x * x;
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = (float)(1.0 / Math.Sqrt(sum));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }
    }

    /// <summary>Open-addressing counts per feature hash; only the slots used are visited and cleared again.</summary>
    private sealed class FeatureTable
    {
        private uint[] keys;
        private int[] counts;
        private float[] weights;
        private int[] used;
        private readonly bool pooled;
        private int mask;
        private int usedCount;

        public FeatureTable(int capacity, bool pooled)
        {
            this.pooled = pooled;
            if (pooled)
            {
                keys = ArrayPool<uint>.Shared.Rent(capacity);
                counts = ArrayPool<int>.Shared.Rent(capacity);
                weights = ArrayPool<float>.Shared.Rent(capacity);
                used = ArrayPool<int>.Shared.Rent(capacity);
                Array.Clear(keys, 0, capacity);
            }
            else
            {
                keys = new uint[capacity];
                counts = new int[capacity];
                weights = new float[capacity];
                used = new int[capacity];
            }

            mask = capacity - 1;
        }

        /// <summary>Uses the first <paramref name="capacity"/> slots (a power of two no larger than the arrays).</summary>
        public void UseCapacity(int capacity) => mask = capacity - 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(uint key, float weight)
        {
            var slot = (int)(key & (uint)mask);
            while (true)
            {
                var k = keys[slot];
                if (k == key)
                {
                    counts[slot]++;
                    return;
                }

                if (k == 0)
                {
                    keys[slot] = key;
                    counts[slot] = 1;
                    weights[slot] = weight;
                    used[usedCount++] = slot;
                    return;
                }

                slot = (slot + 1) & mask;
            }
        }

        /// <summary>Adds every feature into its signed bucket of <paramref name="destination"/> and empties the table.</summary>
        public void Drain(Span<float> destination)
        {
            var dim = (uint)destination.Length;
            for (var i = 0; i < usedCount; i++)
            {
                var slot = used[i];
                var key = keys[slot];
                var tf = counts[slot];
                var value = weights[slot] * (tf == 1 ? 1f : 1f + MathF.Log(tf));
                // High bits pick the bucket (multiply-shift), the lowest bit the sign.
                var bucket = (int)(((ulong)(key >> 1) * dim) >> 31);
                destination[bucket] += (key & 1) == 0 ? value : -value;
                keys[slot] = 0;
            }

            usedCount = 0;
        }

        public void Return()
        {
            if (!pooled)
            {
                return;
            }

            ArrayPool<uint>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<int>.Shared.Return(used);
            keys = [];
            counts = [];
            weights = [];
            used = [];
        }
    }
}
