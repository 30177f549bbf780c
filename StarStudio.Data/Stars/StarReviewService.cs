using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Stars;

/// <summary>
/// The admins' review queue for making star versions public (seed 002's publish review). Each decision appends its audit
/// entry in the same transaction, whether taken here or from the review inbox (docs/admin-inbox.md).
/// </summary>
internal sealed class StarReviewService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : IStarReviewService
{
    private static readonly PersonaSnapshot Empty = new("", "", "", "", [], "", "", [], "", "", "");

    public Task<Result<IReadOnlyList<PendingStarReview>>> ListPendingAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<PendingStarReview>>.Forbidden();
            }

            var pending = await (from r in ctx.StarReviews.AsNoTracking()
                                 where r.Status == StarReviewStatus.Pending
                                 join s in ctx.Stars.AsNoTracking() on r.StarId equals s.Id
                                 join v in ctx.StarPersonaVersions.AsNoTracking() on r.PersonaVersionId equals v.Id
                                 join o in ctx.Users.AsNoTracking() on s.OwnerId equals o.Id
                                 orderby r.RequestedAt, r.Id
                                 select new { Review = r, Star = s, Version = v, Owner = o.DisplayName })
                .Take(100)
                .ToListAsync(ct);
            var approvedIds = pending.Select(p => p.Star.PublicVersionId).OfType<Guid>().Distinct().ToList();
            var approved = await ctx.StarPersonaVersions.AsNoTracking().Where(v => approvedIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
            IReadOnlyList<PendingStarReview> items = pending.Select(p =>
            {
                var shown = p.Star.PublicVersionId is { } id ? approved.GetValueOrDefault(id) : null;
                var diff = PersonaComparison.Of(shown is null ? Empty : PersonaSnapshot.Of(shown), PersonaSnapshot.Of(p.Version));
                return new PendingStarReview(p.Review.Id, p.Star.Id, p.Star.Name, p.Owner, p.Version.Id, p.Version.VersionNo, p.Version.ChangeLog,
                    p.Review.RequestedAt, shown?.VersionNo, diff);
            }).ToList();
            return Result<IReadOnlyList<PendingStarReview>>.Ok(items);
        }, ct);

    public Task<Result<StarReview>> ApproveAsync(Guid reviewId, CancellationToken ct = default) =>
        DecideAsync(reviewId, (review, star) =>
        {
            review.Status = StarReviewStatus.Approved;
            star.IsPublic = true;
            star.PublicVersionId = review.PersonaVersionId;
        }, ct);

    public Task<Result<StarReview>> RejectAsync(Guid reviewId, string reason, CancellationToken ct = default)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length == 0)
        {
            return Task.FromResult(Result<StarReview>.Invalid("Reason", "Review.Reason.Required"));
        }

        if (StarRules.Length(reason) > StarReviewLimits.ReasonMax)
        {
            return Task.FromResult(Result<StarReview>.Invalid("Reason", "Review.Reason.TooLong", StarReviewLimits.ReasonMax));
        }

        return DecideAsync(reviewId, (review, _) =>
        {
            review.Status = StarReviewStatus.Rejected;
            review.Reason = reason;
        }, ct);
    }

    private Task<Result<StarReview>> DecideAsync(Guid reviewId, Action<StarReview, Star> decide, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<StarReview>.Forbidden();
            }

            var review = await ctx.StarReviews.FirstOrDefaultAsync(r => r.Id == reviewId, ct);
            if (review is null)
            {
                return Result<StarReview>.NotFound();
            }

            await PersonaVersioning.LockAsync(ctx, review.StarId, ct);
            // Re-read under the star's lock: the owner may have withdrawn it, or another admin decided, meanwhile.
            await ctx.Entry(review).ReloadAsync(ct);
            if (review.Status != StarReviewStatus.Pending)
            {
                return Result<StarReview>.Invalid("Review", "Review.NotPending");
            }

            var star = await ctx.Stars.FirstAsync(s => s.Id == review.StarId, ct);
            var now = clock.GetUtcNow();
            var before = new { reviewId = review.Id, personaVersionId = review.PersonaVersionId, status = review.Status.ToString(), star.IsPublic, star.PublicVersionId };
            decide(review, star);
            review.ReviewedBy = user.UserId;
            review.ReviewedAt = now;
            if (review.Status == StarReviewStatus.Approved)
            {
                star.UpdatedAt = now;
            }

            await ctx.SaveChangesAsync(ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(
                review.Status == StarReviewStatus.Approved ? AuditActions.ReviewApproved : AuditActions.ReviewRejected, AuditTargets.Star,
                star.Id.ToString(), star.Name, Before: before,
                After: new { reviewId = review.Id, personaVersionId = review.PersonaVersionId, status = review.Status.ToString(), star.IsPublic, star.PublicVersionId },
                Reason: review.Reason), clientAddress?.Get(), ct);
            return Result<StarReview>.Ok(review);
        }, ct);
}
