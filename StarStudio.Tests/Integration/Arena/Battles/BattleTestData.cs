using System.Text;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Storage;

namespace StarStudio.Tests.Integration.Arena.Battles;

/// <summary>Arranges trials, entries (answers in the S3 server) and prior battles as the maintenance role.</summary>
internal sealed class BattleTestData(PostgresDatabase pg)
{
    private static MinioObjectStore? s3;

    /// <summary>The S3 server of the test run (the answers' bucket is created once).</summary>
    public static async Task<IObjectStore> StoreAsync()
    {
        if (s3 is null)
        {
            var store = new MinioObjectStore(MinioObjectStore.CreateClient(TestS3.Options()));
            await store.EnsureBucketsAsync();
            s3 = store;
        }

        return s3;
    }

    /// <summary>A published trial in its judging phase by the database's clock (entries are public once submit_until passed).</summary>
    public async Task<Guid> TrialAsync(TrialStatus status = TrialStatus.Ongoing, TimeSpan? sinceSubmit = null, TimeSpan? untilEnd = null,
        IReadOnlyList<RubricCriterion>? rubric = null)
    {
        var admin = await pg.CreateAdminAsync();
        var now = DateTimeOffset.UtcNow;
        var submitUntil = now - (sinceSubmit ?? TimeSpan.FromHours(1));
        var trial = new StarTrial
        {
            Id = Guid.NewGuid(), Title = "古籍修复问答", Prompt = "用 JSON 回答：如何修复虫蛀的宣纸？", AnswerSchema = "{\"type\":\"object\"}",
            Status = status, CreatedBy = admin.UserId!.Value, CreatedAt = now, UpdatedAt = now,
            Rubric = rubric?.ToList() ?? [new("accuracy", "事实准确", 2), new("clarity", "条理清晰", 1)],
            OpensAt = submitUntil.AddDays(-1), SubmitUntil = submitUntil, EndsAt = now + (untilEnd ?? TimeSpan.FromHours(1)),
            FinishedAt = status == TrialStatus.Finished ? now : null,
        };
        await using var db = pg.OwnerContext();
        db.StarTrials.Add(trial);
        await db.SaveChangesAsync();
        return trial.Id;
    }

    /// <summary>A star of <paramref name="owner"/> entered in the trial, its answer stored in <c>trial-responses</c>.</summary>
    public async Task<Guid> EntryAsync(Guid trialId, UserContext owner, string? answerJson = null, string? starName = null)
    {
        var now = DateTimeOffset.UtcNow;
        var starId = Guid.NewGuid();
        var entryId = Guid.NewGuid();
        starName ??= "星-" + starId.ToString("N")[..6];
        answerJson ??= $$$"""{"star":"{{{starName}}}","steps":["清洁","补纸"],"nested":{"ok":true}}""";
        var key = $"trials/{trialId}/drafts/{Guid.NewGuid()}.json";
        await (await StoreAsync()).PutAsync(Buckets.TrialResponses, key, new MemoryStream(Encoding.UTF8.GetBytes(answerJson)), "application/json");
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = starId, OwnerId = owner.UserId!.Value, Name = starName, Domain = "古籍修复", Persona = "p", Tone = "", CreatedAt = now, UpdatedAt = now });
        db.TrialEntries.Add(new TrialEntry
        {
            Id = entryId, TrialId = trialId, StarId = starId, OwnerId = owner.UserId!.Value, StarName = starName, ResponseUri = TrialResponseKeys.Uri(key),
            SchemaValid = true, SubmittedAt = now,
        });
        await db.SaveChangesAsync();
        return entryId;
    }

    /// <summary>A battle of <paramref name="voter"/>, voted unless <paramref name="outcome"/> is null.</summary>
    public async Task<Guid> BattleAsync(Guid trialId, Guid voter, Guid a, Guid b, BattleOutcome? outcome, DateTimeOffset? votedAt = null)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.TrialBattles.Add(new TrialBattle
        {
            Id = id, TrialId = trialId, VoterId = voter, EntryA = a, EntryB = b, Outcome = outcome, ShownAt = DateTimeOffset.UtcNow,
            VotedAt = outcome is null ? null : votedAt ?? DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task SetStatusAsync(Guid trialId, TrialStatus status)
    {
        await using var db = pg.OwnerContext();
        await db.StarTrials.Where(t => t.Id == trialId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status));
    }

    public async Task<List<TrialBattle>> BattlesOfAsync(Guid trialId, Guid voter)
    {
        await using var db = pg.OwnerContext();
        return await db.TrialBattles.AsNoTracking().Where(b => b.TrialId == trialId && b.VoterId == voter).ToListAsync();
    }

    public async Task SetDisplayNameAsync(UserContext user, string name)
    {
        await using var db = pg.OwnerContext();
        await db.Users.Where(u => u.Id == user.UserId!.Value).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, name));
    }
}
