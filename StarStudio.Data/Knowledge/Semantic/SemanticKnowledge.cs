using Npgsql;
using NpgsqlTypes;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Data.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Semantic;

/// <summary>
/// The semantic list: the question's MiniLM vector against <c>star_semantic_embeddings</c> of the star, through the
/// partial HNSW index with the retriever's scan settings, and the exact query when the index returns too few rows (as
/// <see cref="KnowledgeSearchSql.NearestAsync"/>). Only English chunks have semantic vectors, so a Chinese passage is
/// never in this list and cannot be pushed down by it.
/// </summary>
public sealed class SemanticKnowledge(SemanticModel model) : ISemanticKnowledge
{
    public bool IsEnabled => model.IsEnabled;

    /// <remarks>
    /// Null while the model is still loading (seconds, at start): the question is answered without the semantic list
    /// rather than waiting (the end-to-end ask timed out at 5 s on a loaded machine when the first question loaded it).
    /// </remarks>
    public async Task<float[]?> EmbedQuestionAsync(string text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text) || !model.IsEnabled)
        {
            return null;
        }

        if (!model.IsLoaded)
        {
            _ = model.LoadAsync();
            return null;
        }

        return await model.EmbedQuestionAsync(text, ct);
    }

    public async Task<List<VectorHit>> SearchAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, CancellationToken ct = default) =>
        (await KnowledgeSearchSql.ReadNearestAsync(
            Command(connection, transaction, scope, question, limit, KnowledgeSearchSql.ScanSettings(options) + "\n" + Query(scope)), limit, ct)).Hits;

    public KnowledgeSearchSql.ListCommand? SearchCommand(KnowledgeSearchScope scope, float[] question, int limit)
    {
        var cmd = new NpgsqlBatchCommand(Query(scope));
        AddParameters(cmd.Parameters, scope, question, limit);
        return new KnowledgeSearchSql.ListCommand(Core.Knowledge.Retrieval.RetrievalLists.Semantic, cmd, Nearest: true);
    }

    /// <summary>
    /// The semantic query: the partial HNSW index's nearest rows, and the exact answer in the same statement when the
    /// index scan comes back short (<see cref="KnowledgeSearchSql.WithExactFallback"/>, as the vector list does).
    /// </summary>
    public static string Query(KnowledgeSearchScope scope)
    {
        const int d = MiniLmEmbedder.Dimension;
        var filters = "s.star_id = @star AND s.embedding IS NOT NULL";
        if (scope.TaskId is not null)
        {
            filters += " AND s.task_id = @task";
        }

        if (scope.SourceName is not null || scope.Tag is not null)
        {
            filters += " AND EXISTS (SELECT 1 FROM star_embeddings e WHERE e.id = s.embedding_id"
                + (scope.SourceName is not null ? " AND e.metadata->>'sourceName' = @source" : "")
                + (scope.Tag is not null ? " AND e.metadata->'tags' ? @tag" : "") + ")";
        }

        return KnowledgeSearchSql.WithExactFallback(
            $"s.embedding_id AS id, s.embedding <=> @q::vector({d}) AS distance", "star_semantic_embeddings s", filters);
    }

    private static NpgsqlCommand Command(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit, string sql)
    {
        if (question.Length != MiniLmEmbedder.Dimension)
        {
            throw new ArgumentException($"A semantic question vector has {MiniLmEmbedder.Dimension} dimensions, not {question.Length}.", nameof(question));
        }

        var cmd = new NpgsqlCommand(sql, connection, transaction);
        AddParameters(cmd.Parameters, scope, question, limit);
        return cmd;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, KnowledgeSearchScope scope, float[] question, int limit)
    {
        if (question.Length != MiniLmEmbedder.Dimension)
        {
            throw new ArgumentException($"A semantic question vector has {MiniLmEmbedder.Dimension} dimensions, not {question.Length}.", nameof(question));
        }

        parameters.Add(new NpgsqlParameter("star", NpgsqlDbType.Uuid) { Value = scope.StarId });
        parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Uuid) { Value = (object?)scope.TaskId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = (object?)scope.SourceName ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = (object?)scope.Tag ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = question });
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
    }
}
