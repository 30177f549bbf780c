using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>Which rows of <c>star_embeddings</c> a search may return.</summary>
/// <param name="Model">The embedding model name; vector search only compares vectors of this model.</param>
/// <param name="Dimension">Its dimension: one of <see cref="EmbeddingModel.SupportedDimensions"/>, each with its own partial HNSW index.</param>
public sealed record KnowledgeSearchScope(Guid StarId, string Model, int Dimension)
{
    public Guid? TaskId { get; init; }
    public string? SourceName { get; init; }
    public string? Tag { get; init; }
}

/// <summary>A row found by vector search and its cosine distance to the question.</summary>
public readonly record struct VectorHit(Guid Id, double Distance);

/// <summary>A row found by full-text search and its <c>ts_rank_cd</c>.</summary>
public readonly record struct TextHit(Guid Id, double Rank);

/// <summary>
/// The SQL of the hybrid search, public so that the retrieval benchmark runs exactly what
/// <see cref="KnowledgeRetriever"/> runs. Every method works on the connection and transaction of a
/// <see cref="Infrastructure.StarStudioDb"/> unit of work, so row-level security applies.
/// </summary>
public static class KnowledgeSearchSql
{
    /// <summary>
    /// The per-transaction pgvector settings of a vector search (<c>SET LOCAL</c>: they end with the transaction
    /// and never leak into a pooled connection's next user). <c>plan_cache_mode = force_custom_plan</c> because the app
    /// role's statements are prepared (<see cref="Infrastructure.DatabaseOptions.WithAutoPrepare"/>): a search is planned
    /// for its star every time (an exact scan of a small star, the HNSW index for a big one), never with a generic plan
    /// made for some other star.
    /// </summary>
    public static string ScanSettings(RetrievalOptions options)
    {
        options.Validate();
        return string.Create(CultureInfo.InvariantCulture, $"""
            SET LOCAL hnsw.ef_search = {options.EfSearch};
            SET LOCAL hnsw.iterative_scan = {options.IterativeScan};
            SET LOCAL hnsw.max_scan_tuples = {options.MaxScanTuples};
            SET LOCAL plan_cache_mode = force_custom_plan;
            """);
    }

    /// <summary>
    /// <see cref="ScanSettings"/> as one statement (<c>set_config(…, true)</c> is <c>SET LOCAL</c>), for a batch: every
    /// command of <see cref="SearchListsAsync"/> is a query with one result set.
    /// </summary>
    public static string ScanSettingsSelect(RetrievalOptions options)
    {
        options.Validate();
        return string.Create(CultureInfo.InvariantCulture,
            $"SELECT set_config('hnsw.ef_search', '{options.EfSearch}', true), set_config('hnsw.iterative_scan', '{options.IterativeScan}', true), set_config('hnsw.max_scan_tuples', '{options.MaxScanTuples}', true), set_config('plan_cache_mode', 'force_custom_plan', true)");
    }

    /// <summary>
    /// Approximate nearest neighbours through the partial HNSW index of the scope's dimension. The cast and the
    /// <c>dimensions = N</c> condition must be literal for the planner to match the partial expression index;
    /// N comes from the supported list, never from user input. With <c>relaxed_order</c> the index may return
    /// rows slightly out of order, so the materialized CTE is sorted again (as pgvector's docs advise).
    /// </summary>
    public static string VectorQuery(KnowledgeSearchScope scope)
    {
        var d = CheckedDimension(scope);
        return $"""
            WITH candidates AS MATERIALIZED (
                SELECT e.id, (e.embedding::vector({d})) <=> @q::vector({d}) AS distance
                FROM star_embeddings e
                WHERE {Conditions(scope)}
                ORDER BY distance
                LIMIT @limit
            )
            SELECT id, distance FROM candidates ORDER BY distance, id
            """;
    }

    /// <summary>
    /// Exact nearest neighbours: the same rows and distances, but <c>OFFSET 0</c> fences the ordering off from
    /// the scan, so no HNSW index can serve it; the planner filters (star_id btree or a scan) and sorts.
    /// </summary>
    public static string ExactVectorQuery(KnowledgeSearchScope scope)
    {
        var d = CheckedDimension(scope);
        return $"""
            SELECT id, distance FROM (
                SELECT e.id, (e.embedding::vector({d})) <=> @q::vector({d}) AS distance
                FROM star_embeddings e
                WHERE {Conditions(scope)}
                OFFSET 0
            ) c
            ORDER BY distance, id
            LIMIT @limit
            """;
    }

    /// <summary>
    /// Full-text candidates ranked by cover density, through the <c>knowledge_text_search</c> function (migration
    /// <c>KnowledgeTextSearchFunction</c>). The question's terms are ORed, so a passage sharing some of the words is
    /// still found; the search is not limited to the model (text matches whatever model embedded the chunk). Rows come
    /// back in the function's order (its output ordinal), best first.
    /// </summary>
    /// <remarks>
    /// The app role's own query could not use the GIN index on <c>search_vector</c>: row-level security lets the
    /// planner push only leakproof conditions below the policy, and <c>@@</c> is not leakproof, so it read every chunk
    /// of the star (about a second for 100,000). The function is <c>SECURITY DEFINER</c>: it checks the caller's access
    /// to the star as the read policy does, then searches as the owning role with the index, ranking at most
    /// <c>@budget</c> matches and the question's rare words first (see the migration for the trade-off). <c>@freqs</c> holds
    /// each term's frequency from <see cref="WordFrequencies"/>, or is null for the function to read the statistics itself.
    /// </remarks>
    public const string TextQuery = """
        SELECT f.id, f.rank
        FROM knowledge_text_search(@star, @terms, @freqs, @task, @source, @tag, @pool, @limit, @budget) WITH ORDINALITY AS f(id, rank, n)
        ORDER BY f.n
        """;

    /// <summary>
    /// Which of the question's tokens (<c>@wanted</c>) each candidate row's index holds, and its task (coverage fusion). The
    /// intersection is taken in the database, from the tsvector's lexemes (the same tokens as <c>search_text</c>: the
    /// <c>simple</c> configuration keeps them as they are) against a hashed set, so a candidate sends back a few words
    /// instead of its whole index text (a thousand tokens, more with the pinyin bridge's).
    /// </summary>
    /// <remarks>
    /// The intersection marks the wanted lexemes with weight A (<c>setweight</c> with a lexeme list: a binary search in the
    /// sorted tsvector for each wanted token) and keeps the marked ones (<c>ts_filter</c>). Unnesting every lexeme and
    /// testing each against the set, as this query first did, took ~7.5 ms for 160 candidates and 30 tokens; this takes
    /// ~1.3 ms (docs/performance.md). It relies on the generated column: <c>search_vector</c> is
    /// <c>to_tsvector('simple', search_text)</c>, so every lexeme has a position (<c>setweight</c> weighs positions; a
    /// lexeme without one would be missed, which the integration test comparing this with scanning <c>search_text</c> in
    /// the app would catch) and none is weighted (a lexeme already at A would come back unasked; coverage looks up only
    /// the wanted tokens, so it would change nothing).
    /// </remarks>
    public const string TokensQuery = """
        SELECT e.id, e.task_id,
               coalesce(tsvector_to_array(ts_filter(setweight(e.search_vector, 'A', @wanted::text[]), '{a}')), '{}') AS found
        FROM star_embeddings e
        WHERE e.id = ANY(@ids)
        """;

    /// <summary>The text and provenance of the rows to return.</summary>
    public const string PassagesQuery = """
        SELECT e.id, e.task_id, e.chunk_id, e.content, e.metadata::text, t.source_name
        FROM star_embeddings e
        LEFT JOIN knowledge_tasks t ON t.id = e.task_id
        WHERE e.id = ANY(@ids)
        """;

    /// <summary>
    /// A tsquery ORing <paramref name="terms"/>, each quoted as a literal lexeme (quotes and backslashes
    /// escaped), so no term can inject tsquery operators. Empty when there are no terms. (The search itself passes
    /// the terms as an array; <c>knowledge_text_search</c> makes each one a query with <c>plainto_tsquery</c>.)
    /// </summary>
    public static string ToTsQuery(IEnumerable<string> terms)
    {
        var sb = new StringBuilder();
        foreach (var term in terms)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(" | ");
            }

            sb.Append('\'').Append(term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)).Append('\'');
        }

        return sb.ToString();
    }

    /// <summary>
    /// The HNSW query and, in the same statement, the exact query guarded by "the index scan came back short": the
    /// exact branch has a one-time filter on the count of the approximate rows, so PostgreSQL runs it only then. One
    /// round trip either way (a small star always comes back short, and used to pay a second one).
    /// </summary>
    public static string NearestQuery(KnowledgeSearchScope scope)
    {
        var d = CheckedDimension(scope);
        return WithExactFallback(
            $"e.id, (e.embedding::vector({d})) <=> @q::vector({d}) AS distance", "star_embeddings e", Conditions(scope));
    }

    /// <summary>
    /// Nearest rows of <paramref name="from"/> by the index, and in the same statement the exact answer, which runs only
    /// when the index scan came back with fewer than <c>@limit</c> rows (a one-time filter on their count). Each row says
    /// whether it is exact; <see cref="ReadNearestAsync"/> picks one side. Shared by the vector and the semantic list.
    /// </summary>
    /// <param name="select">The selected <c>id</c> and <c>distance</c>.</param>
    internal static string WithExactFallback(string select, string from, string where) => $"""
        WITH candidates AS MATERIALIZED (
            SELECT {select}
            FROM {from}
            WHERE {where}
            ORDER BY distance
            LIMIT @limit
        )
        SELECT id, distance, false AS exact FROM candidates
        UNION ALL
        (SELECT id, distance, true AS exact FROM (
            SELECT {select}
            FROM {from}
            WHERE {where} AND (SELECT count(*) FROM candidates) < @limit
            OFFSET 0
         ) c
         ORDER BY distance, id
         LIMIT @limit)
        """;

    /// <summary>
    /// Reads a <see cref="WithExactFallback"/> command (after its scan settings): the approximate rows, re-sorted
    /// (relaxed_order may return them slightly out of order), when there are <paramref name="limit"/> of them, else the
    /// exact ones. Disposes the command.
    /// </summary>
    internal static async Task<(List<VectorHit> Hits, bool Exact)> ReadNearestAsync(NpgsqlCommand command, int limit, CancellationToken ct)
    {
        await using var cmd = command;
        var approximate = new List<VectorHit>();
        var exact = new List<VectorHit>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount != 3)
            {
                continue; // the SET LOCAL statements
            }

            await ReadNearestRowsAsync(reader, approximate, exact, ct);
        }
        while (await reader.NextResultAsync(ct));

        return PickNearest(approximate, exact, limit);
    }

    /// <summary>Reads the current result set of a <see cref="WithExactFallback"/> query and picks a side, as <see cref="ReadNearestAsync"/> does.</summary>
    internal static async Task<(List<VectorHit> Hits, bool Exact)> ReadNearestRowsAsync(NpgsqlDataReader reader, int limit, CancellationToken ct)
    {
        var approximate = new List<VectorHit>();
        var exact = new List<VectorHit>();
        await ReadNearestRowsAsync(reader, approximate, exact, ct);
        return PickNearest(approximate, exact, limit);
    }

    private static async Task ReadNearestRowsAsync(NpgsqlDataReader reader, List<VectorHit> approximate, List<VectorHit> exact, CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
        {
            (reader.GetBoolean(2) ? exact : approximate).Add(new VectorHit(reader.GetGuid(0), reader.GetDouble(1)));
        }
    }

    private static (List<VectorHit> Hits, bool Exact) PickNearest(List<VectorHit> approximate, List<VectorHit> exact, int limit)
    {
        if (approximate.Count >= limit)
        {
            approximate.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
            return (approximate, false);
        }

        return (exact, true);
    }

    /// <summary>
    /// The vector half of the hybrid search: the HNSW query, and when it comes back with fewer than
    /// <paramref name="limit"/> rows the exact query instead (<see cref="NearestQuery"/>, one statement). Short means either
    /// that the scope really has fewer rows (then the exact query is cheap: the star_id btree finds them) or that the
    /// iterative scan stopped at <c>hnsw.max_scan_tuples</c> before enough rows passed a very selective filter (then
    /// only the exact query is right).
    /// </summary>
    /// <returns>The hits, nearest first, and whether they came from the exact query.</returns>
    public static Task<(List<VectorHit> Hits, bool Exact)> NearestAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, CancellationToken ct = default)
    {
        var cmd = new NpgsqlCommand(ScanSettings(options) + "\n" + NearestQuery(scope), connection, transaction);
        AddVectorParameters(cmd.Parameters, scope, question, limit);
        return ReadNearestAsync(cmd, limit, ct);
    }

    /// <summary>Runs <see cref="ScanSettings"/> and <see cref="VectorQuery"/> in one round trip.</summary>
    public static Task<List<VectorHit>> VectorAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, CancellationToken ct = default) =>
        ReadVectorHitsAsync(VectorCommand(connection, transaction, scope, question, limit, options), ct);

    /// <summary>Runs <see cref="ExactVectorQuery"/>.</summary>
    public static Task<List<VectorHit>> ExactVectorAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        CancellationToken ct = default) =>
        ReadVectorHitsAsync(ExactVectorCommand(connection, transaction, scope, question, limit), ct);

    /// <summary>The command of <see cref="VectorAsync"/> (settings and query), for running or explaining.</summary>
    public static NpgsqlCommand VectorCommand(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, string prefix = "")
    {
        var cmd = new NpgsqlCommand(ScanSettings(options) + "\n" + prefix + VectorQuery(scope), connection, transaction);
        AddVectorParameters(cmd.Parameters, scope, question, limit);
        return cmd;
    }

    /// <summary>The command of <see cref="ExactVectorAsync"/>, for running or explaining.</summary>
    public static NpgsqlCommand ExactVectorCommand(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit, string prefix = "")
    {
        var cmd = new NpgsqlCommand(prefix + ExactVectorQuery(scope), connection, transaction);
        AddVectorParameters(cmd.Parameters, scope, question, limit);
        return cmd;
    }

    /// <summary>One ranked list of <see cref="SearchListsAsync"/>: a nearest-neighbour command or a full-text one.</summary>
    public sealed record ListCommand(RetrievalLists Kind, NpgsqlBatchCommand Command, bool Nearest);

    /// <summary>The vector list's command for <see cref="SearchListsAsync"/> (<see cref="NearestQuery"/>).</summary>
    public static ListCommand NearestListCommand(KnowledgeSearchScope scope, float[] question, int limit)
    {
        var cmd = new NpgsqlBatchCommand(NearestQuery(scope));
        AddVectorParameters(cmd.Parameters, scope, question, limit);
        return new ListCommand(RetrievalLists.Vector, cmd, Nearest: true);
    }

    /// <summary>A full-text list's command for <see cref="SearchListsAsync"/> (<see cref="TextQuery"/>); null when there are no terms.</summary>
    /// <param name="frequencies">The words' frequencies (<see cref="WordFrequencies"/>); null: the function reads them.</param>
    public static ListCommand? TextListCommand(
        RetrievalLists kind, KnowledgeSearchScope scope, IReadOnlyList<string> terms, int limit, int? rankLimit = null,
        IReadOnlyDictionary<string, float>? frequencies = null)
    {
        var distinct = terms.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return null;
        }

        var cmd = new NpgsqlBatchCommand(TextQuery);
        AddTextParameters(cmd.Parameters, scope, distinct, limit, null, rankLimit, frequencies);
        return new ListCommand(kind, cmd, Nearest: false);
    }

    /// <summary>What <see cref="SearchListsAsync"/> found: each list's hits, best first.</summary>
    public sealed record ListResults(Dictionary<RetrievalLists, List<VectorHit>> Nearest, Dictionary<RetrievalLists, List<TextHit>> Text);

    /// <summary>
    /// Every ranked list of a question in one round trip (an <see cref="NpgsqlBatch"/>): the scan settings when a list is a
    /// nearest-neighbour search, then each list's command in order. The lists used to take a round trip each; on a loaded
    /// machine each round trip also waits for the database process and the caller's thread to be scheduled
    /// (docs/performance.md, "Answer quality"). The server still runs the statements one after another.
    /// </summary>
    public static async Task<ListResults> SearchListsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<ListCommand> lists, int limit, RetrievalOptions options,
        CancellationToken ct = default)
    {
        var results = new ListResults([], []);
        if (lists.Count == 0)
        {
            return results;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var nearest = lists.Any(l => l.Nearest);
        if (nearest)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ScanSettingsSelect(options)));
        }

        foreach (var list in lists)
        {
            batch.BatchCommands.Add(list.Command);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var index = nearest ? -1 : 0;
        do
        {
            if (index >= lists.Count)
            {
                throw new InvalidOperationException("The search batch returned more result sets than it has lists.");
            }

            if (index >= 0)
            {
                var list = lists[index];
                if (list.Nearest)
                {
                    results.Nearest[list.Kind] = (await ReadNearestRowsAsync(reader, limit, ct)).Hits;
                }
                else
                {
                    var hits = new List<TextHit>();
                    while (await reader.ReadAsync(ct))
                    {
                        hits.Add(new TextHit(reader.GetGuid(0), reader.GetDouble(1)));
                    }

                    results.Text[list.Kind] = hits;
                }
            }

            index++;
        }
        while (await reader.NextResultAsync(ct));

        if (index != lists.Count)
        {
            throw new InvalidOperationException($"The search batch returned {index} result sets for {lists.Count} lists.");
        }

        return results;
    }

    /// <summary>
    /// Runs <see cref="TextQuery"/> for the OR of <paramref name="terms"/>, over the scope or, given a
    /// <paramref name="pool"/>, over those rows only; nothing when there are no terms.
    /// </summary>
    /// <param name="rankLimit">The most matches ranked (<see cref="RetrievalOptions.FullTextRankLimit"/> when null).</param>
    /// <param name="frequencies">The words' frequencies (<see cref="WordFrequencies"/>); null: the function reads them.</param>
    public static async Task<List<TextHit>> TextAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, IReadOnlyList<string> terms, int limit,
        CancellationToken ct = default, IReadOnlyCollection<Guid>? pool = null, int? rankLimit = null,
        IReadOnlyDictionary<string, float>? frequencies = null)
    {
        var hits = new List<TextHit>();
        var distinct = terms.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0 || pool is { Count: 0 })
        {
            return hits;
        }

        await using var cmd = new NpgsqlCommand(TextQuery, connection, transaction);
        AddTextParameters(cmd.Parameters, scope, distinct, limit, pool, rankLimit, frequencies);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            hits.Add(new TextHit(reader.GetGuid(0), reader.GetDouble(1)));
        }

        return hits;
    }

    private static void AddTextParameters(
        NpgsqlParameterCollection parameters, KnowledgeSearchScope scope, string[] terms, int limit, IReadOnlyCollection<Guid>? pool, int? rankLimit,
        IReadOnlyDictionary<string, float>? frequencies)
    {
        parameters.Add(new NpgsqlParameter("star", NpgsqlDbType.Uuid) { Value = scope.StarId });
        parameters.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = terms });
        parameters.Add(new NpgsqlParameter("freqs", NpgsqlDbType.Array | NpgsqlDbType.Real)
        {
            Value = frequencies is null ? DBNull.Value : WordFrequencies.For(frequencies, terms),
        });
        parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Uuid) { Value = (object?)scope.TaskId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = (object?)scope.SourceName ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = (object?)scope.Tag ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("pool", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (object?)pool?.ToArray() ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        parameters.Add(new NpgsqlParameter("budget", NpgsqlDbType.Integer) { Value = rankLimit ?? new RetrievalOptions().FullTextRankLimit });
    }

    /// <summary>Runs a vector command (scan settings first, then rows of id and distance) and reads its hits; disposes the command.</summary>
    internal static async Task<List<VectorHit>> ReadVectorHitsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var cmd = command;
        var hits = new List<VectorHit>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // The SET LOCAL statements come first and return no rows.
        do
        {
            if (reader.FieldCount != 2)
            {
                continue;
            }

            while (await reader.ReadAsync(ct))
            {
                hits.Add(new VectorHit(reader.GetGuid(0), reader.GetDouble(1)));
            }
        }
        while (await reader.NextResultAsync(ct));

        return hits;
    }

    private static int CheckedDimension(KnowledgeSearchScope scope) =>
        EmbeddingModel.SupportedDimensions.Contains(scope.Dimension)
            ? scope.Dimension
            : throw new ArgumentException($"No vector index exists for {scope.Dimension} dimensions.", nameof(scope));

    // The vector queries' conditions. The full-text search applies the same filters inside knowledge_text_search.
    private static string Conditions(KnowledgeSearchScope scope)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"e.dimensions = {CheckedDimension(scope)} AND e.star_id = @star AND e.embedding_model = @model");

        if (scope.TaskId is not null)
        {
            sb.Append(" AND e.task_id = @task");
        }

        if (scope.SourceName is not null)
        {
            sb.Append(" AND e.metadata->>'sourceName' = @source");
        }

        if (scope.Tag is not null)
        {
            sb.Append(" AND e.metadata->'tags' ? @tag");
        }

        return sb.ToString();
    }

    private static void AddVectorParameters(NpgsqlParameterCollection parameters, KnowledgeSearchScope scope, float[] question, int limit)
    {
        if (question.Length != scope.Dimension)
        {
            throw new ArgumentException($"The question vector has {question.Length} dimensions, the model {scope.Dimension}.", nameof(question));
        }

        AddScopeParameters(parameters, scope);
        parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = question });
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
    }

    private static void AddScopeParameters(NpgsqlParameterCollection parameters, KnowledgeSearchScope scope)
    {
        parameters.Add(new NpgsqlParameter("star", NpgsqlDbType.Uuid) { Value = scope.StarId });
        parameters.Add(new NpgsqlParameter("model", NpgsqlDbType.Varchar) { Value = scope.Model });

        if (scope.TaskId is { } task)
        {
            parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Uuid) { Value = task });
        }

        if (scope.SourceName is { } source)
        {
            parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = source });
        }

        if (scope.Tag is { } tag)
        {
            parameters.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = tag });
        }
    }
}
