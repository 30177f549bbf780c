using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Account;

/// <summary>
/// Help and feedback over PostgreSQL and the object store. Who may read or change a submission is checked here and
/// again by the table's row-level security (own rows; admins all).
/// </summary>
internal sealed class FeedbackService(StarStudioDb db, ICurrentUser currentUser, IObjectStore objects, TimeProvider clock) : IFeedbackService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<FeedbackView>> SubmitAsync(FeedbackDraft draft, IReadOnlyList<FeedbackImageUpload> images, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(images);
        var user = await currentUser.GetAsync(ct);
        if (user.UserId is not { } me)
        {
            return Result<FeedbackView>.Forbidden();
        }

        var errors = FeedbackRules.Validate(draft).ToList();
        var checkedImages = new List<(byte[] Bytes, string Type, string Name)>();
        if (images.Count > FeedbackRules.MaxImages)
        {
            errors.Add(new FieldError("Images", "Feedback.Images.TooMany", FeedbackRules.MaxImages));
        }
        else
        {
            foreach (var image in images)
            {
                var name = FeedbackRules.CleanFileName(image.FileName);
                var bytes = image.DeclaredSize > FeedbackRules.MaxImageBytes ? null : await StarStudio.Core.Storage.BoundedRead.ReadAtMostAsync(image.Content, FeedbackRules.MaxImageBytes, ct);
                if (bytes is null)
                {
                    errors.Add(new FieldError("Images", "Feedback.Images.TooLarge", name, FeedbackRules.MaxImageBytes / 1024 / 1024));
                }
                else if (FeedbackRules.SniffImageType(bytes) is { } type)
                {
                    checkedImages.Add((bytes, type, name));
                }
                else
                {
                    errors.Add(new FieldError("Images", "Feedback.Images.NotImage", name));
                }
            }
        }

        if (errors.Count > 0)
        {
            return Result<FeedbackView>.Invalid(errors);
        }

        // The images go first and the row last: a row never names a missing object. A crash in between leaves
        // unreferenced objects under the submission's prefix, never a broken submission.
        var id = Guid.NewGuid();
        var evidence = new List<FeedbackEvidence>();
        try
        {
            for (var i = 0; i < checkedImages.Count; i++)
            {
                var (bytes, type, name) = checkedImages[i];
                var key = $"{KeyPrefix(me, id)}{i}.{FeedbackRules.Extension(type)}";
                await objects.PutAsync(Buckets.FeedbackEvidence, key, new MemoryStream(bytes, writable: false), type, ct);
                evidence.Add(new FeedbackEvidence(key, type, bytes.Length, name));
            }

            var now = clock.GetUtcNow();
            var row = new FeedbackSubmission
            {
                FeedbackId = id,
                UserId = me,
                Description = draft.Description.Trim(),
                ContactPhone = FeedbackRules.NormalizePhone(draft.ContactPhone),
                EvidenceJson = JsonSerializer.Serialize(evidence, Json),
                Status = FeedbackStatus.Open,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await db.RunAsync(async (ctx, _) =>
            {
                ctx.FeedbackSubmissions.Add(row);
                await ctx.SaveChangesAsync(ct);
            }, ct);
            return Result<FeedbackView>.Ok(ToView(row, null));
        }
        catch
        {
            foreach (var stored in evidence)
            {
                await objects.DeleteAsync(Buckets.FeedbackEvidence, stored.Key, CancellationToken.None);
            }

            throw;
        }
    }

    public Task<IReadOnlyList<FeedbackView>> ListMineAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<FeedbackView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            // Filtered to the user's own even for an admin, whom the policy would let read everyone's.
            var rows = await ctx.FeedbackSubmissions.AsNoTracking().Where(f => f.UserId == me)
                .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.FeedbackId)
                .Take(FeedbackRules.MineListMax).ToListAsync(ct);
            return rows.Select(r => ToView(r, null)).ToList();
        }, ct);

    public async Task<FeedbackImage?> OpenEvidenceAsync(Guid feedbackId, int index, CancellationToken ct = default)
    {
        var evidence = await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return null;
            }

            var row = await ctx.FeedbackSubmissions.AsNoTracking().FirstOrDefaultAsync(f => f.FeedbackId == feedbackId, ct);
            if (row is null || (row.UserId != me && !user.IsAdmin))
            {
                return null;
            }

            var items = Evidence(row.EvidenceJson);
            // Only keys under the submission's own prefix are served, so a row can never point at another object.
            return index >= 0 && index < items.Count && items[index].Key.StartsWith(KeyPrefix(row.UserId, row.FeedbackId), StringComparison.Ordinal)
                ? items[index]
                : null;
        }, ct);
        if (evidence is null)
        {
            return null;
        }

        var stored = await objects.GetAsync(Buckets.FeedbackEvidence, evidence.Key, ct);
        return stored is null ? null : new FeedbackImage(stored, evidence);
    }

    public Task<Result<Page<FeedbackView>>> ListAllAsync(FeedbackStatus? status, int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<Page<FeedbackView>>.Forbidden();
            }

            var rows = ctx.FeedbackSubmissions.AsNoTracking();
            if (status is { } s)
            {
                rows = rows.Where(f => f.Status == s);
            }

            var total = await rows.CountAsync(ct);
            var size = Math.Clamp(pageSize, 1, 100);
            var items = await rows.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.FeedbackId)
                .Skip(Math.Max(page, 0) * size).Take(size).ToListAsync(ct);
            var userIds = items.Select(f => f.UserId).Distinct().ToList();
            var emails = await ctx.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
            return Result<Page<FeedbackView>>.Ok(new Page<FeedbackView>(
                items.Select(f => ToView(f, emails.GetValueOrDefault(f.UserId))).ToList(), total));
        }, ct);

    public Task<Result<FeedbackView>> GetAsync(Guid feedbackId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<FeedbackView>.Forbidden();
            }

            var row = await ctx.FeedbackSubmissions.AsNoTracking().FirstOrDefaultAsync(f => f.FeedbackId == feedbackId, ct);
            return row is null ? Result<FeedbackView>.NotFound() : Result<FeedbackView>.Ok(ToView(row, await EmailAsync(ctx, row.UserId, ct)));
        }, ct);

    public Task<Result<FeedbackView>> ReplyAsync(Guid feedbackId, FeedbackReply reply, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            ArgumentNullException.ThrowIfNull(reply);
            if (!user.IsAdmin)
            {
                return Result<FeedbackView>.Forbidden();
            }

            if (FeedbackRules.ReplyError(reply.Reply) is { } error)
            {
                return Result<FeedbackView>.Invalid([error]);
            }

            var row = await ctx.FeedbackSubmissions.FirstOrDefaultAsync(f => f.FeedbackId == feedbackId, ct);
            if (row is null)
            {
                return Result<FeedbackView>.NotFound();
            }

            var text = string.IsNullOrWhiteSpace(reply.Reply) ? null : reply.Reply.Trim();
            var now = clock.GetUtcNow();
            if (text != row.AdminReply)
            {
                row.AdminReply = text;
                row.RepliedAt = text is null ? null : now;
            }

            row.Status = reply.Status;
            row.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            return Result<FeedbackView>.Ok(ToView(row, await EmailAsync(ctx, row.UserId, ct)));
        }, ct);

    internal static string KeyPrefix(Guid userId, Guid feedbackId) => $"{userId:N}/{feedbackId:N}/";

    private static Task<string?> EmailAsync(StarStudioDbContext ctx, Guid userId, CancellationToken ct) =>
        ctx.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);

    private static IReadOnlyList<FeedbackEvidence> Evidence(string json) =>
        JsonSerializer.Deserialize<List<FeedbackEvidence>>(json, Json) ?? [];

    private static FeedbackView ToView(FeedbackSubmission f, string? email) =>
        new(f.FeedbackId, f.UserId, email, f.Description, f.ContactPhone, Evidence(f.EvidenceJson), f.Status, f.AdminReply, f.RepliedAt, f.CreatedAt, f.UpdatedAt);
}
