using System.Collections.Frozen;
using Npgsql;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// How common each indexed word is across all knowledge chunks (ANALYZE's sample of <c>star_embeddings.search_vector</c>:
/// the most common lexemes and the share of rows holding each), read through <c>knowledge_word_frequencies()</c> at most
/// once per <see cref="RefreshInterval"/> and shared by every search of the process. <c>knowledge_text_search</c> orders
/// a question's terms by these (rarest first) to choose the words its budgeted first tier searches; it used to read
/// them from <c>pg_stats</c> on each of a search's three calls, casting 1,000 lexemes through text each time (0.3–1 ms a
/// call; migration <c>KnowledgeWordFrequencies</c>, docs/performance.md).
/// </summary>
/// <remarks>
/// The statistics change only when PostgreSQL analyses the table (autovacuum, after a good share of rows changed), and
/// they only order terms, so a minute-old copy costs nothing in what a search finds. When a copy is due, one search
/// reads it inside its own transaction and the others keep using the old one meanwhile; only the first searches of
/// the process wait for it.
/// </remarks>
public sealed class WordFrequencies(TimeProvider? clock = null)
{
    /// <summary>How long a copy of the statistics is used before it is read again.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private Copy? current;
    private int refreshing;
    private int reads;

    private sealed record Copy(FrozenDictionary<string, float> Frequencies, DateTimeOffset ReadAt);

    /// <summary>How many times the statistics were read (for tests).</summary>
    public int Reads => Volatile.Read(ref reads);

    /// <summary>The frequencies, read on <paramref name="connection"/> when there is no copy or it is due.</summary>
    public async ValueTask<IReadOnlyDictionary<string, float>> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        var copy = Volatile.Read(ref current);
        if (copy is not null && clock.GetUtcNow() - copy.ReadAt < RefreshInterval)
        {
            return copy.Frequencies;
        }

        // Someone else is reading a new copy: the old one serves meanwhile.
        if (copy is not null && Interlocked.CompareExchange(ref refreshing, 1, 0) != 0)
        {
            return copy.Frequencies;
        }

        try
        {
            var read = new Dictionary<string, float>(StringComparer.Ordinal);
            await using var cmd = new NpgsqlCommand("SELECT term, freq FROM knowledge_word_frequencies()", connection, transaction);
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    read[reader.GetString(0)] = reader.GetFloat(1);
                }
            }

            var fresh = new Copy(read.ToFrozenDictionary(StringComparer.Ordinal), clock.GetUtcNow());
            Volatile.Write(ref current, fresh);
            Interlocked.Increment(ref reads);
            return fresh.Frequencies;
        }
        finally
        {
            if (copy is not null)
            {
                Volatile.Write(ref refreshing, 0);
            }
        }
    }

    /// <summary>
    /// Each of <paramref name="terms"/>' frequency, null for a word the statistics do not list (rarer than any they do),
    /// as <c>knowledge_text_search</c> takes them in <c>p_freqs</c>.
    /// </summary>
    public static float?[] For(IReadOnlyDictionary<string, float> frequencies, IReadOnlyList<string> terms)
    {
        var result = new float?[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            result[i] = frequencies.TryGetValue(terms[i], out var f) ? f : null;
        }

        return result;
    }
}
