using System.Collections.Concurrent;
using StarStudio.Core.Arena;
using StarStudio.Core.Stars;

namespace StarStudio.Tests.Integration.Arena.Admin;

/// <summary>Records what was queued for scoring, and who the scope's acting user was then (the real queue enqueues as them).</summary>
internal sealed class RecordingScoringQueue(StarStudio.Core.Common.ActingUser? acting = null) : ITrialScoringQueue
{
    public ConcurrentQueue<Guid> Enqueued { get; } = new();

    public ConcurrentDictionary<Guid, Guid?> Actors { get; } = new();

    public Task EnqueueAsync(Guid trialId, CancellationToken ct)
    {
        Enqueued.Enqueue(trialId);
        Actors[trialId] = acting?.User?.UserId;
        return Task.CompletedTask;
    }
}

/// <summary>Arranging trials and entries past RLS.</summary>
internal static class ArenaAdminTestData
{
    public const string Schema = """{"type":"object","properties":{"answer":{"type":"string","maxLength":200}},"required":["answer"]}""";

    public static TrialDraft Draft(DateTimeOffset now, string title = "翻译一首诗") => new()
    {
        Title = title,
        Prompt = "把《静夜思》译成英文。",
        AnswerSchema = Schema,
        Rubric = [new RubricCriterion("忠实", "意思不走样", 2), new RubricCriterion("文采", "读来是诗", 1)],
        OpensAt = now.AddHours(1),
        SubmitUntil = now.AddDays(1),
        EndsAt = now.AddDays(2),
        MaxEntriesPerOwner = 2,
        MaxRegenerations = 3,
    };

    public static async Task<Guid> TrialAsync(PostgresDatabase pg, Guid createdBy, TrialStatus status, DateTimeOffset opensAt, DateTimeOffset submitUntil,
        DateTimeOffset endsAt, bool autoOpen = false, string prompt = "p")
    {
        await using var db = pg.OwnerContext();
        var trial = new StarTrial
        {
            Id = Guid.NewGuid(), Title = "t", Prompt = prompt, AnswerSchema = Schema, Status = status, CreatedBy = createdBy,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, OpensAt = opensAt, SubmitUntil = submitUntil, EndsAt = endsAt,
            AutoOpen = autoOpen, FinishedAt = status == TrialStatus.Finished ? DateTimeOffset.UtcNow : null,
        };
        db.StarTrials.Add(trial);
        await db.SaveChangesAsync();
        return trial.Id;
    }

    public static async Task EntryAsync(PostgresDatabase pg, Guid trialId)
    {
        var owner = await pg.CreateUserAsync();
        await using var db = pg.OwnerContext();
        var star = new Star
        {
            Id = Guid.NewGuid(), OwnerId = owner.UserId!.Value, Name = "星", Domain = "诗", Persona = "p", Tone = "t",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Stars.Add(star);
        db.TrialEntries.Add(new TrialEntry
        {
            Id = Guid.NewGuid(), TrialId = trialId, StarId = star.Id, OwnerId = star.OwnerId, StarName = star.Name, SubmittedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public static async Task<StarTrial> ReadAsync(PostgresDatabase pg, Guid trialId)
    {
        await using var db = pg.OwnerContext();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.StarTrials, t => t.Id == trialId);
    }
}
