using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Maker;

/// <summary>
/// Admin review of skill versions over PostgreSQL. The admin claim is checked here; the database checks the role again
/// (<c>app_is_admin()</c> in the policies and <c>skills_guard</c>) and refuses a second review of a version
/// (<c>skill_versions_immutable</c>). Rows are locked, so two admins reviewing the same version at once get one review.
/// Each decision appends its audit entry (<c>review.approved</c> / <c>review.rejected</c>) in the same transaction, whether
/// it was taken here or from the review inbox (docs/admin-inbox.md).
/// </summary>
public sealed class SkillReviewService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : ISkillReviewService
{
    public Task<Result<IReadOnlyList<ReviewQueueItem>>> QueueAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<ReviewQueueItem>>.Forbidden();
            }

            var pending = await ctx.SkillVersions.AsNoTracking().Where(v => v.Status == SkillVersionStatus.PendingReview)
                .OrderBy(v => v.SubmittedAt).ThenBy(v => v.Id).ToListAsync(ct);
            var skillIds = pending.Select(v => v.SkillId).Distinct().ToList();
            var publishedIds = await ctx.Skills.AsNoTracking().Where(s => skillIds.Contains(s.Id) && s.PublishedVersionId != null)
                .Select(s => s.PublishedVersionId!.Value).ToListAsync(ct);
            var published = await ctx.SkillVersions.AsNoTracking().Where(v => publishedIds.Contains(v.Id)).ToDictionaryAsync(v => v.SkillId, ct);
            var makers = await MakerNamesAsync(ctx, pending.Select(v => v.OwnerId), ct);
            var items = pending.Select(v =>
            {
                var live = published.GetValueOrDefault(v.SkillId);
                return new ReviewQueueItem(v.Id, v.SkillId, v.Name, v.Icon, makers.GetValueOrDefault(v.OwnerId, ""), v.Version, v.ChangeLog,
                    v.SubmittedAt, live?.Version, v.PricingType, v.Price, v.ApiEndpoint, SkillVersionDiff.Between(live, v));
            }).ToList();
            return Result<IReadOnlyList<ReviewQueueItem>>.Ok(items);
        }, ct);

    public Task<Result<IReadOnlyList<AdminSkillRow>>> ListSkillsAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<AdminSkillRow>>.Forbidden();
            }

            var skills = await ctx.Skills.AsNoTracking()
                .Where(s => s.Status == SkillStatus.Published || s.Status == SkillStatus.Suspended)
                .OrderBy(s => s.Name).ThenBy(s => s.Id).ToListAsync(ct);
            var versionIds = skills.Where(s => s.PublishedVersionId != null).Select(s => s.PublishedVersionId!.Value).ToList();
            var versions = await ctx.SkillVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Version, ct);
            var makers = await MakerNamesAsync(ctx, skills.Select(s => s.OwnerId), ct);
            return Result<IReadOnlyList<AdminSkillRow>>.Ok(skills.Select(s => Row(s, makers, versions)).ToList());
        }, ct);

    public Task<Result<SkillVersionView>> ApproveAsync(Guid versionId, CancellationToken ct = default) =>
        ReviewAsync(versionId, (skill, version, now, adminId) =>
        {
            var move = SkillTransitions.Approve(skill.Status, version.Status);
            if (move.Succeeded)
            {
                version.Status = SkillVersionStatus.Published;
                skill.Status = move.Value;
                skill.PublishedVersionId = version.Id;
                // First publication date: the catalog's "new" order does not reshuffle on every update.
                skill.PublishedAt ??= now;
            }

            return move;
        }, ct);

    public Task<Result<SkillVersionView>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default) =>
        ReviewAsync(versionId, (skill, version, _, _) =>
        {
            var move = SkillTransitions.Reject(skill.Status, version.Status, reason);
            if (move.Succeeded)
            {
                version.Status = SkillVersionStatus.Rejected;
                version.RejectReason = reason.Trim();
                skill.Status = move.Value;
            }

            return move;
        }, ct);

    public Task<Result<AdminSkillRow>> SuspendAsync(Guid skillId, string reason, CancellationToken ct = default) =>
        StandingAsync(skillId, skill =>
        {
            var move = SkillTransitions.Suspend(skill.Status, reason);
            if (move.Succeeded)
            {
                skill.Status = move.Value;
                skill.SuspendedReason = reason.Trim();
            }

            return move;
        }, ct);

    public Task<Result<AdminSkillRow>> UnsuspendAsync(Guid skillId, CancellationToken ct = default) =>
        StandingAsync(skillId, skill =>
        {
            var move = SkillTransitions.Unsuspend(skill.Status, skill.PublishedVersionId is not null);
            if (move.Succeeded)
            {
                skill.Status = move.Value;
                skill.SuspendedReason = null;
            }

            return move;
        }, ct);

    private async Task<Result<SkillVersionView>> ReviewAsync(
        Guid versionId, Func<Skill, SkillVersion, DateTimeOffset, Guid, Result<SkillStatus>> decide, CancellationToken ct)
    {
        try
        {
            return await db.RunAsync(async (ctx, user) =>
            {
                if (!user.IsAdmin)
                {
                    return Result<SkillVersionView>.Forbidden();
                }

                var version = await ctx.SkillVersions.FromSql($"SELECT * FROM skill_versions WHERE id = {versionId} FOR UPDATE").FirstOrDefaultAsync(ct);
                var skill = version is null ? null
                    : await ctx.Skills.FromSql($"SELECT * FROM skills WHERE id = {version.SkillId} FOR UPDATE").FirstOrDefaultAsync(ct);
                if (version is null || skill is null)
                {
                    return Result<SkillVersionView>.NotFound();
                }

                var now = clock.GetUtcNow();
                var before = new { versionId = version.Id, version = version.Version, versionStatus = version.Status.ToString(), skillStatus = skill.Status.ToString() };
                var move = decide(skill, version, now, user.UserId!.Value);
                if (!move.Succeeded)
                {
                    return Result<SkillVersionView>.Invalid(move.Errors);
                }

                version.ReviewedAt = now;
                version.ReviewedBy = user.UserId;
                await ctx.SaveChangesAsync(ct);
                var approved = version.Status == SkillVersionStatus.Published;
                await AuditTrail.AppendAsync(ctx, new AuditEvent(approved ? AuditActions.ReviewApproved : AuditActions.ReviewRejected,
                    AuditTargets.Skill, skill.Id.ToString(), $"{skill.Name} {version.Version}", Before: before,
                    After: new { versionId = version.Id, version = version.Version, versionStatus = version.Status.ToString(), skillStatus = skill.Status.ToString() },
                    Reason: version.RejectReason), clientAddress?.Get(), ct);
                return Result<SkillVersionView>.Ok(SkillMakerService.View(version));
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            // The database refused what the checks above let through (a stale admin claim, or a review that raced).
            return Result<SkillVersionView>.Invalid(SkillTransitions.StatusField, "Market.Review.AlreadyReviewed");
        }
    }

    private Task<Result<AdminSkillRow>> StandingAsync(Guid skillId, Func<Skill, Result<SkillStatus>> decide, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<AdminSkillRow>.Forbidden();
            }

            var skill = await ctx.Skills.FromSql($"SELECT * FROM skills WHERE id = {skillId} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (skill is null)
            {
                return Result<AdminSkillRow>.NotFound();
            }

            var move = decide(skill);
            if (!move.Succeeded)
            {
                return Result<AdminSkillRow>.Invalid(move.Errors);
            }

            await ctx.SaveChangesAsync(ct);
            var versions = skill.PublishedVersionId is { } vid
                ? await ctx.SkillVersions.AsNoTracking().Where(v => v.Id == vid).ToDictionaryAsync(v => v.Id, v => v.Version, ct)
                : [];
            var makers = await MakerNamesAsync(ctx, [skill.OwnerId], ct);
            return Result<AdminSkillRow>.Ok(Row(skill, makers, versions));
        }, ct);

    private static AdminSkillRow Row(Skill s, IReadOnlyDictionary<Guid, string> makers, IReadOnlyDictionary<Guid, string> versions) =>
        new(s.Id, s.Name, s.Icon, makers.GetValueOrDefault(s.OwnerId, ""), s.Status, s.SuspendedReason,
            s.PublishedVersionId is { } v ? versions.GetValueOrDefault(v) : null, s.PublishedAt);

    private static async Task<Dictionary<Guid, string>> MakerNamesAsync(StarStudioDbContext ctx, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await ctx.Users.AsNoTracking().Where(u => list.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? "" : u.DisplayName, ct);
    }
}
