using Npgsql;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// The semantic list of the hybrid search: a local sentence-embedding model's vectors of the chunks it suits
/// (English), kept beside the default model's. The retriever embeds the question's semantic text
/// (<see cref="Core.Knowledge.Retrieval.QueryAnalysis.SemanticText"/>) before its transaction, then searches inside it.
/// </summary>
public interface ISemanticKnowledge
{
    /// <summary>False when no semantic model is configured: the retriever then skips the list.</summary>
    bool IsEnabled { get; }

    /// <summary>The question's vector, or null when there is nothing to embed.</summary>
    Task<float[]?> EmbedQuestionAsync(string text, CancellationToken ct = default);

    /// <summary>The nearest chunks of the scope by the semantic vectors, nearest first, inside the caller's transaction (row-level security applies).</summary>
    Task<List<VectorHit>> SearchAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, CancellationToken ct = default);

    /// <summary>
    /// The search of <see cref="SearchAsync"/> as a command for the retriever's one-round-trip batch
    /// (<see cref="KnowledgeSearchSql.SearchListsAsync"/>, which sets the scan settings first); null: not batchable, the
    /// retriever calls <see cref="SearchAsync"/>.
    /// </summary>
    KnowledgeSearchSql.ListCommand? SearchCommand(KnowledgeSearchScope scope, float[] question, int limit) => null;
}

/// <summary>No semantic model: the list is never run.</summary>
public sealed class NoSemanticKnowledge : ISemanticKnowledge
{
    public bool IsEnabled => false;

    public Task<float[]?> EmbedQuestionAsync(string text, CancellationToken ct = default) => Task.FromResult<float[]?>(null);

    public Task<List<VectorHit>> SearchAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, KnowledgeSearchScope scope, float[] question, int limit,
        RetrievalOptions options, CancellationToken ct = default) => Task.FromResult(new List<VectorHit>());
}
