using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Integration.Arena.Scoring;

/// <summary>Seasons, trials, entries and votes arranged past RLS (as the maintenance role), for the scoring and read tests.</summary>
internal sealed class ArenaFixture(PostgresDatabase pg)
{
    /// <summary>Twelve hours ago: the policies compare windows with the database's own clock, so the arranged windows are real ones.</summary>
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-12).ToUnixTimeSeconds());

    public async Task<Guid> SeasonAsync(UserContext admin, params long[] rewards)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.TrialSeasons.Add(new TrialSeason
        {
            Id = id, Name = "S" + id.ToString("N")[..6], StartsAt = T0.AddDays(-10), EndsAt = T0.AddDays(60), Rules = "rules",
            RewardTable = rewards.ToList(), CreatedBy = admin.UserId!.Value, CreatedAt = T0,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<StarTrial> TrialAsync(UserContext admin, Guid? season, TrialStatus status, DateTimeOffset opens, DateTimeOffset submitUntil,
        DateTimeOffset ends, List<RubricCriterion>? rubric = null, string schema = """{"type":"object"}""")
    {
        var trial = new StarTrial
        {
            Id = Guid.NewGuid(), SeasonId = season, Title = "试炼 " + Guid.NewGuid().ToString("N")[..4], Prompt = "写一首诗", AnswerSchema = schema,
            Status = status, CreatedBy = admin.UserId!.Value, CreatedAt = T0, UpdatedAt = T0, Rubric = rubric ?? [], OpensAt = opens,
            SubmitUntil = submitUntil, EndsAt = ends, FinishedAt = status == TrialStatus.Finished ? ends : null,
        };
        await using var db = pg.OwnerContext();
        db.StarTrials.Add(trial);
        await db.SaveChangesAsync();
        return trial;
    }

    public async Task<Guid> StarAsync(UserContext owner, string name)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = "d", Persona = "p", Tone = "", CreatedAt = T0, UpdatedAt = T0 });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<TrialEntry> EntryAsync(Guid trial, UserContext owner, Guid star, string name, bool valid = true, string? responseUri = null)
    {
        var entry = new TrialEntry
        {
            Id = Guid.NewGuid(), TrialId = trial, StarId = star, OwnerId = owner.UserId!.Value, StarName = name, SchemaValid = valid,
            SubmittedAt = T0.AddHours(1), ResponseUri = responseUri, StyleLength = 100,
        };
        await using var db = pg.OwnerContext();
        db.TrialEntries.Add(entry);
        await db.SaveChangesAsync();
        return entry;
    }

    /// <summary>Votes by fresh players: <paramref name="count"/> battles of A (left) against B with the outcome.</summary>
    public async Task VotesAsync(Guid trial, Guid a, Guid b, BattleOutcome outcome, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var voter = await pg.CreateUserAsync();
            await using var db = pg.OwnerContext();
            db.TrialBattles.Add(new TrialBattle
            {
                Id = Guid.NewGuid(), TrialId = trial, VoterId = voter.UserId!.Value, EntryA = a, EntryB = b, Outcome = outcome,
                ShownAt = T0.AddHours(50), VotedAt = T0.AddHours(50),
            });
            await db.SaveChangesAsync();
        }
    }

    public async Task JudgeAsync(Guid trial, UserContext judge, Guid entry, string criterion, short score)
    {
        await using var db = pg.OwnerContext();
        if (!db.TrialJudges.Any(j => j.TrialId == trial && j.UserId == judge.UserId!.Value))
        {
            db.TrialJudges.Add(new TrialJudge { TrialId = trial, UserId = judge.UserId!.Value, CreatedAt = T0 });
        }

        db.TrialRubricScores.Add(new TrialRubricScore
        {
            Id = Guid.NewGuid(), TrialId = trial, EntryId = entry, JudgeId = judge.UserId!.Value, Criterion = criterion, Score = score,
            CreatedAt = T0, UpdatedAt = T0,
        });
        await db.SaveChangesAsync();
    }
}
