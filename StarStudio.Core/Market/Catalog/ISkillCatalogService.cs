using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Catalog;

/// <summary>A skill as a catalog card shows it: its published version's face and the skill's standing.</summary>
public sealed record SkillCard(
    Guid Id,
    string Name,
    string Icon,
    string? Description,
    string? DescriptionEn,
    string Category,
    SkillPricingType PricingType,
    decimal Price,
    decimal RatingAvg,
    int RatingCount,
    int SubscriberCount,
    long CallCount,
    DateTimeOffset? PublishedAt,
    double Rank);

/// <summary>One page of the catalog; <see cref="HasMore"/> says whether a next page exists (no total: counting every match costs more than the page).</summary>
public sealed record CatalogPage(IReadOnlyList<SkillCard> Items, int Page, bool HasMore);

/// <summary>A published version in the skill's history.</summary>
public sealed record SkillVersionEntry(Guid Id, string Version, string ChangeLog, DateTimeOffset? PublishedAt);

/// <summary>A review as readers see it, with the maker's answer.</summary>
public sealed record ReviewView(
    Guid Id,
    Guid UserId,
    string Author,
    int Rating,
    string Body,
    string? MakerReply,
    DateTimeOffset? RepliedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of reviews, newest first.</summary>
public sealed record ReviewPage(IReadOnlyList<ReviewView> Items, int Page, bool HasMore);

/// <summary>Everything the detail page shows about a published skill.</summary>
/// <param name="RatingCounts">Reviews per star: index 0 is one star, index 4 five stars.</param>
/// <param name="Plans">The plans the published version offers (<see cref="SkillPlans.For"/>).</param>
/// <param name="MyReview">The viewer's own review, if any.</param>
/// <param name="IsMaker">The viewer made this skill (answers reviews, cannot review it).</param>
/// <param name="CanReview">The viewer is signed in and not the maker.</param>
public sealed record SkillDetail(
    SkillCard Card,
    Guid VersionId,
    string Version,
    string InputSchema,
    string OutputSchema,
    IReadOnlyList<SkillExample> Examples,
    IReadOnlyList<string> Plans,
    IReadOnlyList<SkillVersionEntry> Versions,
    IReadOnlyList<int> RatingCounts,
    ReviewPage Reviews,
    ReviewView? MyReview,
    bool IsMaker,
    bool CanReview);

/// <summary>A worked example of the published version: a question, the arguments it leads to, a note.</summary>
public sealed record SkillExample(string Question, string Arguments, string? Note);

/// <summary>
/// The catalog's read side: search over published skills (Chinese and English full text, filters, sorts) and the detail
/// page of one. Anyone may read it, signed in or not.
/// </summary>
public interface ISkillCatalogService
{
    /// <summary>A page of published skills matching <paramref name="query"/>; field errors for a query out of range.</summary>
    Task<Result<CatalogPage>> SearchAsync(CatalogQuery query, CancellationToken ct = default);

    /// <summary>A published skill's detail with the first page of reviews; not found for drafts, suspended skills and unknown ids.</summary>
    Task<Result<SkillDetail>> DetailAsync(Guid skillId, CancellationToken ct = default);

    /// <summary>A page (1-based) of a published skill's reviews, newest first.</summary>
    Task<Result<ReviewPage>> ReviewsAsync(Guid skillId, int page, CancellationToken ct = default);
}
