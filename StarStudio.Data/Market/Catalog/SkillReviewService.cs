using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Catalog;

/// <summary>
/// <see cref="ISkillReviewService"/> as the current user. The checks here give the clear messages; the database holds
/// the same rules (policy <c>skill_reviews_own</c>: own rows, published skills, not one's own; the unique index on
/// (skill, user); <c>skill_review_reply</c> for the maker only), so a race or a bug still cannot break them.
/// </summary>
internal sealed class SkillReviewService(StarStudioDb db, TimeProvider clock) : ISkillReviewService
{
    public async Task<Result<ReviewView>> CreateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default)
    {
        var valid = ReviewRules.Validate(input);
        if (!valid.Succeeded)
        {
            return Result<ReviewView>.Invalid(valid.Errors);
        }

        try
        {
            return await db.RunAsync(async (ctx, user) =>
            {
                if (user.UserId is not { } me)
                {
                    return Result<ReviewView>.Forbidden();
                }

                var refusal = await CheckSkillAsync(ctx, skillId, me, ct);
                if (refusal is not null)
                {
                    return Result<ReviewView>.Invalid([refusal]);
                }

                if (await ctx.SkillReviews.AnyAsync(r => r.SkillId == skillId && r.UserId == me, ct))
                {
                    return Duplicate();
                }

                var id = Guid.CreateVersion7();
                var now = clock.GetUtcNow();
                ctx.SkillReviews.Add(new SkillReview
                {
                    Id = id, SkillId = skillId, UserId = me, Rating = valid.Value!.Rating, Body = valid.Value.Body!, CreatedAt = now, UpdatedAt = now,
                });
                await ctx.SaveChangesAsync(ct);
                return Result<ReviewView>.Ok(await ViewAsync(ctx, id, ct));
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two submissions raced past the check; the unique index kept one.
            return Duplicate();
        }
    }

    public async Task<Result<ReviewView>> UpdateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default)
    {
        var valid = ReviewRules.Validate(input);
        if (!valid.Succeeded)
        {
            return Result<ReviewView>.Invalid(valid.Errors);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<ReviewView>.Forbidden();
            }

            var review = await ctx.SkillReviews.FirstOrDefaultAsync(r => r.SkillId == skillId && r.UserId == me, ct);
            if (review is null)
            {
                return Result<ReviewView>.Invalid(ReviewRules.ReviewField, ReviewRules.NotFoundCode);
            }

            var refusal = await CheckSkillAsync(ctx, skillId, me, ct);
            if (refusal is not null)
            {
                return Result<ReviewView>.Invalid([refusal]);
            }

            review.Rating = valid.Value!.Rating;
            review.Body = valid.Value.Body!;
            review.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<ReviewView>.Ok(await ViewAsync(ctx, review.Id, ct));
        }, ct);
    }

    public Task<Result<bool>> DeleteAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<bool>.Forbidden();
            }

            var deleted = await ctx.SkillReviews.Where(r => r.SkillId == skillId && r.UserId == me).ExecuteDeleteAsync(ct);
            return deleted == 0 ? Result<bool>.Invalid(ReviewRules.ReviewField, ReviewRules.NotFoundCode) : Result<bool>.Ok(true);
        }, ct);

    public async Task<Result<bool>> ReplyAsync(Guid reviewId, string? reply, CancellationToken ct = default)
    {
        var valid = ReviewRules.ValidateReply(reply);
        if (!valid.Succeeded)
        {
            return Result<bool>.Invalid(valid.Errors);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is null)
            {
                return Result<bool>.Forbidden();
            }

            // The function answers only reviews of the caller's own skills and says whether it did.
            var answered = await ctx.Database.SqlQuery<bool>($"SELECT skill_review_reply({reviewId}, {valid.Value!}) AS \"Value\"").SingleAsync(ct);
            return answered ? Result<bool>.Ok(true) : Result<bool>.Invalid(ReviewRules.ReplyField, ReviewRules.NotMakerCode);
        }, ct);
    }

    private static Result<ReviewView> Duplicate() => Result<ReviewView>.Invalid(ReviewRules.BodyField, ReviewRules.DuplicateCode);

    /// <summary>Why the user may not review the skill: not published (or not visible), or their own.</summary>
    private static async Task<FieldError?> CheckSkillAsync(StarStudioDbContext ctx, Guid skillId, Guid me, CancellationToken ct)
    {
        var skill = await ctx.Skills.AsNoTracking().Where(s => s.Id == skillId).Select(s => new { s.OwnerId, s.Status }).FirstOrDefaultAsync(ct);
        if (skill is null || skill.Status != SkillStatus.Published)
        {
            return new FieldError(ReviewRules.ReviewField, ReviewRules.NotPublishedCode);
        }

        return skill.OwnerId == me ? new FieldError(ReviewRules.ReviewField, ReviewRules.OwnSkillCode) : null;
    }

    private static async Task<ReviewView> ViewAsync(StarStudioDbContext ctx, Guid id, CancellationToken ct) =>
        SkillCatalogService.View(await SkillCatalogService.Reviews(ctx).SingleAsync(r => r.Id == id, ct));
}
