using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Stars;

/// <summary>Persona versions over PostgreSQL, for the star's owner and admins (RLS hides other owners' versions).</summary>
internal sealed class PersonaVersionService(StarStudioDb db, TimeProvider clock) : IPersonaVersionService
{
    public Task<Result<PersonaVersionsView>> ListAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await OwnedStarAsync(ctx, user, starId, track: false, ct);
            if (star is null)
            {
                return Result<PersonaVersionsView>.NotFound();
            }

            var versions = await ctx.StarPersonaVersions.AsNoTracking().Where(v => v.StarId == starId)
                .OrderByDescending(v => v.VersionNo)
                .Select(v => new { v.Id, v.VersionNo, v.Source, v.BasedOnVersionId, v.ChangeLog, v.CreatedBy, v.CreatedAt })
                .ToListAsync(ct);
            var numbers = versions.ToDictionary(v => v.Id, v => v.VersionNo);
            var authors = versions.Select(v => v.CreatedBy).OfType<Guid>().Distinct().ToList();
            var names = await ctx.Users.AsNoTracking().Where(u => authors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            var reviews = (await ctx.StarReviews.AsNoTracking().Where(r => r.StarId == starId).ToListAsync(ct))
                .OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id)
                .Select(r => new StarReviewView(r.Id, r.PersonaVersionId, numbers.GetValueOrDefault(r.PersonaVersionId), r.Status, r.Reason, r.RequestedAt, r.ReviewedAt))
                .ToList();
            var latestByVersion = reviews.GroupBy(r => r.PersonaVersionId).ToDictionary(g => g.Key, g => g.First());
            var rows = versions.Select(v => new PersonaVersionSummary(
                v.Id, v.VersionNo, v.Source,
                v.BasedOnVersionId is { } b && numbers.TryGetValue(b, out var n) ? n : null,
                v.ChangeLog,
                v.CreatedBy is { } by ? names.GetValueOrDefault(by, "") : "",
                v.CreatedAt,
                latestByVersion.GetValueOrDefault(v.Id))).ToList();
            return Result<PersonaVersionsView>.Ok(new PersonaVersionsView(star.Id, star.IsPublic, star.PersonaVersionId, star.PublicVersionId, rows, reviews.FirstOrDefault()));
        }, ct);

    public Task<Result<StarPersonaVersion>> GetAsync(Guid versionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var version = await ctx.StarPersonaVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct);
            // Players may read a public star's shown version (RLS), but this service is the owner's tool.
            return version is not null && await OwnedStarAsync(ctx, user, version.StarId, track: false, ct) is not null
                ? Result<StarPersonaVersion>.Ok(version)
                : Result<StarPersonaVersion>.NotFound();
        }, ct);

    public Task<Result<PersonaComparison>> CompareAsync(Guid olderVersionId, Guid newerVersionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var pair = await ctx.StarPersonaVersions.AsNoTracking().Where(v => v.Id == olderVersionId || v.Id == newerVersionId).ToListAsync(ct);
            var older = pair.FirstOrDefault(v => v.Id == olderVersionId);
            var newer = pair.FirstOrDefault(v => v.Id == newerVersionId);
            if (older is null || newer is null || older.StarId != newer.StarId || await OwnedStarAsync(ctx, user, older.StarId, track: false, ct) is null)
            {
                return Result<PersonaComparison>.NotFound();
            }

            return Result<PersonaComparison>.Ok(PersonaComparison.Of(PersonaSnapshot.Of(older), PersonaSnapshot.Of(newer)));
        }, ct);

    public Task<Result<Star>> RollbackAsync(Guid versionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var target = await ctx.StarPersonaVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct);
            var star = target is null ? null : await OwnedStarAsync(ctx, user, target.StarId, track: true, ct);
            if (target is null || star is null)
            {
                return Result<Star>.NotFound();
            }

            if (star.Status == StarStatus.Archived)
            {
                return Result<Star>.Invalid("Status", "Star.Archived.ReadOnly");
            }

            await PersonaVersioning.LockAsync(ctx, star.Id, ct);
            var now = clock.GetUtcNow();
            PersonaVersioning.Restore(star, target);
            star.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            // Always a new version, even when the working copy already equals the target: the list shows the rollback.
            await PersonaVersioning.SnapshotIfChangedAsync(ctx, user, star, PersonaVersionSource.Rollback, target.Id, "", now, ct);
            return Result<Star>.Ok(star);
        }, ct);

    public Task<Result<StarReview>> WithdrawReviewAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (await OwnedStarAsync(ctx, user, starId, track: false, ct) is null)
            {
                return Result<StarReview>.NotFound();
            }

            var withdrawn = await PersonaVersioning.WithdrawPendingAsync(ctx, starId, ct);
            return withdrawn is null ? Result<StarReview>.Invalid("Review", "Review.NotPending") : Result<StarReview>.Ok(withdrawn);
        }, ct);

    private static async Task<Star?> OwnedStarAsync(StarStudioDbContext ctx, UserContext user, Guid starId, bool track, CancellationToken ct)
    {
        if (user.UserId is not { } me)
        {
            return null;
        }

        var stars = track ? ctx.Stars : ctx.Stars.AsNoTracking();
        var star = await stars.FirstOrDefaultAsync(s => s.Id == starId, ct);
        return star is not null && (star.OwnerId == me || user.IsAdmin) ? star : null;
    }
}
