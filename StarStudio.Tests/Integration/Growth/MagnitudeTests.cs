using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;
using StarStudio.Data.Growth.Magnitude;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>
/// Magnitude on the real PostgreSQL: signals measured set-based from seeded rows, the nightly run as no user through the
/// definer functions, on-demand probes for the owner only, and who may read a level.
/// </summary>
public sealed class MagnitudeTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 5, 4, 0, 0, TimeSpan.Zero));

    private MagnitudeService Service(UserContext user, IStarChatEngine? engine = null) =>
        new(pg.Db(user), engine ?? new SameAnswerEngine(), clock);

    private MagnitudeNightly Nightly() => new(pg.AppContextFactory(), clock, NullLogger<MagnitudeNightly>.Instance);

    private async Task<Guid> StarAsync(UserContext owner, bool isPublic = false, StarStatus status = StarStatus.Active)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = "星等测试", Domain = "书法", Persona = "p", Tone = "t", Status = status, IsPublic = isPublic, CreatedAt = clock.Now, UpdatedAt = clock.Now });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task<Guid> ConversationAsync(Guid star, UserContext player)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"INSERT INTO conversations (id, star_id, user_id, channel, status) VALUES ({id}, {star}, {player.UserId!.Value}, 'web', 'active')");
        return id;
    }

    /// <summary>Inserts <paramref name="count"/> traces; returns their ids.</summary>
    private async Task<List<Guid>> TracesAsync(Guid star, Guid conversation, UserContext player, int count, bool success = true, int citations = 0,
        float? copied = null, DateTimeOffset? at = null, Guid? message = null)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        await using var db = pg.OwnerContext();
        foreach (var id in ids)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO chat_traces (id, conversation_id, star_id, user_id, message_id, model, tokens_in, tokens_out, total_ms, tool_calls, cost, success, prompt, created_at, citation_count, copied_share)
                VALUES ({id}, {conversation}, {star}, {player.UserId!.Value}, {message ?? Guid.NewGuid()}, 'offline', 1, 1, 1, 0, 0, {success}, '[]'::jsonb, {at ?? clock.Now}, {citations}, {copied})
                """);
        }

        return ids;
    }

    private async Task AnswerRatingAsync(Guid star, Guid conversation, UserContext player, Guid message, Guid trace, short rating, string[] labels, string answer)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO answer_feedback (conversation_id, star_id, user_id, message_id, trace_id, rating, labels, prompt, answer)
            VALUES ({conversation}, {star}, {player.UserId!.Value}, {message}, {trace}, {rating}, {labels}, '宣纸怎么保存？', {answer})
            """);
    }

    private async Task ConversationRatingAsync(Guid conversation, short rating, string[] labels)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlAsync($"INSERT INTO conversation_feedback (conversation_id, rating, labels) VALUES ({conversation}, {rating}, {labels})");
    }

    private async Task<List<MagnitudeHistory>> RowsAsync(Guid star)
    {
        await using var db = pg.OwnerContext();
        return await db.MagnitudeHistory.AsNoTracking().Where(h => h.StarId == star).OrderBy(h => h.EvaluatedAt).ThenBy(h => h.Trigger).ToListAsync();
    }

    [Fact]
    public async Task Nightly_MeasuresSeededSignals_AndAppendsTheFormulasScores()
    {
        var owner = await pg.CreateUserAsync();
        var p1 = await pg.CreateUserAsync();
        var p2 = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var c1 = await ConversationAsync(star, p1);
        var c2 = await ConversationAsync(star, p2);
        var c3 = await ConversationAsync(star, owner);
        // P1: 8 answers in one day, 4 cited, each with a quarter copied; one failed answer that must not count.
        await TracesAsync(star, c1, p1, 4, citations: 2, copied: 0.25f);
        await TracesAsync(star, c1, p1, 4, copied: 0.25f);
        await TracesAsync(star, c1, p1, 1, success: false, citations: 3, copied: 0.9f);
        // P2: answered on two Beijing days (returning), no passages; one message regenerated and both generations rated.
        var message = Guid.NewGuid();
        var first = (await TracesAsync(star, c2, p2, 1, message: message))[0];
        var second = (await TracesAsync(star, c2, p2, 1, at: clock.Now.AddDays(1), message: message))[0];
        // The owner's playground answers count as answers, but the owner is not a player.
        await TracesAsync(star, c3, owner, 2, at: clock.Now.AddDays(3));
        await ConversationRatingAsync(c1, 5, ["深度", "有用"]);
        await AnswerRatingAsync(star, c2, p2, message, first, 4, ["有用"], "宣纸要避光、恒湿保存");
        await AnswerRatingAsync(star, c2, p2, message, second, 2, [], "宣纸要避光、恒湿保存");
        var paused = await StarAsync(owner, status: StarStatus.Paused);

        var written = await Nightly().RunAsync();

        Assert.True(written >= 1);
        Assert.Empty(await RowsAsync(paused));
        var row = Assert.Single(await RowsAsync(star));
        Assert.Equal(MagnitudeTriggers.Nightly, row.Trigger);
        var s = MagnitudeEvidence.Signals(row.Evidence)!;
        // Hand-counted from the rows above.
        Assert.Equal((12, 4, 8, 0.25), (s.Answers, s.CitedAnswers, s.CopiedSamples, s.CopiedShareMean));
        Assert.Equal((3, 1, 2), (s.Ratings, s.DepthLabels, s.UsefulLabels));
        Assert.Equal(11.0 / 3, s.RatingMean, 9);
        Assert.Equal((2, 1), (s.Players, s.ReturningPlayers));
        Assert.Equal((1, 1.0), (s.RegeneratedPairs, s.RegeneratedSimilarityMean));
        Assert.Equal((0, 0, 0), (s.ProbePairs, s.SkillCalls, s.RubricDepthScores));
        // depth: cited (12·33.33 + 10·50)/22 = 40.91; label (3·33.33 + 5·50)/8 = 43.75;
        // rubric 50 → 0.5·40.91 + 0.25·43.75 + 0.25·50 = 43.89.
        Assert.Equal(43.89m, row.Depth);
        // originality: (8·75 + 10·50)/18 = 61.11.
        Assert.Equal(61.11m, row.Originality);
        // consistency: probe 50; regenerated (1·100 + 5·50)/6 = 58.33 → 0.6·50 + 0.4·58.33 = 53.33.
        Assert.Equal(53.33m, row.Consistency);
        // utility: rating (3·66.67 + 5·50)/8 = 56.25; useful (3·66.67 + 250)/8 = 56.25; skills 50; returning (2·50 + 250)/7 = 50
        // → 0.4·56.25 + 0.2·56.25 + 0.2·50 + 0.2·50 = 53.75.
        Assert.Equal(53.75m, row.Utility);
        // overall: 0.3·43.89 + 0.2·61.11 + 0.2·53.33 + 0.3·53.75 = 52.18 → L2.
        Assert.Equal(52.18m, row.Overall);
        Assert.Equal(MagnitudeLevel.L2, row.Level);
    }

    [Fact]
    public async Task Nightly_AStarWithoutData_IsFiftyAndL2()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);

        await Nightly().RunAsync();

        var row = Assert.Single(await RowsAsync(star));
        Assert.Equal((50m, 50m, 50m, 50m, 50m, MagnitudeLevel.L2), (row.Depth, row.Originality, row.Consistency, row.Utility, row.Overall, row.Level));
    }

    [Fact]
    public async Task OnDemand_ProbesThroughTheEngine_ThenNightlyCarriesTheProbeForward()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var engine = new SameAnswerEngine();

        var result = await Service(owner, engine).RecomputeAsync(star);

        Assert.True(result.Succeeded, string.Join(",", result.Errors.Select(e => e.Code)));
        Assert.Equal(2 * MagnitudeProbes.MaxPairs, engine.Questions.Count);
        Assert.Equal(MagnitudeProbes.Paraphrase(engine.Questions[0]), engine.Questions[1]);
        var onDemand = Assert.Single(await RowsAsync(star));
        Assert.Equal(MagnitudeTriggers.OnDemand, onDemand.Trigger);
        // Identical answers agree fully: probe (4·100 + 2·50)/6 = 83.33, regenerated 50 → 0.6·83.33 + 0.4·50 = 70.
        Assert.Equal(70m, onDemand.Consistency);
        Assert.Equal(onDemand.Id, result.Value!.Latest!.Id);

        clock.Advance(TimeSpan.FromDays(1));
        await TracesAsync(star, await ConversationAsync(star, owner), owner, 1);
        await Nightly().RunAsync();

        var nightly = (await RowsAsync(star)).Last();
        Assert.Equal(MagnitudeTriggers.Nightly, nightly.Trigger);
        Assert.Equal(70m, nightly.Consistency);
        Assert.Equal(MagnitudeProbes.MaxPairs, MagnitudeEvidence.Probe(nightly.Evidence).Pairs);
    }

    [Fact]
    public async Task Nightly_WithoutNewData_AppendsNoRow_AndANewRatingDoes()
    {
        var owner = await pg.CreateUserAsync();
        var player = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var conversation = await ConversationAsync(star, player);
        await TracesAsync(star, conversation, player, 3, citations: 1);

        await Nightly().RunAsync();
        clock.Advance(TimeSpan.FromDays(1));
        await Nightly().RunAsync();
        Assert.Single(await RowsAsync(star));

        await ConversationRatingAsync(conversation, 5, ["有用"]);
        clock.Advance(TimeSpan.FromDays(1));
        await Nightly().RunAsync();

        var rows = await RowsAsync(star);
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, MagnitudeEvidence.Signals(rows[1].Evidence)!.Ratings);
    }

    [Fact]
    public async Task OnDemand_AnotherOwner_IsRefused_AndTwiceInARow_IsTooSoon()
    {
        var owner = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var star = await StarAsync(owner, isPublic: true);

        var stranger = await Service(other).RecomputeAsync(star);
        Assert.Equal(ResultKind.Forbidden, stranger.Kind);
        Assert.Empty(await RowsAsync(star));

        Assert.True((await Service(owner).RecomputeAsync(star)).Succeeded);
        var again = await Service(owner).RecomputeAsync(star);
        Assert.Equal(MagnitudeErrors.TooSoon, Assert.Single(again.Errors).Code);
        Assert.Single(await RowsAsync(star));
    }

    [Fact]
    public async Task DefinerFunctions_RefuseSignedInNonOwners()
    {
        var owner = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var star = await StarAsync(owner);

        var batch = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(other).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM magnitude_signals(NULL, 10, NULL)").SingleAsync()));
        var one = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(other).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM magnitude_signals(NULL, 1, {star})").SingleAsync()));
        var append = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT magnitude_append('[]'::jsonb, now()) AS \"Value\"").SingleAsync()));

        Assert.All([batch, one, append], e => Assert.Equal("42501", e.SqlState));
        Assert.Equal(1, await pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM magnitude_signals(NULL, 1, {star})").SingleAsync()));
    }

    [Fact]
    public async Task ARecordedEvaluation_CannotBeEdited_ButItsReportCanBeAdded()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        await Nightly().RunAsync();

        var edit = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE magnitude_history SET level = 'L5', overall = 99 WHERE star_id = {star}")));
        var report = await pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE magnitude_history SET report_uri = 's3://exports/x.pdf' WHERE star_id = {star}"));

        Assert.Equal("42501", edit.SqlState);
        Assert.Equal(1, report);
        Assert.Equal(MagnitudeLevel.L2, Assert.Single(await RowsAsync(star)).Level);
    }

    [Fact]
    public async Task Reading_APublicStarsLevel_IsForAnyone_APrivateOnesForItsOwnerOnly()
    {
        var owner = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var open = await StarAsync(owner, isPublic: true);
        var closed = await StarAsync(owner);
        await Nightly().RunAsync();

        Assert.True((await Service(other).GetAsync(open)).Succeeded);
        Assert.Equal(ResultKind.NotFound, (await Service(other).GetAsync(closed)).Kind);
        var mine = await Service(owner).GetAsync(closed);
        Assert.True(mine.Value!.IsOwner);
        Assert.Single(mine.Value.History);

        var seen = await Service(other).LevelsAsync([open, closed]);
        Assert.Equal([open], seen.Keys);
        Assert.Equal(MagnitudeLevel.L2, seen[open]);
        Assert.Equal(2, (await Service(owner).LevelsAsync([open, closed])).Count);
    }

    [Fact]
    public async Task L4Scores_WithoutEnoughRatingsAndPlayers_AreCappedToL3_AndTheReasonIsKept()
    {
        var owner = await pg.CreateUserAsync();
        var star = await StarAsync(owner);
        var players = new List<(UserContext User, Guid Conversation)>();
        for (var i = 0; i < 5; i++)
        {
            var p = await pg.CreateUserAsync();
            players.Add((p, await ConversationAsync(star, p)));
        }

        foreach (var (p, c) in players)
        {
            await TracesAsync(star, c, p, 20, citations: 1, copied: 0f);
            await TracesAsync(star, c, p, 20, citations: 1, copied: 0f, at: clock.Now.AddDays(2));
            for (var r = 0; r < 6; r++)
            {
                await ConversationRatingAsync(c, 5, ["深度", "有用"]);
            }
        }

        await Nightly().RunAsync();

        // depth: cited (200·100 + 500)/210 = 97.62; label (30·100 + 250)/35 = 92.86; rubric 50 → 84.53. originality 97.62.
        // consistency 50. utility: 0.4·92.86 + 0.2·92.86 + 0.2·50 + 0.2·(5·100 + 250)/10 = 80.72. overall ≈ 79.1 → L4 reached.
        var row = Assert.Single(await RowsAsync(star));
        Assert.InRange(row.Overall, 79m, 79.2m);
        Assert.Equal(MagnitudeLevel.L3, row.Level);
        var cap = JsonNode.Parse(row.Evidence)!["cap"]!;
        Assert.Equal(("L4", "L3", 30, 5, 50, 10),
            (cap["reached"]!.GetValue<string>(), cap["given"]!.GetValue<string>(), cap["ratings"]!.GetValue<int>(), cap["players"]!.GetValue<int>(),
             cap["ratings_needed"]!.GetValue<int>(), cap["players_needed"]!.GetValue<int>()));
    }

    /// <summary>An engine that answers every question with the same text and remembers the questions.</summary>
    private sealed class SameAnswerEngine : IStarChatEngine
    {
        public List<string> Questions { get; } = [];

        public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Yield();
            Questions.Add(request.UserMessage);
            const string answer = "临帖要先读帖，再动笔。";
            yield return new ChatDelta(answer);
            yield return new ChatCompleted(new ChatOutcome(answer, "offline", "offline", 1, 1, [], [], [], "[]", 1, 1, true, false, null, null, 0));
        }
    }
}
