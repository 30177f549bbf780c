using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Migrations;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>
/// <c>knowledge_text_search</c>, the SECURITY DEFINER full-text search: it answers exactly those the read policy of
/// <c>star_embeddings</c> answers, applies the retriever's filters, goes through the GIN index, and ranks a bounded
/// number of matches with the question's rare words first.
/// </summary>
public sealed class KnowledgeTextSearchFunctionTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private const string GinIndex = "ix_star_embeddings_search_vector";

    private async Task<Guid> CreateStarAsync(UserContext owner, bool isPublic = false, StarStatus status = StarStatus.Active)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star
        {
            Id = id, OwnerId = owner.UserId!.Value, Name = "全文星", Domain = "d", Persona = "p", Tone = "",
            IsPublic = isPublic, Status = status, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    private Task<List<TextHit>> SearchAsync(
        UserContext user, Guid star, IReadOnlyList<string> terms, int limit = 40, Guid? task = null, string? source = null, string? tag = null,
        IReadOnlyCollection<Guid>? pool = null, int? rankLimit = null, IReadOnlyDictionary<string, float>? frequencies = null) =>
        pg.Db(user).RunAsync(async (db, _) =>
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            var scope = new KnowledgeSearchScope(star, RetrievalCorpus.Model, 384) { TaskId = task, SourceName = source, Tag = tag };
            return await KnowledgeSearchSql.TextAsync(conn, tx, scope, terms, limit, default, pool, rankLimit, frequencies);
        });

    // What the owning role (no row-level security) finds with the plain query: every match, best ts_rank_cd first.
    private async Task<List<Guid>> ExpectedAsync(Guid star, IReadOnlyList<string> terms, string filter = "", params NpgsqlParameter[] parameters)
    {
        await using var db = pg.OwnerContext();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT e.id FROM star_embeddings e, to_tsquery('simple', @q) AS q(query)
            WHERE e.star_id = @star {filter} AND e.search_vector @@ q.query
            ORDER BY ts_rank_cd(e.search_vector, q.query, 1) DESC, e.id
            """, conn);
        cmd.Parameters.AddWithValue("q", KnowledgeSearchSql.ToTsQuery(terms));
        cmd.Parameters.AddWithValue("star", star);
        cmd.Parameters.AddRange(parameters);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<int> VisibleRowsAsync(UserContext user, Guid star) =>
        await pg.Db(user).RunAsync((db, _) => db.StarEmbeddings.CountAsync(e => e.StarId == star));

    private async Task SetChunkCountAsync(Guid star, int chunks)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"UPDATE knowledge_tasks SET chunk_count = 0 WHERE star_id = {star}");
        await db.Database.ExecuteSqlAsync($"UPDATE knowledge_tasks SET chunk_count = {chunks} WHERE id = (SELECT id FROM knowledge_tasks WHERE star_id = {star} LIMIT 1)");
    }

    // --- access: the read policy, repeated -------------------------------------------------------

    [Fact]
    public async Task Function_AnswersExactlyThoseTheReadPolicyLetsSeeTheStar()
    {
        var owner = await pg.CreateUserAsync();
        var stranger = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var stars = new Dictionary<string, Guid>
        {
            ["private"] = await CreateStarAsync(owner),
            ["public"] = await CreateStarAsync(owner, isPublic: true),
            ["public-paused"] = await CreateStarAsync(owner, isPublic: true, StarStatus.Paused),
            ["public-archived"] = await CreateStarAsync(owner, isPublic: true, StarStatus.Archived),
            ["private-paused"] = await CreateStarAsync(owner, status: StarStatus.Paused),
        };
        foreach (var star in stars.Values)
        {
            var task = await RetrievalCorpus.CreateTaskAsync(pg, star, "quokka.txt");
            await RetrievalCorpus.InsertChunkAsync(pg, star, task, 0, "The quokka lives on Rottnest Island.", "quokka.txt", ["animals"]);
            await RetrievalCorpus.InsertChunkAsync(pg, star, task, 1, "Quokkas are small marsupials.", "quokka.txt", ["animals"]);
        }

        var users = new Dictionary<string, UserContext>
        {
            ["owner"] = owner, ["admin"] = admin, ["stranger"] = stranger, ["anonymous"] = UserContext.Anonymous,
        };
        var expected = new HashSet<(string, string)>
        {
            ("owner", "private"), ("owner", "public"), ("owner", "public-paused"), ("owner", "public-archived"), ("owner", "private-paused"),
            ("admin", "private"), ("admin", "public"), ("admin", "public-paused"), ("admin", "public-archived"), ("admin", "private-paused"),
            ("stranger", "public"), ("anonymous", "public"),
        };

        var wrong = new List<string>();
        foreach (var (userName, user) in users)
        {
            foreach (var (starName, star) in stars)
            {
                var hits = await SearchAsync(user, star, ["quokka", "rottnest"]);
                var policy = await VisibleRowsAsync(user, star);
                var allowed = expected.Contains((userName, starName));
                if (hits.Count != (allowed ? 1 : 0) || policy != (allowed ? 2 : 0))
                {
                    wrong.Add($"{userName} on {starName}: function {hits.Count} rows, policy {policy} rows, expected {(allowed ? "1 and 2" : "none")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Function_StrangerNamingThePrivateStarsRows_StillGetsNothing()
    {
        var owner = await pg.CreateUserAsync();
        var stranger = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        var corpus = await RetrievalCorpus.IndexAsync(pg, star);
        await using var db = pg.OwnerContext();
        var ids = await db.StarEmbeddings.Where(e => e.StarId == star).Select(e => e.Id).ToListAsync();

        var pooled = await SearchAsync(stranger, star, ["paper", "纸张"], pool: ids);
        var byTask = await SearchAsync(stranger, star, ["paper", "纸张"], task: corpus.TaskIds["paper-types"]);

        Assert.Empty(pooled);
        Assert.Empty(byTask);
        Assert.NotEmpty(await SearchAsync(owner, star, ["paper", "纸张"], pool: ids));
    }

    [Theory]
    [InlineData(KnowledgeWordFrequencies.Signature)]
    [InlineData(KnowledgeWordFrequencies.FrequenciesSignature)]
    public async Task Function_IsSecurityDefinerWithAFixedSearchPath_AndOnlyTheAppRoleMayCallIt(string signature)
    {
        await using var db = pg.OwnerContext();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT p.prosecdef, p.provolatile::text, array_to_string(p.proconfig, ';'),
                   pg_get_userbyid(p.proowner) = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relname = 'star_embeddings'),
                   EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0),
                   has_function_privilege(@app, p.oid, 'EXECUTE')
            FROM pg_proc p WHERE p.oid = @signature::regprocedure
            """, conn);
        cmd.Parameters.AddWithValue("app", new NpgsqlConnectionStringBuilder(pg.AppConnectionString).Username!);
        cmd.Parameters.AddWithValue("signature", signature);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.True(reader.GetBoolean(0), "SECURITY DEFINER");
        Assert.Equal("s", reader.GetString(1)); // STABLE
        Assert.Equal("search_path=public, pg_temp", reader.GetString(2));
        Assert.True(reader.GetBoolean(3), "owned by the table owner");
        Assert.False(reader.GetBoolean(4), "PUBLIC may not execute it");
        Assert.True(reader.GetBoolean(5), "the app role may execute it");
    }

    // --- filters ---------------------------------------------------------------------------------

    [Fact]
    public async Task Function_AppliesTheTaskSourceTagAndPoolFilters_AndRanksLikeThePlainQuery()
    {
        var owner = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        var corpus = await RetrievalCorpus.IndexAsync(pg, star);
        string[] terms = ["paper", "纸张", "star", "望远", "acid", "毛笔", "the"];
        var task = corpus.TaskIds["eclipse"];
        var pool = corpus.ChunkIds.Where(kv => kv.Key is "paper-types" or "deacidify-en" or "telescope-zh" or "brushes" or "sourdough").Select(kv => kv.Value).ToList();
        await using var db = pg.OwnerContext();
        var poolRows = await db.StarEmbeddings.Where(e => pool.Contains(e.ChunkId)).Select(e => e.Id).ToListAsync();

        var all = await SearchAsync(owner, star, terms, limit: 100);
        var byTask = await SearchAsync(owner, star, terms, limit: 100, task: task);
        var bySource = await SearchAsync(owner, star, terms, limit: 100, source: "Conservation Handbook.pdf");
        var byTag = await SearchAsync(owner, star, terms, limit: 100, tag: "书法");
        var byPool = await SearchAsync(owner, star, terms, limit: 100, pool: poolRows);
        var top3 = await SearchAsync(owner, star, terms, limit: 3);

        var expectedAll = await ExpectedAsync(star, terms);
        Assert.True(expectedAll.Count > 10, "the terms match much of the corpus");
        Assert.Equal(expectedAll, all.Select(h => h.Id));
        Assert.Equal(expectedAll.Take(3), top3.Select(h => h.Id));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Rank >= p.Second.Rank), "ranks descend");
        Assert.Equal(await ExpectedAsync(star, terms, "AND e.task_id = @task", new NpgsqlParameter("task", task)), byTask.Select(h => h.Id));
        Assert.Equal(
            await ExpectedAsync(star, terms, "AND e.metadata->>'sourceName' = @source", new NpgsqlParameter("source", "Conservation Handbook.pdf")),
            bySource.Select(h => h.Id));
        Assert.Equal(await ExpectedAsync(star, terms, "AND e.metadata->'tags' ? @tag", new NpgsqlParameter("tag", "书法")), byTag.Select(h => h.Id));
        Assert.Equal(
            await ExpectedAsync(star, terms, "AND e.id = ANY(@pool)", new NpgsqlParameter("pool", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = poolRows.ToArray() }),
            byPool.Select(h => h.Id));
        Assert.NotEmpty(byTask);
        Assert.NotEmpty(bySource);
        Assert.NotEmpty(byTag);
        Assert.NotEmpty(byPool);
    }

    [Fact]
    public async Task Function_NoUsableTerms_OrOperatorCharacters_ReturnNothingWithoutFailing()
    {
        var owner = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        await RetrievalCorpus.IndexAsync(pg, star);

        Assert.Empty(await SearchAsync(owner, star, []));
        Assert.Empty(await SearchAsync(owner, star, ["&", "|", "!", "'", "\\", "<->", ":*"]));
        Assert.Single(await SearchAsync(owner, star, ["(", "sicilian", "&", "quokka:*"]));
        Assert.NotEmpty(await SearchAsync(owner, star, ["it's", "a\\b", "'sicilian' | 'paper'"]));
    }

    // --- the GIN index ----------------------------------------------------------------------------

    // A star of 20,000 chunks where two name rare words, so the index is the planner's best way to them. The bulk rows
    // are written by SQL with 3-dimensional vectors (no HNSW index covers that size, so the insert is quick) and about
    // 1.3 kB of content each, so that reading them all costs what it does for real chunks.
    private async Task<(UserContext Owner, Guid Star)> BigStarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        var task = await RetrievalCorpus.CreateTaskAsync(pg, star, "bulk.txt");
        await using (var db = pg.OwnerContext())
        {
            await db.Database.ExecuteSqlAsync($$"""
                INSERT INTO star_embeddings (id, star_id, task_id, chunk_id, seq, embedding, dimensions, embedding_model, content, search_text, metadata)
                SELECT gen_random_uuid(), {{star}}, {{task}}, gen_random_uuid(), g, '[1,0,0]'::vector, 3, 'bulk',
                       x.t || (SELECT string_agg(md5(g || '-' || i), ' ') FROM generate_series(1, 40) AS i), x.t,
                       '{"sourceName": "bulk.txt", "tags": []}'::jsonb
                FROM generate_series(1, 20000) AS g,
                     LATERAL (SELECT 'paper binding thread ' || (ARRAY['ink', 'brush', '纸张', '装订'])[1 + g % 4] || ' bulk' || g AS t) AS x
                """);
        }

        await RetrievalCorpus.InsertChunkAsync(pg, star, task, 30000, "The quokka lives on Rottnest Island.", "bulk.txt", []);
        await RetrievalCorpus.InsertChunkAsync(pg, star, task, 30001, "The Sicilian Defence begins 1.e4 c5.", "bulk.txt", []);
        await SetChunkCountAsync(star, 20002);
        await RetrievalCorpus.AnalyzeAsync(pg);
        return (owner, star);
    }

    // The plan of the query the function EXECUTEs for one tier, with these values (the function plans each call with
    // its values), as the owning role the function runs as.
    private async Task<string> ExplainTierAsync(Guid star, string ranked, string matched)
    {
        await using var db = pg.OwnerContext();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("EXPLAIN " + KnowledgeTextSearchFunction.TierQuery, conn);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = star });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = 500 });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = ranked });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = matched });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = 40 });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = DBNull.Value });
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join("\n", plan);
    }

    [Fact]
    public async Task TierQuery_AsTheOwningRole_IsPlannedThroughTheGinIndex()
    {
        var (_, star) = await BigStarAsync();

        var plan = await ExplainTierAsync(star, "'quokka' | 'sicilian' | 'paper'", "'quokka' | 'sicilian'");

        Assert.True(plan.Contains($"Bitmap Index Scan on {GinIndex}", StringComparison.Ordinal), plan);
        Assert.False(plan.Contains("Seq Scan", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task Function_AsTheAppRole_ScansTheGinIndex_WhichThePlainQueryUnderRowLevelSecurityCannot()
    {
        var (owner, star) = await BigStarAsync();

        var (viaFunction, viaPlainQuery, found) = await pg.Db(owner).RunAsync(async (db, _) =>
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();

            // Index scans this transaction has made so far (counted in the backend, before they are reported).
            async Task<long> ScansAsync()
            {
                await using var count = new NpgsqlCommand($"SELECT pg_stat_get_xact_numscans('{GinIndex}'::regclass)", conn, tx);
                return (long)(await count.ExecuteScalarAsync())!;
            }

            var before = await ScansAsync();
            var hits = await KnowledgeSearchSql.TextAsync(conn, tx, new KnowledgeSearchScope(star, RetrievalCorpus.Model, 384), ["quokka", "sicilian"], 40);
            var afterFunction = await ScansAsync();
            await using (var plain = new NpgsqlCommand(
                "SELECT count(*) FROM star_embeddings e WHERE e.star_id = @star AND e.search_vector @@ to_tsquery('simple', 'quokka | sicilian')", conn, tx))
            {
                plain.Parameters.AddWithValue("star", star);
                Assert.Equal(2L, (long)(await plain.ExecuteScalarAsync())!);
            }

            var afterPlain = await ScansAsync();
            return (afterFunction - before, afterPlain - afterFunction, hits.Count);
        });

        Assert.Equal(2, found);
        Assert.True(viaFunction >= 1, $"the function scanned the GIN index {viaFunction} times; the plan: " + await ExplainTierAsync(star, "'quokka' | 'sicilian'", "'quokka' | 'sicilian'"));
        Assert.Equal(0, viaPlainQuery);
    }

    // --- bounded ranking, rare words first ----------------------------------------------------------

    [Fact]
    public async Task Function_StarAboveTheRankLimit_RanksTheRareWordsMatchesFirst_ThenFillsWithCommonOnes()
    {
        var owner = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        var task = await RetrievalCorpus.CreateTaskAsync(pg, star, "bulk.txt");
        var random = new Random(5);
        string[] words = ["paper", "binding", "thread", "ink", "brush", "纸张", "装订"];
        // 400 chunks of common words, then (last, so a scan in physical order would reach them last) three that
        // also name a rare animal.
        await RetrievalCorpus.InsertManyAsync(pg, star, task,
            Enumerable.Range(0, 400).Select(i => string.Join(' ', Enumerable.Range(0, 20).Select(_ => words[random.Next(words.Length)]))).ToList(),
            "bulk.txt");
        var rare = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            rare.Add(await RetrievalCorpus.InsertChunkAsync(pg, star, task, 1000 + i, $"a quokka {i} near the paper mill", "bulk.txt", []));
        }

        await SetChunkCountAsync(star, 403);
        await RetrievalCorpus.AnalyzeAsync(pg);
        await using var db = pg.OwnerContext();
        var rareRows = await db.StarEmbeddings.Where(e => rare.Contains(e.ChunkId)).Select(e => e.Id).ToListAsync();

        var hits = await SearchAsync(owner, star, ["paper", "quokka"], limit: 10, rankLimit: 50);
        var exact = await SearchAsync(owner, star, ["paper", "quokka"], limit: 10, rankLimit: 1000);

        Assert.Equal(10, hits.Count);
        Assert.Equal(rareRows.ToHashSet(), hits.Take(3).Select(h => h.Id).ToHashSet());
        Assert.Equal(10, hits.Select(h => h.Id).Distinct().Count());
        // With a limit above the star's size every match is ranked, exactly as the plain query does.
        Assert.Equal((await ExpectedAsync(star, ["paper", "quokka"])).Take(10), exact.Select(h => h.Id));
    }

    // 300 chunks, every one with the common word (paper), every tenth also with the rare one (quokka); analysed.
    private async Task<(UserContext Owner, Guid Star)> CreatePaperAndQuokkaStarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = await CreateStarAsync(owner);
        var task = await RetrievalCorpus.CreateTaskAsync(pg, star, "bulk.txt");
        // Every chunk has the common word; every tenth also the rare one.
        await RetrievalCorpus.InsertManyAsync(pg, star, task,
            Enumerable.Range(0, 300).Select(i => i % 10 == 0 ? $"paper paper paper quokka {i}" : $"paper paper paper paper paper paper {i}").ToList(),
            "bulk.txt");
        await SetChunkCountAsync(star, 300);
        await RetrievalCorpus.AnalyzeAsync(pg);
        return (owner, star);
    }

    [Fact]
    public async Task Function_RareWordsWithEnoughMatches_DoNotRankTheCommonOnes()
    {
        var (owner, star) = await CreatePaperAndQuokkaStarAsync();

        var hits = await SearchAsync(owner, star, ["paper", "quokka"], limit: 20, rankLimit: 100);

        // 30 chunks name the quokka: the 20 asked for all come from them.
        Assert.Equal(20, hits.Count);
        await using var db = pg.OwnerContext();
        var ids = hits.Select(h => h.Id).ToList();
        Assert.All(await db.StarEmbeddings.Where(e => ids.Contains(e.Id)).Select(e => e.Content).ToListAsync(),
            content => Assert.Contains("quokka", content, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Function_GivenTheWordsFrequencies_OrdersItsTiersByThem_AsByTheStatisticsItReadsItself()
    {
        var (owner, star) = await CreatePaperAndQuokkaStarAsync();

        // The app's shared copy, read as the app role through knowledge_word_frequencies(), once a minute.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var shared = new WordFrequencies(clock);
        Task<IReadOnlyDictionary<string, float>> ReadAsync() => pg.Db(owner).RunAsync(async (db, _) => await shared.GetAsync(
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()));
        var statistics = await ReadAsync();
        Assert.Same(statistics, await ReadAsync());
        clock.Advance(WordFrequencies.RefreshInterval);
        Assert.NotSame(statistics, await ReadAsync());
        Assert.Equal(2, shared.Reads);
        Assert.True(statistics.TryGetValue("paper", out var paper) && paper > 0.5, $"paper: {paper}");
        Assert.True(statistics.GetValueOrDefault("quokka") < paper, "the rare word is listed as rarer, or not at all (rarer than any listed)");

        var readInside = await SearchAsync(owner, star, ["paper", "quokka"], limit: 20, rankLimit: 100);
        var passedIn = await SearchAsync(owner, star, ["paper", "quokka"], limit: 20, rankLimit: 100, frequencies: statistics);
        Assert.Equal(readInside.Select(h => h.Id), passedIn.Select(h => h.Id));

        // Frequencies that call the quokka common and leave paper unlisted put paper in the first tier: what is passed
        // in is what orders the terms.
        var reversed = await SearchAsync(owner, star, ["paper", "quokka"], limit: 20, rankLimit: 100, frequencies: new Dictionary<string, float> { ["quokka"] = 0.9f });
        await using var check = pg.OwnerContext();
        var ids = reversed.Select(h => h.Id).ToList();
        Assert.Equal(20, ids.Count);
        Assert.Contains(await check.StarEmbeddings.Where(e => ids.Contains(e.Id)).Select(e => e.Content).ToListAsync(),
            content => !content.Contains("quokka", StringComparison.Ordinal));
    }
}
