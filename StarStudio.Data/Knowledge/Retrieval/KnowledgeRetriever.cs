using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Data.Knowledge.Retrieval;

/// <summary>
/// Hybrid retrieval over one star's knowledge: the question is embedded with the default embedding model,
/// then one transaction (as the acting user, so row-level security applies) runs an HNSW vector search
/// restricted to that model and a full-text search over the CJK-aware <c>search_text</c>; the two rankings
/// are fused by reciprocal rank. The full-text half goes through the GIN index by way of the <c>knowledge_text_search</c>
/// function, which checks access to the star as the row-level security policy does and ranks at most
/// <see cref="RetrievalOptions.FullTextRankLimit"/> matches, the question's rare words first. When the index scan comes
/// back short (a very selective filter that the iterative scan gave up on), the vector half is answered exactly instead
/// (<see cref="KnowledgeSearchSql.NearestAsync"/>).
/// </summary>
public sealed class KnowledgeRetriever(StarStudioDb db, EmbeddingModelResolver models, IOptions<RetrievalOptions>? options = null)
    : IKnowledgeRetriever
{
    private readonly RetrievalOptions settings = options?.Value ?? new RetrievalOptions();

    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.TopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.TopK, "TopK must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(query.Question))
        {
            return [];
        }

        settings.Validate();
        var topK = Math.Min(query.TopK, settings.MaxTopK);
        var candidates = settings.CandidatesFor(topK);

        // Embedding may be a remote call: done before the transaction, so no connection waits on it.
        var model = await models.GetDefaultAsync(db, ct);
        var generator = models.Create(model);
        var question = (await generator.GenerateVectorAsync(query.Question, cancellationToken: ct)).ToArray();
        var hasVector = question.Any(x => x != 0f);
        var terms = SearchText.QueryTerms(query.Question);

        var scope = new KnowledgeSearchScope(query.StarId, model.Name, model.Dimension)
        {
            TaskId = query.TaskId,
            SourceName = query.SourceName,
            Tag = query.Tag,
        };

        return await db.RunAsync(async (ctx, _) =>
        {
            var connection = (NpgsqlConnection)ctx.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();

            var vectorHits = new List<VectorHit>();
            if (hasVector)
            {
                vectorHits = (await KnowledgeSearchSql.NearestAsync(connection, transaction, scope, question, candidates, settings, ct)).Hits;
            }

            var textHits = await KnowledgeSearchSql.TextAsync(
                connection, transaction, scope, terms, candidates, ct, rankLimit: settings.FullTextRankLimit);
            var fused = Fuse(vectorHits, textHits, settings.RrfK, topK);
            if (fused.Count == 0)
            {
                return (IReadOnlyList<RetrievedPassage>)[];
            }

            var rows = await LoadAsync(connection, transaction, fused.Select(f => f.Id).ToArray(), ct);
            var passages = new List<RetrievedPassage>(fused.Count);
            foreach (var f in fused)
            {
                if (rows.TryGetValue(f.Id, out var row))
                {
                    passages.Add(new RetrievedPassage(row.Content, f.Score, f.Distance, f.VectorRank, f.TextRank, row.Citation));
                }
            }

            return passages;
        }, ct);
    }

    /// <summary>A candidate after fusion: its score <c>Σ 1/(k + rank)</c> and the 1-based rank in each half.</summary>
    internal readonly record struct Fused(Guid Id, double Score, double? Distance, int? VectorRank, int? TextRank);

    /// <summary>
    /// Reciprocal rank fusion of the two rankings (each already in order, best first), best <paramref name="topK"/>
    /// first; ties go to the vector-nearer, then to the smaller id, so the order is stable.
    /// </summary>
    internal static List<Fused> Fuse(IReadOnlyList<VectorHit> vector, IReadOnlyList<TextHit> text, int k, int topK)
    {
        var byId = new Dictionary<Guid, Fused>();
        for (var i = 0; i < vector.Count; i++)
        {
            var hit = vector[i];
            if (!byId.ContainsKey(hit.Id))
            {
                byId[hit.Id] = new Fused(hit.Id, 1.0 / (k + i + 1), hit.Distance, i + 1, null);
            }
        }

        for (var i = 0; i < text.Count; i++)
        {
            var hit = text[i];
            var score = 1.0 / (k + i + 1);
            if (byId.TryGetValue(hit.Id, out var f))
            {
                if (f.TextRank is null)
                {
                    byId[hit.Id] = f with { Score = f.Score + score, TextRank = i + 1 };
                }
            }
            else
            {
                byId[hit.Id] = new Fused(hit.Id, score, null, null, i + 1);
            }
        }

        return byId.Values
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Distance ?? double.MaxValue)
            .ThenBy(f => f.Id)
            .Take(topK)
            .ToList();
    }

    private sealed record Row(string Content, Citation Citation);

    private static async Task<Dictionary<Guid, Row>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid[] ids, CancellationToken ct)
    {
        var rows = new Dictionary<Guid, Row>(ids.Length);
        await using var cmd = new NpgsqlCommand(KnowledgeSearchSql.PassagesQuery, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            var taskId = reader.GetGuid(1);
            var chunkId = reader.GetGuid(2);
            var content = reader.GetString(3);
            var metadata = reader.GetString(4);
            var taskSource = reader.IsDBNull(5) ? null : reader.GetString(5);
            rows[id] = new Row(content, CitationFrom(taskId, chunkId, metadata, taskSource));
        }

        return rows;
    }

    /// <summary>
    /// The citation of a chunk from the indexer's metadata
    /// (<c>{"sourceName", "page", "headingPath", "charStart", "charEnd", "tokens", "tags"}</c>); fields that are
    /// missing or of the wrong type fall back to the task's source name, no page, no headings and offset 0.
    /// </summary>
    internal static Citation CitationFrom(Guid taskId, Guid chunkId, string metadata, string? taskSourceName)
    {
        string? sourceName = null;
        int? page = null;
        var headings = new List<string>();
        int charStart = 0, charEnd = 0;
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("sourceName", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    sourceName = s.GetString();
                }

                if (root.TryGetProperty("page", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var pageValue))
                {
                    page = pageValue;
                }

                if (root.TryGetProperty("headingPath", out var h) && h.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in h.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String)
                        {
                            headings.Add(item.GetString()!);
                        }
                    }
                }

                if (root.TryGetProperty("charStart", out var cs) && cs.ValueKind == JsonValueKind.Number && cs.TryGetInt32(out var start))
                {
                    charStart = start;
                }

                if (root.TryGetProperty("charEnd", out var ce) && ce.ValueKind == JsonValueKind.Number && ce.TryGetInt32(out var end))
                {
                    charEnd = end;
                }
            }
        }
        catch (JsonException)
        {
            // A malformed metadata document still yields a citation to the task and chunk.
        }

        return new Citation(taskId, chunkId, sourceName ?? taskSourceName ?? "", page, headings, charStart, charEnd);
    }
}
