using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Data.Arena.Admin;
using StarStudio.TestSupport;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Arena.Admin;

/// <summary>The arena's admin rules on the real PostgreSQL, as admins and as others (RLS on).</summary>
public sealed class ArenaAdminServiceTests(PostgresDatabase pg, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingScoringQueue scoring = new();

    private ArenaAdminService Admin(UserContext user) => new(pg.Db(user), clock, scoring);

    private static List<string> Codes<T>(Result<T> r) => r.Errors.Select(e => e.Field + " " + e.Code).ToList();

    [Fact]
    public async Task NonAdmin_IsRefusedEverything_AndRlsRefusesTooWhenTheServiceIsFooled()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var trial = (await Admin(admin).CreateTrialAsync(ArenaAdminTestData.Draft(clock.Now))).Value!.Trial.Id;
        var service = Admin(player);

        Assert.Equal(ResultKind.Forbidden, (await service.ListSeasonsAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateSeasonAsync(new SeasonDraft { Name = "s", EndsAt = clock.Now })).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.ListTrialsAsync(null, null)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.GetTrialAsync(trial)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CreateTrialAsync(ArenaAdminTestData.Draft(clock.Now))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.UpdateTrialAsync(trial, ArenaAdminTestData.Draft(clock.Now))).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.AddJudgeAsync(trial, "x")).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.RemoveJudgeAsync(trial, admin.UserId!.Value)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.OpenAsync(trial)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.CloseSubmissionsNowAsync(trial)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await service.FinishNowAsync(trial)).Kind);

        // A player who claims the admin role in the app is still no admin to PostgreSQL: the draft is invisible and
        // a season insert breaks the policy.
        var pretender = Admin(UserContext.For(player.UserId!.Value, StarStudio.Core.Identity.RoleNames.Admin));
        Assert.Equal(ResultKind.NotFound, (await pretender.OpenAsync(trial)).Kind);
        await Assert.ThrowsAsync<DbUpdateException>(() => pretender.CreateSeasonAsync(new SeasonDraft { Name = "s", StartsAt = clock.Now, EndsAt = clock.Now.AddDays(1) }));
        Assert.Equal(TrialStatus.Draft, (await ArenaAdminTestData.ReadAsync(pg, trial)).Status);
        Assert.Empty(scoring.Enqueued);
    }

    [Fact]
    public async Task Seasons_CreateListUpdate_AndEveryRuleAtItsField()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var bad = await admin.CreateSeasonAsync(new SeasonDraft
        {
            Name = new string('星', 81), StartsAt = clock.Now, EndsAt = clock.Now, Rules = new string('r', 4001), RewardTable = [100, -1],
        });
        var tooLong = await admin.CreateSeasonAsync(new SeasonDraft { Name = "s", StartsAt = clock.Now, EndsAt = clock.Now.AddDays(1), RewardTable = [.. Enumerable.Repeat(1L, 51)] });
        var empty = await admin.CreateSeasonAsync(new SeasonDraft { Name = "  ", StartsAt = clock.Now, EndsAt = clock.Now.AddDays(1) });

        Assert.Equal(["Name Arena.Season.Name.Length", "EndsAt Arena.Season.Window", "Rules Arena.Season.Rules.TooLong", "RewardTable Arena.Season.RewardTable.Range"], Codes(bad));
        Assert.Equal(2, bad.Errors[3].Args[0]);
        Assert.Equal(["RewardTable Arena.Season.RewardTable.TooLong"], Codes(tooLong));
        Assert.Equal(["Name Arena.Season.Name.Length"], Codes(empty));

        // 80 code points of emoji are 160 UTF-16 units: still a valid name.
        var created = await admin.CreateSeasonAsync(new SeasonDraft
        {
            Name = string.Concat(Enumerable.Repeat("🌟", 80)), StartsAt = clock.Now, EndsAt = clock.Now.AddDays(30), Rules = "规则", RewardTable = [100, 50, 0],
        });
        Assert.True(created.Succeeded, string.Join(",", Codes(created)));
        // The pages send Beijing times.
        var beijing = clock.Now.ToOffset(TimeSpan.FromHours(8));
        var updated = await admin.UpdateSeasonAsync(created.Value!.Id, new SeasonDraft { Name = " 第一季 ", StartsAt = beijing, EndsAt = beijing.AddDays(60), RewardTable = [] });
        var listed = (await admin.ListSeasonsAsync()).Value!.Single(s => s.Id == created.Value.Id);

        Assert.Equal("第一季", listed.Name);
        Assert.Empty(listed.RewardTable);
        Assert.Equal(clock.Now.AddDays(60), listed.EndsAt);
        Assert.Equal(ResultKind.NotFound, (await admin.UpdateSeasonAsync(Guid.NewGuid(), new SeasonDraft { Name = "x", EndsAt = clock.Now })).Kind);
        Assert.True(updated.Succeeded);
    }

    [Fact]
    public async Task Trials_CreateGetListUpdate_AsDraft_FilteredBySeasonAndStatus()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var season = (await admin.CreateSeasonAsync(new SeasonDraft { Name = "筛选季", StartsAt = clock.Now, EndsAt = clock.Now.AddDays(9) })).Value!;
        var draft = ArenaAdminTestData.Draft(clock.Now);
        draft.SeasonId = season.Id;
        var created = await admin.CreateTrialAsync(draft);
        Assert.True(created.Succeeded, string.Join(",", Codes(created)));
        var id = created.Value!.Trial.Id;

        draft.Title = "改过的标题";
        draft.OpensAt = draft.OpensAt.ToOffset(TimeSpan.FromHours(8)); // as the editor sends it
        draft.Rubric = [new RubricCriterion(" 忠实 ", " 意思 ", 3)];
        var updated = await admin.UpdateTrialAsync(id, draft);
        var got = (await admin.GetTrialAsync(id)).Value!;

        Assert.True(updated.Succeeded);
        Assert.Equal(TrialStatus.Draft, got.Trial.Status);
        Assert.Equal(TrialPhase.Draft, got.Phase);
        Assert.Equal("改过的标题", got.Trial.Title);
        Assert.Equal(draft.OpensAt, got.Trial.OpensAt);
        Assert.Equal([new RubricCriterion("忠实", "意思", 3)], got.Trial.Rubric);
        Assert.True(got.ContentEditable);
        Assert.Equal([id], (await admin.ListTrialsAsync(season.Id, null)).Value!.Select(t => t.Id));
        Assert.Equal([id], (await admin.ListTrialsAsync(season.Id, TrialStatus.Draft)).Value!.Select(t => t.Id));
        Assert.Empty((await admin.ListTrialsAsync(season.Id, TrialStatus.Ongoing)).Value!);
        Assert.Equal(1, (await admin.ListSeasonsAsync()).Value!.Single(s => s.Id == season.Id).Trials);

        draft.SeasonId = Guid.NewGuid();
        Assert.Equal(["SeasonId Arena.Trial.Season.Unknown"], Codes(await admin.UpdateTrialAsync(id, draft)));
        Assert.Equal(ResultKind.NotFound, (await admin.GetTrialAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task Trial_FieldRules_EachRefusedAtItsField()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var draft = ArenaAdminTestData.Draft(clock.Now);
        draft.Title = "";
        draft.Prompt = new string('p', 8001);
        draft.Rubric = [new RubricCriterion("a", "", 1), new RubricCriterion("A", "", 0), new RubricCriterion("", new string('d', 501), double.NaN)];
        draft.SubmitUntil = draft.OpensAt.AddMinutes(-1);
        draft.MaxEntriesPerOwner = 0;
        draft.MaxRegenerations = 21;

        var result = await admin.CreateTrialAsync(draft);

        Assert.Equal(
        [
            "Title Arena.Trial.Title.Length", "Prompt Arena.Trial.Prompt.TooLong",
            "Rubric[1].Name Arena.Trial.Rubric.Name.Duplicate", "Rubric[1].Weight Arena.Trial.Rubric.Weight",
            "Rubric[2].Name Arena.Trial.Rubric.Name.Length", "Rubric[2].Weight Arena.Trial.Rubric.Weight", "Rubric[2].Description Arena.Trial.Rubric.Description.TooLong",
            "SubmitUntil Arena.Trial.Window.SubmitBeforeOpen", "MaxEntriesPerOwner Arena.Trial.MaxEntries.Range", "MaxRegenerations Arena.Trial.MaxRegenerations.Range",
        ], Codes(result));

        draft = ArenaAdminTestData.Draft(clock.Now);
        draft.EndsAt = draft.SubmitUntil.AddSeconds(-1);
        draft.Rubric = [.. Enumerable.Range(0, 11).Select(i => new RubricCriterion("c" + i, "", 1))];
        Assert.Equal(["Rubric Arena.Trial.Rubric.TooMany", "EndsAt Arena.Trial.Window.EndBeforeSubmit"], Codes(await admin.CreateTrialAsync(draft)));

        // A draft may be saved with an end in the past and no rubric; it cannot be opened like that.
        draft = ArenaAdminTestData.Draft(clock.Now.AddDays(-10));
        draft.Rubric = [];
        Assert.True((await admin.CreateTrialAsync(draft)).Succeeded);
    }

    [Fact]
    public async Task Schema_EveryRefusalAtTheSchemaField_WithItsPlace()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var draft = ArenaAdminTestData.Draft(clock.Now);
        draft.AnswerSchema = """{"type":"object","properties":{"a":{"typo":"string"},"b":{"$ref":"https://example.com/s.json"}}}""";

        var result = await admin.CreateTrialAsync(draft);

        Assert.Equal(["AnswerSchema Arena.Schema.Keyword", "AnswerSchema Arena.Schema.Ref"], Codes(result));
        Assert.Equal(["typo", "/properties/a/typo"], result.Errors[0].Args.Select(a => a.ToString()));
        Assert.Equal(["https://example.com/s.json", "/properties/b/$ref"], result.Errors[1].Args.Select(a => a.ToString()));

        draft.AnswerSchema = "{\"a\":1,\"a\":2}";
        Assert.Equal(["AnswerSchema Arena.Schema.DuplicateKey"], Codes(await admin.CreateTrialAsync(draft)));
        draft.AnswerSchema = "not json";
        Assert.Equal(["AnswerSchema Arena.Schema.NotJson"], Codes(await admin.CreateTrialAsync(draft)));
    }

    [Fact]
    public async Task Schema_TenMegabytesOrTenThousandDeep_RefusedQuickly()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        // Warm the connection pool and the schema library's one-time set-up, so the timing is the refusal's.
        await admin.ListSeasonsAsync();
        Assert.True(AnswerSchemas.Accept(ArenaAdminTestData.Schema).Succeeded);
        var big = ArenaAdminTestData.Draft(clock.Now);
        big.AnswerSchema = "{\"description\":\"" + new string('x', 10 * 1024 * 1024) + "\"}";
        var deep = ArenaAdminTestData.Draft(clock.Now);
        deep.AnswerSchema = new StringBuilder().Insert(0, "{\"not\":", 10_000).Append("{}").Append('}', 10_000).ToString();

        var watch = Stopwatch.StartNew();
        var bigResult = await admin.CreateTrialAsync(big);
        var bigTime = watch.Elapsed;
        watch.Restart();
        var deepResult = await admin.CreateTrialAsync(deep);
        var deepTime = watch.Elapsed;

        output.WriteLine($"10 MB schema refused in {bigTime.TotalMilliseconds:F1} ms, 10,000-deep in {deepTime.TotalMilliseconds:F1} ms (service call, one transaction)");
        Assert.Equal(["AnswerSchema Arena.Schema.TooLarge"], Codes(bigResult));
        Assert.Equal(["AnswerSchema Arena.Schema.TooDeep"], Codes(deepResult));
        // Generous bounds for a loaded 2-core machine; both take a few milliseconds when it is quiet.
        Assert.True(bigTime < TimeSpan.FromSeconds(1), $"10 MB schema took {bigTime.TotalMilliseconds} ms");
        Assert.True(deepTime < TimeSpan.FromSeconds(1), $"10,000-deep schema took {deepTime.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Open_RefusesAnInvalidDraftWithTheReasons_ThenOpensIt_Once()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var draft = ArenaAdminTestData.Draft(clock.Now.AddDays(-10));
        draft.Prompt = "";
        var id = (await admin.CreateTrialAsync(draft)).Value!.Trial.Id;

        var refused = await admin.OpenAsync(id);
        Assert.Equal(["Prompt Arena.Trial.Prompt.Required", "EndsAt Arena.Trial.Window.EndsInPast"], Codes(refused));
        Assert.Equal(TrialStatus.Draft, (await ArenaAdminTestData.ReadAsync(pg, id)).Status);

        var fixedDraft = ArenaAdminTestData.Draft(clock.Now);
        Assert.True((await admin.UpdateTrialAsync(id, fixedDraft)).Succeeded);
        var opened = await admin.OpenAsync(id);

        Assert.True(opened.Succeeded);
        Assert.Equal(TrialStatus.Ongoing, opened.Value!.Trial.Status);
        Assert.Equal(TrialPhase.Upcoming, opened.Value.Phase);
        Assert.Equal(["Status Arena.Trial.NotDraft"], Codes(await admin.OpenAsync(id)));
        Assert.Equal(ResultKind.NotFound, (await admin.OpenAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task CloseSubmissions_OnlyDuringSubmissions_StartsJudgingAtOnce()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var id = (await admin.CreateTrialAsync(ArenaAdminTestData.Draft(clock.Now))).Value!.Trial.Id;
        Assert.Equal(["Status Arena.Trial.NotInSubmissions"], Codes(await admin.CloseSubmissionsNowAsync(id)));
        await admin.OpenAsync(id);
        Assert.Equal(["Status Arena.Trial.NotInSubmissions"], Codes(await admin.CloseSubmissionsNowAsync(id))); // upcoming

        clock.Advance(TimeSpan.FromHours(2));
        var closed = await admin.CloseSubmissionsNowAsync(id);

        Assert.True(closed.Succeeded);
        Assert.Equal(TrialPhase.Judging, closed.Value!.Phase);
        Assert.Equal(clock.Now, (await ArenaAdminTestData.ReadAsync(pg, id)).SubmitUntil);
        Assert.Equal(["Status Arena.Trial.NotInSubmissions"], Codes(await admin.CloseSubmissionsNowAsync(id)));
    }

    [Fact]
    public async Task FinishNow_OngoingOnly_SetsFinishedAt_AndQueuesScoringOnce_EvenWhenTwoAdminsClickTogether()
    {
        var first = Admin(await pg.CreateAdminAsync());
        var second = Admin(await pg.CreateAdminAsync());
        var id = (await first.CreateTrialAsync(ArenaAdminTestData.Draft(clock.Now))).Value!.Trial.Id;
        Assert.Equal(["Status Arena.Trial.NotOngoing"], Codes(await first.FinishNowAsync(id)));
        await first.OpenAsync(id);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).FinishNowAsync(id))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(["Status Arena.Trial.NotOngoing"], Codes(r)));
        Assert.Equal([id], scoring.Enqueued);
        var row = await ArenaAdminTestData.ReadAsync(pg, id);
        Assert.Equal(TrialStatus.Finished, row.Status);
        Assert.Equal(clock.Now, row.FinishedAt);
    }

    [Fact]
    public async Task Edit_AfterTheFirstEntry_KeepsPromptSchemaRubric_ButNotTheRest_AndFinishedNotAtAll()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var draft = ArenaAdminTestData.Draft(clock.Now);
        var id = (await admin.CreateTrialAsync(draft)).Value!.Trial.Id;
        await admin.OpenAsync(id);

        // Ongoing without entries: everything but the rules of an open trial may still change.
        draft.Prompt = "改一下题目";
        Assert.True((await admin.UpdateTrialAsync(id, draft)).Succeeded);

        await ArenaAdminTestData.EntryAsync(pg, id);
        var view = (await admin.GetTrialAsync(id)).Value!;
        Assert.False(view.ContentEditable);

        var locked = TrialDraft.From(view.Trial);
        locked.Prompt = "再改一下";
        locked.AnswerSchema = """{"type":"object"}""";
        locked.Rubric = [new RubricCriterion("新", "", 1)];
        Assert.Equal(["Prompt Arena.Trial.LockedByEntries", "AnswerSchema Arena.Trial.LockedByEntries", "Rubric Arena.Trial.LockedByEntries"],
            Codes(await admin.UpdateTrialAsync(id, locked)));

        // The same schema written differently (jsonb re-spaces and re-orders it) is no change; the window and limits are.
        var allowed = TrialDraft.From(view.Trial);
        allowed.AnswerSchema = ArenaAdminTestData.Schema.Replace(",", " ,\n ", StringComparison.Ordinal);
        allowed.Title = "新标题";
        allowed.EndsAt = allowed.EndsAt.AddDays(1);
        allowed.MaxEntriesPerOwner = 5;
        var saved = await admin.UpdateTrialAsync(id, allowed);
        Assert.True(saved.Succeeded, string.Join(",", Codes(saved)));

        // An ongoing trial's end cannot move into the past (finish it instead).
        allowed.OpensAt = clock.Now.AddMinutes(-3);
        allowed.SubmitUntil = clock.Now.AddMinutes(-2);
        allowed.EndsAt = clock.Now.AddMinutes(-1);
        Assert.Equal(["EndsAt Arena.Trial.Window.EndsInPast"], Codes(await admin.UpdateTrialAsync(id, allowed)));

        await admin.FinishNowAsync(id);
        Assert.Equal(["Status Arena.Trial.Finished"], Codes(await admin.UpdateTrialAsync(id, TrialDraft.From(view.Trial))));
        Assert.Equal(["Status Arena.Trial.Finished"], Codes(await admin.AddJudgeAsync(id, "x@example.test")));
        var row = await ArenaAdminTestData.ReadAsync(pg, id);
        Assert.Equal("新标题", row.Title);
        Assert.Equal(5, row.MaxEntriesPerOwner);
        Assert.Equal(TrialStatus.Finished, row.Status);
    }

    [Fact]
    public async Task Edit_RacingAStatusChange_NeverUndoesIt()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var draft = ArenaAdminTestData.Draft(clock.Now);
        var id = (await admin.CreateTrialAsync(draft)).Value!.Trial.Id;
        await admin.OpenAsync(id);
        await ArenaAdminTestData.EntryAsync(pg, id);

        // Admin A loaded the draft before B opened it and an entry came in; A's stale save with a new prompt is judged
        // against the trial as it is now, and B's open stands.
        var stale = ArenaAdminTestData.Draft(clock.Now);
        stale.Prompt = "A 的旧编辑";
        var results = await Task.WhenAll(Task.Run(() => admin.UpdateTrialAsync(id, stale)), Task.Run(() => admin.FinishNowAsync(id)));

        var row = await ArenaAdminTestData.ReadAsync(pg, id);
        Assert.Equal(TrialStatus.Finished, row.Status);
        Assert.NotEqual("A 的旧编辑", row.Prompt);
        Assert.False(results[0].Succeeded);
        Assert.True(results[1].Succeeded);
    }

    [Fact]
    public async Task Judges_AddedByEmailOrUserName_MustExist_OnceEach_Removable()
    {
        var admin = Admin(await pg.CreateAdminAsync());
        var id = (await admin.CreateTrialAsync(ArenaAdminTestData.Draft(clock.Now))).Value!.Trial.Id;
        var judge = await pg.CreateUserAsync($"judge-{Guid.NewGuid():N}@example.test");
        var named = await pg.CreateUserAsync();
        var userName = "judge_" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = pg.OwnerContext())
        {
            var u = await db.Users.SingleAsync(x => x.Id == named.UserId);
            u.UserName = userName;
            u.NormalizedUserName = userName.ToUpperInvariant();
            await db.SaveChangesAsync();
        }

        var email = (await pg.OwnerContext().Users.SingleAsync(x => x.Id == judge.UserId)).Email!;
        var byEmail = await admin.AddJudgeAsync(id, "  " + email.ToUpperInvariant() + " ");
        var byName = await admin.AddJudgeAsync(id, userName);

        Assert.Equal(judge.UserId, byEmail.Value!.UserId);
        Assert.Equal(named.UserId, byName.Value!.UserId);
        Assert.Equal(["Judge Arena.Judge.Already"], Codes(await admin.AddJudgeAsync(id, email)));
        Assert.Equal(["Judge Arena.Judge.Unknown"], Codes(await admin.AddJudgeAsync(id, "nobody@example.test")));
        Assert.Equal(["Judge Arena.Judge.Required"], Codes(await admin.AddJudgeAsync(id, " ")));
        Assert.Equal([judge.UserId!.Value, named.UserId!.Value], (await admin.GetTrialAsync(id)).Value!.Judges.Select(j => j.UserId));

        Assert.True((await admin.RemoveJudgeAsync(id, judge.UserId.Value)).Succeeded);
        Assert.Equal(ResultKind.NotFound, (await admin.RemoveJudgeAsync(id, judge.UserId.Value)).Kind);
        Assert.Equal([named.UserId.Value], (await admin.GetTrialAsync(id)).Value!.Judges.Select(j => j.UserId));
    }
}
