using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Training;

/// <summary>
/// A star's model versions as the current user: only the star's owner (or an admin) lists, activates, compares and
/// downloads. Activation writes <c>stars.current_model_version</c>; the database trigger refuses another star's version
/// even if this check were skipped.
/// </summary>
public sealed class ModelVersionService(StarStudioDb db, IObjectStore objects, TimeProvider clock) : IModelVersionService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<Result<ModelVersionList>> ListAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
            if (star is null || (star.OwnerId != user.UserId && !user.IsAdmin))
            {
                return Result<ModelVersionList>.Forbidden();
            }

            return Result<ModelVersionList>.Ok(await LoadAsync(ctx, star, ct));
        }, ct);

    public Task<Result<ModelVersionList>> ActivateAsync(Guid starId, Guid? versionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await ctx.Stars.FirstOrDefaultAsync(s => s.Id == starId, ct);
            if (star is null || (star.OwnerId != user.UserId && !user.IsAdmin))
            {
                return Result<ModelVersionList>.Invalid("Version", "Training.Version.NotYours");
            }

            if (versionId is { } id && !await ctx.StarModelVersions.AnyAsync(v => v.Id == id && v.StarId == starId, ct))
            {
                return Result<ModelVersionList>.Invalid("Version", "Training.Version.NotYours");
            }

            star.CurrentModelVersion = versionId;
            star.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<ModelVersionList>.Ok(await LoadAsync(ctx, star, ct));
        }, ct);

    public async Task<Result<VersionComparison>> CompareAsync(Guid versionA, Guid versionB, CancellationToken ct = default)
    {
        var loaded = await db.RunAsync<Loaded?>(async (ctx, user) =>
        {
            var rows = await ctx.StarModelVersions.AsNoTracking().Where(v => v.Id == versionA || v.Id == versionB).ToListAsync(ct);
            var a = rows.FirstOrDefault(v => v.Id == versionA);
            var b = rows.FirstOrDefault(v => v.Id == versionB);
            if (a is null || b is null || a.StarId != b.StarId)
            {
                return null;
            }

            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == a.StarId, ct);
            if (star is null || (star.OwnerId != user.UserId && !user.IsAdmin))
            {
                return null;
            }

            var list = await LoadAsync(ctx, star, ct);
            return new Loaded(list.Versions.First(v => v.Id == versionA), list.Versions.First(v => v.Id == versionB), a, b);
        }, ct);
        if (loaded is not { } l)
        {
            return Result<VersionComparison>.NotFound();
        }

        var evalA = await ReadEvaluationAsync(l.RowA, ct);
        var evalB = await ReadEvaluationAsync(l.RowB, ct);
        var answers = new List<ComparedAnswer>();
        if (evalB is not null && evalB.BaseVersionId == l.RowA.Id)
        {
            // B was trained on top of A: its evaluation already holds A's answers as the base.
            answers.AddRange(evalB.Items.Select(i => new ComparedAnswer(i.Question, i.Expected, i.BaseAnswer, i.NewAnswer)));
        }
        else if (evalA is not null && evalA.BaseVersionId == l.RowB.Id)
        {
            answers.AddRange(evalA.Items.Select(i => new ComparedAnswer(i.Question, i.Expected, i.NewAnswer, i.BaseAnswer)));
        }
        else
        {
            // Otherwise: the questions either evaluation asked, each version's own answer where it gave one.
            var byA = (evalA?.Items ?? []).GroupBy(i => i.Question).ToDictionary(g => g.Key, g => g.First());
            var byB = (evalB?.Items ?? []).GroupBy(i => i.Question).ToDictionary(g => g.Key, g => g.First());
            foreach (var q in byA.Keys.Concat(byB.Keys).Distinct())
            {
                byA.TryGetValue(q, out var ia);
                byB.TryGetValue(q, out var ib);
                answers.Add(new ComparedAnswer(q, ia?.Expected ?? ib?.Expected, ia?.NewAnswer, ib?.NewAnswer));
            }
        }

        var names = l.A.Metrics.Keys.Concat(l.B.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        return Result<VersionComparison>.Ok(new VersionComparison(l.A, l.B, names, answers));
    }

    public async Task<Result<ArtifactDownload>> OpenArtifactAsync(Guid versionId, CancellationToken ct = default)
    {
        var version = await db.RunAsync(async (ctx, user) =>
        {
            var v = await ctx.StarModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == versionId, ct);
            if (v is null)
            {
                return null;
            }

            // The public may read a public star's current version row; only its owner downloads the artifact.
            var owner = await ctx.Stars.AsNoTracking().Where(s => s.Id == v.StarId).Select(s => (Guid?)s.OwnerId).FirstOrDefaultAsync(ct);
            return owner == user.UserId || user.IsAdmin ? v : null;
        }, ct);
        var key = version is null ? null : ModelArtifacts.KeyOf(version.ArtifactUri, version.StarId);
        if (version is null || key is null)
        {
            return Result<ArtifactDownload>.NotFound();
        }

        var stored = await objects.GetAsync(Buckets.ModelArtifacts, key, ct);
        if (stored is null)
        {
            return Result<ArtifactDownload>.NotFound();
        }

        var file = key[(key.LastIndexOf('/') + 1)..];
        var contentType = file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream";
        return Result<ArtifactDownload>.Ok(new ArtifactDownload($"{version.VersionName}-{file}", contentType, stored.Content));
    }

    private sealed record Loaded(ModelVersionView A, ModelVersionView B, StarModelVersion RowA, StarModelVersion RowB);

    private async Task<EvaluationRecord?> ReadEvaluationAsync(StarModelVersion version, CancellationToken ct)
    {
        var key = ModelArtifacts.VersionFolder(version.StarId, version.Id) + "evaluation.json";
        await using var stored = await objects.GetAsync(Buckets.ModelArtifacts, key, ct);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<EvaluationRecord>(stored.Content, Json, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<ModelVersionList> LoadAsync(StarStudioDbContext ctx, Star star, CancellationToken ct)
    {
        var rows = await ctx.StarModelVersions.AsNoTracking()
            .Where(v => v.StarId == star.Id)
            .OrderByDescending(v => v.CreatedAt)
            .Select(v => new { v, Trainer = ctx.Trainers.Where(t => t.Id == v.TrainerId).Select(t => t.Name).FirstOrDefault() })
            .ToListAsync(ct);
        var views = rows.ConvertAll(r => new ModelVersionView(
            r.v.Id, r.v.StarId, r.v.VersionName, r.v.TrainingMethod, r.v.TrainingDataSpan, TrainingJobService.ReadMetrics(r.v.Metrics),
            r.Trainer, r.v.ServedModelId, !string.IsNullOrEmpty(r.v.ArtifactUri), r.v.Id == star.CurrentModelVersion, r.v.CreatedAt));
        return new ModelVersionList(views, star.CurrentModelVersion);
    }
}
