using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Battles;
using StarStudio.Core.Common;
using StarStudio.Data.Arena.Battles;

namespace StarStudio.Tests.Integration.Arena.Battles;

/// <summary>Judges' rubric scores on the real PostgreSQL (RLS on), answers from the S3 server.</summary>
public sealed class JudgingServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly BattleTestData data = new(pg);

    private async Task<JudgingService> Judging(UserContext user) => new(pg.Db(user), await BattleTestData.StoreAsync(), TimeProvider.System, NullLogger<JudgingService>.Instance);

    private static string? Error<T>(Result<T> r) => r.Errors.FirstOrDefault()?.Code;

    private async Task<UserContext> JudgeOfAsync(Guid trialId)
    {
        var judge = await pg.CreateUserAsync();
        await using var db = pg.OwnerContext();
        db.TrialJudges.Add(new TrialJudge { TrialId = trialId, UserId = judge.UserId!.Value, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return judge;
    }

    private async Task<List<TrialRubricScore>> ScoresAsync(Guid entryId)
    {
        await using var db = pg.OwnerContext();
        return await db.TrialRubricScores.AsNoTracking().Where(s => s.EntryId == entryId).OrderBy(s => s.Criterion).ToListAsync();
    }

    [Fact]
    public async Task Judge_SeesEntriesWithAnswers_ScoresAndChangesThem()
    {
        var trial = await data.TrialAsync();
        var entry = await data.EntryAsync(trial, await pg.CreateUserAsync(), """{"a":1}""", "甲星");
        await data.EntryAsync(trial, await pg.CreateUserAsync(), """{"b":2}""", "乙星");
        var judge = await JudgeOfAsync(trial);
        var service = await Judging(judge);

        var sheet = await service.SheetAsync(trial);
        var saved = await service.ScoreAsync(trial, entry, [new("accuracy", 7, "  准确  "), new("clarity", 4, null)]);
        var changed = await service.ScoreAsync(trial, entry, [new("clarity", 9, "改了")]);
        var again = await service.SheetAsync(trial);

        Assert.True(sheet.Succeeded);
        Assert.Equal(["accuracy", "clarity"], sheet.Value!.Rubric.Select(c => c.Name));
        Assert.Equal([("甲星", """{"a":1}"""), ("乙星", """{"b":2}""")], sheet.Value.Entries.Select(e => (e.StarName, e.AnswerJson!)));
        Assert.All(sheet.Value.Entries, e => Assert.Empty(e.MyScores));
        Assert.Equal([new CriterionScore("accuracy", 7, "准确"), new CriterionScore("clarity", 4, null)], saved.Value);
        Assert.Equal([new CriterionScore("accuracy", 7, "准确"), new CriterionScore("clarity", 9, "改了")], changed.Value);
        Assert.Equal(changed.Value, again.Value!.Entries.Single(e => e.EntryId == entry).MyScores);
        var rows = await ScoresAsync(entry);
        Assert.Equal([("accuracy", (short)7), ("clarity", (short)9)], rows.Select(r => (r.Criterion, r.Score)));
        Assert.All(rows, r => Assert.Equal(judge.UserId, r.JudgeId));
    }

    [Fact]
    public async Task NonJudge_AndOutsideJudging_AreRefused()
    {
        var trial = await data.TrialAsync();
        var entry = await data.EntryAsync(trial, await pg.CreateUserAsync());
        var judge = await JudgeOfAsync(trial);
        var early = await data.TrialAsync(sinceSubmit: TimeSpan.FromHours(-1), untilEnd: TimeSpan.FromHours(2));
        var earlyJudge = await JudgeOfAsync(early);
        var player = await Judging(await pg.CreateUserAsync());

        Assert.Equal(JudgingErrors.NotJudge, Error(await player.SheetAsync(trial)));
        Assert.Equal(JudgingErrors.NotJudge, Error(await player.ScoreAsync(trial, entry, [new("accuracy", 5, null)])));
        Assert.Equal(JudgingErrors.NotJudging, Error(await (await Judging(earlyJudge)).SheetAsync(early)));
        Assert.Equal(ResultKind.Forbidden, (await (await Judging(UserContext.Anonymous)).SheetAsync(trial)).Kind);
        await data.SetStatusAsync(trial, TrialStatus.Finished);
        Assert.Equal(JudgingErrors.NotJudging, Error(await (await Judging(judge)).ScoreAsync(trial, entry, [new("accuracy", 5, null)])));
        Assert.Empty(await ScoresAsync(entry));
    }

    [Fact]
    public async Task BadScores_AreRefusedAtTheirField_AndNothingIsStored()
    {
        var trial = await data.TrialAsync();
        var entry = await data.EntryAsync(trial, await pg.CreateUserAsync());
        var otherTrial = await data.TrialAsync();
        var foreign = await data.EntryAsync(otherTrial, await pg.CreateUserAsync());
        var service = await Judging(await JudgeOfAsync(trial));

        var unknown = await service.ScoreAsync(trial, entry, [new("accuracy", 5, null), new("humour", 5, null)]);
        var range = await service.ScoreAsync(trial, entry, [new("accuracy", 11, null)]);
        var zero = await service.ScoreAsync(trial, entry, [new("clarity", 0, null)]);
        var elsewhere = await service.ScoreAsync(trial, foreign, [new("accuracy", 5, null)]);

        Assert.Equal(("Scores[1].Criterion", JudgingErrors.UnknownCriterion), (unknown.Errors.Single().Field, unknown.Errors.Single().Code));
        Assert.Equal(("Scores[0].Score", JudgingErrors.ScoreRange), (range.Errors.Single().Field, range.Errors.Single().Code));
        Assert.Equal(JudgingErrors.ScoreRange, Error(zero));
        Assert.Equal(ResultKind.NotFound, elsewhere.Kind);
        Assert.Empty(await ScoresAsync(entry));
        Assert.Empty(await ScoresAsync(foreign));
    }
}
