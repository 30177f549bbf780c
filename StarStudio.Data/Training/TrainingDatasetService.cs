using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Training;

/// <summary>
/// Datasets from a star's own rated conversations and answers (docs/training-datasets.md), as the current user: only the
/// star's owner or an admin. Relational rows through <see cref="StarStudioDb"/> (RLS applies), messages through the
/// document store in one round trip, files through the object store; the row is written last, so a failed write leaves none.
/// </summary>
internal sealed class TrainingDatasetService(
    StarStudioDb db,
    IConversationMessageStore messages,
    IObjectStore objects,
    TimeProvider clock,
    ILogger<TrainingDatasetService> log) : ITrainingDatasetService
{
    /// <summary>Samples of each kind the preview shows.</summary>
    public const int SamplesPerKind = 3;

    public async Task<Result<DatasetPreview>> PreviewAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default)
    {
        var extraction = await ExtractAsync(starId, filters, ct);
        if (!extraction.Succeeded)
        {
            return Relay<DatasetPreview>(extraction);
        }

        var (data, counts, span) = extraction.Value!;
        return Result<DatasetPreview>.Ok(new DatasetPreview(counts,
            data.SftTrain.Concat(data.SftHoldout).Take(SamplesPerKind).ToList(),
            data.DpoTrain.Concat(data.DpoHoldout).Take(SamplesPerKind).ToList(),
            data.QaTrain.Concat(data.QaHoldout).Take(SamplesPerKind).ToList(),
            DatasetRules.MissingForAny(counts), span));
    }

    public async Task<Result<TrainingDataset>> BuildAsync(Guid starId, DatasetFilters filters, CancellationToken ct = default)
    {
        var extraction = await ExtractAsync(starId, filters, ct);
        if (!extraction.Succeeded)
        {
            return Relay<TrainingDataset>(extraction);
        }

        var (data, counts, span) = extraction.Value!;
        if (counts.Train + counts.Holdout == 0)
        {
            return Result<TrainingDataset>.Invalid("Dataset", "Training.Dataset.Empty");
        }

        var id = Guid.CreateVersion7();
        var createdAt = clock.GetUtcNow();
        var folder = ModelArtifacts.DatasetFolder(starId, id);
        var written = new List<string>();
        try
        {
            var entries = new List<DatasetFileEntry>();
            foreach (var (name, kind, split, content, lines) in DatasetFiles.Write(data))
            {
                await PutAsync(folder + name, content, "application/jsonl", ct);
                written.Add(folder + name);
                entries.Add(new DatasetFileEntry(name, kind, split, lines, DatasetFiles.Sha256(content)));
            }

            var manifest = new DatasetManifest(id, starId, createdAt, filters, counts, entries, DatasetFiles.MaskingRules);
            await PutAsync(folder + DatasetFiles.Manifest, DatasetFiles.ManifestBytes(manifest), "application/json", ct);
            written.Add(folder + DatasetFiles.Manifest);

            var row = new TrainingDataset
            {
                Id = id,
                StarId = starId,
                Filters = DatasetFiles.ToJson(filters),
                Counts = DatasetFiles.ToJson(counts),
                ManifestUri = ModelArtifacts.UriOf(folder + DatasetFiles.Manifest),
                DataSpan = span,
                CreatedAt = createdAt,
            };
            var saved = await db.RunAsync(async (ctx, user) =>
            {
                if (user.UserId is not { } me)
                {
                    return null;
                }

                row.CreatedBy = me;
                ctx.TrainingDatasets.Add(row);
                await ctx.SaveChangesAsync(ct);
                return row;
            }, ct);
            if (saved is null)
            {
                await RemoveAsync(written);
                return Result<TrainingDataset>.Forbidden();
            }

            return Result<TrainingDataset>.Ok(saved);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The files without a row are unreachable: remove them, so a retried build starts clean.
            log.LogError(ex, "Building dataset {DatasetId} of star {StarId} failed", id, starId);
            await RemoveAsync(written);
            throw;
        }
    }

    public Task<Result<IReadOnlyList<TrainingDataset>>> ListAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!await MayTrainAsync(ctx, user, starId, ct))
            {
                return Result<IReadOnlyList<TrainingDataset>>.Forbidden();
            }

            IReadOnlyList<TrainingDataset> rows = await ctx.TrainingDatasets.AsNoTracking().Where(d => d.StarId == starId)
                .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(200).ToListAsync(ct);
            return Result<IReadOnlyList<TrainingDataset>>.Ok(rows);
        }, ct);

    public async Task<Result<TrainingData>> ReadAsync(Guid datasetId, CancellationToken ct = default)
    {
        // RLS shows the row only to the star's owner and admins: anyone else sees nothing, as if it did not exist.
        var row = await db.RunAsync((ctx, _) => ctx.TrainingDatasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == datasetId, ct), ct);
        if (row is null)
        {
            return Result<TrainingData>.NotFound();
        }

        var manifestKey = ModelArtifacts.KeyOf(row.ManifestUri, row.StarId);
        if (manifestKey is null || !manifestKey.EndsWith("/" + DatasetFiles.Manifest, StringComparison.Ordinal))
        {
            return Result<TrainingData>.Invalid("Dataset", "Training.Dataset.Unreadable");
        }

        var folder = manifestKey[..^DatasetFiles.Manifest.Length];
        var manifestBytes = await GetAsync(manifestKey, ct);
        var manifest = manifestBytes is null ? null : DatasetFiles.ParseManifest(DatasetFiles.Text(manifestBytes));
        if (manifest is null)
        {
            return Result<TrainingData>.Invalid("Dataset", "Training.Dataset.Unreadable");
        }

        var texts = new Dictionary<string, string>();
        foreach (var entry in manifest.Files)
        {
            var content = await GetAsync(folder + entry.Name, ct);
            // A file changed after the build (or cut short) is refused rather than trained on.
            if (content is null || DatasetFiles.Sha256(content) != entry.Sha256)
            {
                return Result<TrainingData>.Invalid("Dataset", "Training.Dataset.Unreadable");
            }

            texts[entry.Name] = DatasetFiles.Text(content);
        }

        string Of(string name) => texts.GetValueOrDefault(name, "");
        try
        {
            return Result<TrainingData>.Ok(new TrainingData(
                DatasetFiles.ParseSft(Of(DatasetFiles.SftTrain)), DatasetFiles.ParseSft(Of(DatasetFiles.SftHoldout)),
                DatasetFiles.ParseDpo(Of(DatasetFiles.DpoTrain)), DatasetFiles.ParseDpo(Of(DatasetFiles.DpoHoldout)),
                DatasetFiles.ParseQa(Of(DatasetFiles.QaTrain)), DatasetFiles.ParseQa(Of(DatasetFiles.QaHoldout))));
        }
        catch (JsonException)
        {
            return Result<TrainingData>.Invalid("Dataset", "Training.Dataset.Unreadable");
        }
    }

    private async Task<Result<DatasetExtraction>> ExtractAsync(Guid starId, DatasetFilters filters, CancellationToken ct)
    {
        if (filters is null)
        {
            return Result<DatasetExtraction>.Invalid("Dataset", "Training.Dataset.Empty");
        }

        var errors = DatasetRules.Validate(filters);
        if (errors.Count > 0)
        {
            return Result<DatasetExtraction>.Invalid(errors);
        }

        var loaded = await db.RunAsync(async (ctx, user) =>
        {
            if (!await MayTrainAsync(ctx, user, starId, ct))
            {
                return null;
            }

            var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId)
                .Select(s => new DatasetStar(s.Name, s.Domain, s.Persona, s.Tone)).FirstAsync(ct);

            // Rated conversations in the window (deleted and trial ones never count), and ratings of single generations.
            var usableConversations = ctx.Conversations.Where(c => c.StarId == starId && c.DeletedAt == null && c.Channel != ConversationChannel.Trial);
            var feedback = ctx.ConversationFeedback.Where(f => f.Rating >= filters.MinRating);
            if (filters.From is { } from)
            {
                feedback = feedback.Where(f => f.CreatedAt >= from);
            }

            if (filters.To is { } to)
            {
                feedback = feedback.Where(f => f.CreatedAt < to);
            }

            var rated = await usableConversations
                .Join(feedback, c => c.Id, f => f.ConversationId, (c, f) => new { c.Id, c.UserId, c.Channel, c.CreatedAt, f.Rating, RatedAt = f.CreatedAt, f.Labels })
                .ToListAsync(ct);

            var answers = ctx.AnswerFeedback.AsNoTracking().Where(a => a.StarId == starId)
                .Where(a => usableConversations.Any(c => c.Id == a.ConversationId));
            if (filters.From is { } from2)
            {
                answers = answers.Where(a => a.UpdatedAt >= from2);
            }

            if (filters.To is { } to2)
            {
                answers = answers.Where(a => a.UpdatedAt < to2);
            }

            var ratings = await answers.ToListAsync(ct);
            var ratedIds = rated.Select(r => r.Id).ToHashSet();
            var otherIds = ratings.Select(r => r.ConversationId).Where(id => !ratedIds.Contains(id)).Distinct().ToList();
            var others = await usableConversations.Where(c => otherIds.Contains(c.Id))
                .Select(c => new { c.Id, c.UserId, c.Channel, c.CreatedAt }).ToListAsync(ct);

            // Players who keep their chats out of training data (their preference): none of their conversations or
            // answer ratings goes in, whatever the owner's filters.
            var optedOut = await Account.PreferencesService.OptedOutOfTrainingAsync(ctx, rated.Select(r => r.UserId).Concat(others.Select(o => o.UserId)).ToList(), ct);
            if (optedOut.Count > 0)
            {
                var excluded = rated.Where(r => optedOut.Contains(r.UserId)).Select(r => r.Id).Concat(others.Where(o => optedOut.Contains(o.UserId)).Select(o => o.Id)).ToHashSet();
                rated.RemoveAll(r => excluded.Contains(r.Id));
                others.RemoveAll(o => excluded.Contains(o.Id));
                ratings.RemoveAll(r => excluded.Contains(r.ConversationId));
            }

            var userIds = rated.Select(r => r.UserId).Concat(others.Select(o => o.UserId)).Distinct().ToList();
            var users = await ctx.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
                .Select(u => new { u.Id, u.UserName, u.DisplayName, u.Email }).ToListAsync(ct);
            var names = users.ToDictionary(u => u.Id, u => PersonalDataMasker.KnownNames(u.UserName, u.DisplayName, u.Email));

            var heads = rated.Select(r => (r.Id, r.UserId, r.Channel, r.CreatedAt, Rating: (short?)r.Rating, RatedAt: (DateTimeOffset?)r.RatedAt, Labels: (IReadOnlyList<string>)r.Labels))
                .Concat(others.Select(o => (o.Id, o.UserId, o.Channel, o.CreatedAt, Rating: (short?)null, RatedAt: (DateTimeOffset?)null, Labels: (IReadOnlyList<string>)[])))
                .ToList();
            return new { Star = star, Heads = heads, Ratings = ratings, Names = names };
        }, ct);
        if (loaded is null)
        {
            return Result<DatasetExtraction>.Forbidden();
        }

        var all = await messages.ListManyAsync(loaded.Heads.Select(h => h.Id).ToList(), ct);
        var byConversation = all.GroupBy(m => m.ConversationId).ToDictionary(g => g.Key, g => (IReadOnlyList<ConversationMessageDocument>)g.ToList());
        var conversations = loaded.Heads.Select(h => new DatasetConversation(h.Id, h.Channel, h.CreatedAt, null, h.Rating, h.RatedAt, h.Labels,
            byConversation.GetValueOrDefault(h.Id, []), loaded.Names.GetValueOrDefault(h.UserId, []))).ToList();
        var ratings = loaded.Ratings.Select(r => new DatasetAnswerRating(r.ConversationId, r.MessageId, r.TraceId, r.Rating, r.Labels,
            r.Prompt, r.Answer, r.UpdatedAt)).ToList();
        return Result<DatasetExtraction>.Ok(DatasetRules.Extract(loaded.Star, conversations, ratings, filters));
    }

    private static async Task<bool> MayTrainAsync(StarStudioDbContext ctx, UserContext user, Guid starId, CancellationToken ct) =>
        user.UserId is { } me && await ctx.Stars.AnyAsync(s => s.Id == starId && (s.OwnerId == me || user.IsAdmin), ct);

    private static Result<T> Relay<T>(Result<DatasetExtraction> failed) => failed.Kind switch
    {
        ResultKind.Invalid => Result<T>.Invalid(failed.Errors),
        ResultKind.NotFound => Result<T>.NotFound(),
        _ => Result<T>.Forbidden(),
    };

    private async Task PutAsync(string key, byte[] content, string contentType, CancellationToken ct)
    {
        using var stream = new MemoryStream(content, writable: false);
        await objects.PutAsync(Buckets.ModelArtifacts, key, stream, contentType, ct);
    }

    private async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        await using var stored = await objects.GetAsync(Buckets.ModelArtifacts, key, ct);
        if (stored is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private async Task RemoveAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await objects.DeleteAsync(Buckets.ModelArtifacts, key, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException)
            {
                log.LogWarning(ex, "Could not remove {Key} of a failed dataset build", key);
            }
        }
    }
}

/// <summary>Registers the dataset service.</summary>
public static class TrainingDatasetsServiceCollectionExtensions
{
    public static IServiceCollection AddTrainingDatasets(this IServiceCollection services)
    {
        services.AddScoped<ITrainingDatasetService, TrainingDatasetService>();
        return services;
    }
}
