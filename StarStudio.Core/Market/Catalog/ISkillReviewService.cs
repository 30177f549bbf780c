using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Catalog;

/// <summary>
/// Reviews of published skills: one per user per skill, never of one's own skill; the maker answers. Acts as the current
/// user (row-level security holds the same rules).
/// </summary>
public interface ISkillReviewService
{
    /// <summary>Writes the current user's review; a second one is refused (<see cref="ReviewRules.DuplicateCode"/> at the body).</summary>
    Task<Result<ReviewView>> CreateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default);

    /// <summary>Changes the current user's review of the skill.</summary>
    Task<Result<ReviewView>> UpdateAsync(Guid skillId, ReviewInput input, CancellationToken ct = default);

    /// <summary>Deletes the current user's review of the skill.</summary>
    Task<Result<bool>> DeleteAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>The maker answers a review of their skill (empty text removes the answer).</summary>
    Task<Result<bool>> ReplyAsync(Guid reviewId, string? reply, CancellationToken ct = default);
}
