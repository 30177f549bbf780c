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
/// Hybrid retrieval over one star's knowledge. The question is read by the <see cref="IQueryAnalyzer"/> (its own terms,
/// and expansions: translations, synonyms, inflections) and embedded with the default embedding model (and, for English
/// semantic text, by the <see cref="ISemanticKnowledge"/> model) before any connection is taken; then one transaction
/// (as the acting user, so row-level security applies) runs up to five ranked lists — HNSW vector search restricted to
/// the default model, full text of the question's terms, full text of its synonyms and other forms, full text of its
/// translations into the other language, semantic vector search — and
/// fuses them by <see cref="RetrievalOptions.Fusion"/> with per-list weights (docs/knowledge.md says how they were
/// chosen). The full-text lists go through the GIN index by way of the <c>knowledge_text_search</c> function, which checks
/// access to the star as the row-level security policy does and ranks at most <see cref="RetrievalOptions.FullTextRankLimit"/>
/// matches, the rare words first. When the index scan comes back short (a very selective filter that the iterative
/// scan gave up on), the vector list is answered exactly instead (<see cref="KnowledgeSearchSql.NearestAsync"/>). The
/// transaction waits for a slot of the <see cref="RetrievalGate"/>, so a burst of questions does not swamp the database.
/// </summary>
public sealed class KnowledgeRetriever(
    StarStudioDb db,
    EmbeddingModelResolver models,
    IOptions<RetrievalOptions>? options = null,
    IQueryAnalyzer? analyzer = null,
    ISemanticKnowledge? semantic = null,
    RetrievalGate? gate = null,
    WordFrequencies? frequencies = null)
    : IKnowledgeRetriever
{
    private readonly RetrievalOptions settings = options?.Value ?? new RetrievalOptions();
    private readonly IQueryAnalyzer analyzer = analyzer ?? new BasicQueryAnalyzer();
    private readonly ISemanticKnowledge semantic = semantic ?? new NoSemanticKnowledge();

    public async Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.TopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.TopK, "TopK must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(query.Question))
        {
            return new RetrievalResult([], QueryAnalysis.Empty);
        }

        settings.Validate();
        var topK = Math.Min(query.TopK, settings.MaxTopK);
        var candidates = settings.CandidatesFor(topK);
        var lists = query.Lists;
        var analysis = analyzer.Analyze(query.Question, expand: (lists & (RetrievalLists.Expansion | RetrievalLists.Translation)) != 0);
        var original = analysis.Original.Select(t => t.Text).Distinct(StringComparer.Ordinal).ToArray();
        string[] ExpansionTerms(RetrievalLists list, Func<QueryTerm, bool> which) => lists.HasFlag(list)
            ? [.. analysis.Expansions.Where(which).Select(t => t.Text).Where(t => !original.Contains(t, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)]
            : [];
        var expansions = ExpansionTerms(RetrievalLists.Expansion, t => t.Origin != TermOrigin.Translation);
        var translations = ExpansionTerms(RetrievalLists.Translation, t => t.Origin == TermOrigin.Translation);

        // Embedding may be a remote call, and the semantic model is slow: both done before the transaction, so no connection waits on them.
        var model = await models.GetDefaultAsync(db, ct);
        float[]? question = null;
        if (lists.HasFlag(RetrievalLists.Vector))
        {
            var vector = (await models.Create(model).GenerateVectorAsync(query.Question, cancellationToken: ct)).ToArray();
            question = vector.Any(x => x != 0f) ? vector : null;
        }

        float[]? semanticQuestion = null;
        if (lists.HasFlag(RetrievalLists.Semantic) && semantic.IsEnabled && !string.IsNullOrWhiteSpace(analysis.SemanticText))
        {
            semanticQuestion = await semantic.EmbedQuestionAsync(analysis.SemanticText, ct);
        }

        var scope = new KnowledgeSearchScope(query.StarId, model.Name, model.Dimension)
        {
            TaskId = query.TaskId,
            SourceName = query.SourceName,
            Tag = query.Tag,
        };

        var passages = gate is null ? await SearchInTransactionAsync() : await gate.RunAsync(SearchInTransactionAsync, ct);
        return new RetrievalResult(passages, analysis);

        Task<IReadOnlyList<RetrievedPassage>> SearchInTransactionAsync() => db.RunAsync(async (ctx, _) =>
        {
            var connection = (NpgsqlConnection)ctx.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction?)ctx.Database.CurrentTransaction?.GetDbTransaction();

            // The words' frequencies order each full-text list's terms (rarest first); without the process's shared copy
            // the search function reads them from the statistics on each call.
            var wordFrequencies = frequencies is null || (original.Length + expansions.Length + translations.Length) == 0
                ? null
                : await frequencies.GetAsync(connection, transaction, ct);

            // Every list in one round trip (KnowledgeSearchSql.SearchListsAsync); a semantic model that cannot be batched
            // is searched after it.
            var commands = new List<KnowledgeSearchSql.ListCommand>(5);
            if (question is not null)
            {
                commands.Add(KnowledgeSearchSql.NearestListCommand(scope, question, candidates));
            }

            void AddText(RetrievalLists kind, string[] terms)
            {
                var budget = kind == RetrievalLists.Text ? settings.FullTextRankLimit : settings.ExpansionRankLimit;
                if (KnowledgeSearchSql.TextListCommand(kind, scope, terms, candidates, budget, wordFrequencies) is { } command)
                {
                    commands.Add(command);
                }
            }

            AddText(RetrievalLists.Text, lists.HasFlag(RetrievalLists.Text) ? original : []);
            AddText(RetrievalLists.Expansion, expansions);
            AddText(RetrievalLists.Translation, translations);
            var semanticCommand = semanticQuestion is null ? null : semantic.SearchCommand(scope, semanticQuestion, candidates);
            if (semanticCommand is not null)
            {
                commands.Add(semanticCommand);
            }

            KnowledgeSearchSql.ListResults found;
            if (settings.BatchLists)
            {
                found = await KnowledgeSearchSql.SearchListsAsync(connection, transaction, commands, candidates, settings, ct);
            }
            else
            {
                // A round trip per list, as before the batch (kept to measure what the batch saves).
                found = new KnowledgeSearchSql.ListResults([], []);
                foreach (var command in commands)
                {
                    var one = await KnowledgeSearchSql.SearchListsAsync(connection, transaction, [command], candidates, settings, ct);
                    foreach (var (kind, hits) in one.Nearest)
                    {
                        found.Nearest[kind] = hits;
                    }

                    foreach (var (kind, hits) in one.Text)
                    {
                        found.Text[kind] = hits;
                    }
                }
            }
            var ranked = new List<RankedList>(5);
            if (found.Nearest.TryGetValue(RetrievalLists.Vector, out var vectorHits))
            {
                ranked.Add(new RankedList(RetrievalLists.Vector, Similarities(vectorHits), settings.VectorWeight));
            }

            foreach (var (kind, weight) in new[]
            {
                (RetrievalLists.Text, settings.TextWeight), (RetrievalLists.Expansion, settings.ExpansionWeight), (RetrievalLists.Translation, settings.TranslationWeight),
            })
            {
                if (found.Text.TryGetValue(kind, out var hits))
                {
                    ranked.Add(new RankedList(kind, [.. hits.Select(h => new RankedHit(h.Id, h.Rank))], weight));
                }
            }

            if (semanticQuestion is not null)
            {
                var hits = semanticCommand is not null
                    ? found.Nearest.GetValueOrDefault(RetrievalLists.Semantic) ?? []
                    : await semantic.SearchAsync(connection, transaction, scope, semanticQuestion, candidates, settings, ct);
                var weight = analysis.Language == TextLanguage.English ? settings.SemanticWeight : settings.SemanticWeightOtherLanguage;
                ranked.Add(new RankedList(RetrievalLists.Semantic, Similarities(hits), weight, settings.SemanticAbsolute));
            }

            List<FusedHit> fused;
            var lexicalLists = ranked.Where(l => l.Kind is RetrievalLists.Text or RetrievalLists.Expansion or RetrievalLists.Translation).ToList();
            if (settings.Fusion == FusionMethod.Coverage && lexicalLists.Count > 0)
            {
                // The full-text lists' candidates all count (as the concept weights say); the scaled scores of those lists
                // are a tie-break at LexicalWeight (text and translation) and half of it (expansion, weaker words).
                var coverageLists = ranked.Select(l => l.Kind switch
                {
                    RetrievalLists.Text or RetrievalLists.Translation => l with { Weight = settings.LexicalWeight },
                    RetrievalLists.Expansion => l with { Weight = settings.LexicalWeight * 0.5 },
                    _ => l,
                }).ToList();
                var pool = ranked.SelectMany(l => l.Hits.Select(h => h.Id)).Distinct().ToArray();
                var concepts = CoverageScoring.Concepts(
                    new QueryAnalysis(analysis.Language, [.. analysis.Terms.Where(t => TermListOn(t, lists))]),
                    settings.CoverageTranslationWeight, settings.CoverageSynonymWeight, settings.CoverageInflectionWeight);
                var (tokens, documents) = settings.BatchLists
                    ? await LoadTokensAsync(connection, transaction, pool, CoverageScoring.TokensOf(concepts), ct)
                    : await ScanTokensAsync(connection, transaction, pool, CoverageScoring.TokensOf(concepts), ct);
                if (analysis.Language != TextLanguage.Chinese && settings.NamedInChineseListFactor != 1.0
                    && CoverageScoring.NameWrittenInChinese(concepts, tokens))
                {
                    if (settings.NamedInChineseListFactor > 0)
                    {
                        coverageLists = [.. coverageLists.Select(l => l.Kind is RetrievalLists.Semantic or RetrievalLists.Vector ? l with { Weight = l.Weight * settings.NamedInChineseListFactor } : l)];
                    }
                    else
                    {
                        // Left out whole: their passages would still be candidates, and change every word's IDF.
                        coverageLists = [.. coverageLists.Where(l => l.Kind is not (RetrievalLists.Semantic or RetrievalLists.Vector))];
                        var kept = coverageLists.SelectMany(l => l.Hits.Select(h => h.Id)).ToHashSet();
                        tokens = tokens.Where(p => kept.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
                    }
                }

                fused = ScoreFusion.FuseByCoverage(
                    coverageLists, CoverageScoring.Score(concepts, tokens, documents, settings.CoverageDocumentWeight), topK, settings.SemanticThreshold);
            }
            else
            {
                fused = ScoreFusion.Fuse(ranked, topK, settings.Fusion == FusionMethod.Coverage ? FusionMethod.RelativeScore : settings.Fusion, settings.RrfK);
            }

            if (fused.Count == 0)
            {
                return (IReadOnlyList<RetrievedPassage>)[];
            }

            var distances = ranked.Count > 0 && ranked[0].Kind == RetrievalLists.Vector
                ? ranked[0].Hits.ToDictionary(h => h.Id, h => 1.0 - h.Score)
                : [];
            var rows = await LoadAsync(connection, transaction, fused.Select(f => f.Id).ToArray(), ct);
            var result = new List<RetrievedPassage>(fused.Count);
            foreach (var f in fused)
            {
                if (rows.TryGetValue(f.Id, out var row))
                {
                    result.Add(new RetrievedPassage(
                        row.Content, f.Score, distances.TryGetValue(f.Id, out var d) ? d : null, f.VectorRank, f.TextRank, row.Citation)
                    {
                        ExpansionRank = f.ExpansionRank,
                        TranslationRank = f.TranslationRank,
                        SemanticRank = f.SemanticRank,
                    });
                }
            }

            return (IReadOnlyList<RetrievedPassage>)result;
        }, ct);
    }

    /// <summary>The passages of <see cref="RetrieveAsync"/>.</summary>
    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken ct = default) =>
        (await RetrieveAsync(query, ct)).Passages;

    /// <summary>Cosine distances (0 = same direction, 2 = opposite) as similarities <c>1 − distance</c>, best first.</summary>
    internal static RankedHit[] Similarities(IReadOnlyList<VectorHit> hits) => [.. hits.Select(h => new RankedHit(h.Id, 1.0 - h.Distance))];

    /// <summary>Whether the list a term is searched in is on: own words in the text list, translations in the translation list, other expansions in the expansion list.</summary>
    private static bool TermListOn(QueryTerm term, RetrievalLists lists) => term.Origin switch
    {
        TermOrigin.Question => lists.HasFlag(RetrievalLists.Text),
        TermOrigin.Translation => lists.HasFlag(RetrievalLists.Translation),
        _ => lists.HasFlag(RetrievalLists.Expansion),
    };

    /// <summary>
    /// Which of the question's <paramref name="wanted"/> tokens each candidate passage's index tokens (words and CJK bigrams,
    /// and the pinyin bridge's) hold, and its task, for coverage (<see cref="KnowledgeSearchSql.TokensQuery"/>: intersected in
    /// the database).
    /// </summary>
    private static async Task<(Dictionary<Guid, HashSet<string>> Tokens, Dictionary<Guid, Guid> Documents)> LoadTokensAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid[] ids, HashSet<string> wanted, CancellationToken ct)
    {
        var tokens = new Dictionary<Guid, HashSet<string>>(ids.Length);
        var documents = new Dictionary<Guid, Guid>(ids.Length);
        await using var cmd = new NpgsqlCommand(KnowledgeSearchSql.TokensQuery, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter("wanted", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = wanted.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            documents[id] = reader.GetGuid(1);
            tokens[id] = new HashSet<string>(reader.GetFieldValue<string[]>(2), StringComparer.Ordinal);
        }

        return (tokens, documents);
    }

    /// <summary>
    /// <see cref="LoadTokensAsync"/> as it was before issue 10's third round, for <see cref="RetrievalOptions.BatchLists"/>
    /// false: each candidate's whole <c>search_text</c> is sent and scanned here for the wanted tokens. Same result.
    /// </summary>
    private static async Task<(Dictionary<Guid, HashSet<string>> Tokens, Dictionary<Guid, Guid> Documents)> ScanTokensAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid[] ids, HashSet<string> wanted, CancellationToken ct)
    {
        var tokens = new Dictionary<Guid, HashSet<string>>(ids.Length);
        var documents = new Dictionary<Guid, Guid>(ids.Length);
        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        await using var cmd = new NpgsqlCommand("SELECT e.id, e.search_text, e.task_id FROM star_embeddings e WHERE e.id = ANY(@ids)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            var text = reader.GetString(1).AsSpan();
            foreach (var range in text.Split(' '))
            {
                if (lookup.TryGetValue(text[range], out var token))
                {
                    present.Add(token);
                }
            }

            tokens[reader.GetGuid(0)] = present;
            documents[reader.GetGuid(0)] = reader.GetGuid(2);
        }

        return (tokens, documents);
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
