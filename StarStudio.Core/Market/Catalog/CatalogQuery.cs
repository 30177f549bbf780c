using StarStudio.Core.Common;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Core.Market.Catalog;

/// <summary>How the catalog orders skills when there is no query text (with one, relevance comes first and this breaks ties).</summary>
public enum CatalogSort
{
    /// <summary>Most successful calls, then most subscribers.</summary>
    Popular,

    /// <summary>Best average rating, then most ratings.</summary>
    Rating,

    /// <summary>Most recently published first.</summary>
    New,
}

/// <summary>A catalog search: query text, filters, sort and page (1-based).</summary>
public sealed record CatalogQuery(
    string? Text = null,
    string? Category = null,
    SkillPricingType? Pricing = null,
    decimal? MinRating = null,
    CatalogSort Sort = CatalogSort.Popular,
    int Page = 1)
{
    /// <summary>Cards per page.</summary>
    public const int PageSize = 24;

    /// <summary>
    /// The deepest page served: the ranked matches are bounded by <see cref="RankBudget"/>, whose cost grows with it (a
    /// common word matches thousands of skills), and nobody pages ten deep in a catalog; a narrower query does better.
    /// </summary>
    public const int MaxPage = 10;

    /// <summary>Most terms a query contributes (a 200-character Chinese query has 199 bigrams; ORing them all finds everything).</summary>
    public const int MaxTerms = 16;

    /// <summary>
    /// Most matches a search ranks (rare words first, see migration <c>MarketCatalogSearch</c>): every page up to
    /// <see cref="MaxPage"/>, and a bounded cost when a common word matches thousands of skills.
    /// </summary>
    public const int RankBudget = MaxPage * PageSize;

    /// <summary>Longest query text accepted.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Rows skipped before this page.</summary>
    public int Offset => (Math.Clamp(Page, 1, MaxPage) - 1) * PageSize;

    /// <summary>
    /// The full-text terms of <see cref="Text"/>: <see cref="SearchText.QueryTerms"/> (the tokens of
    /// <see cref="SearchText.Tokens"/>, CJK as bigrams, distinct, without stop words), the same scheme as the
    /// versions' <c>search_text</c>. Empty when the text has no searchable word.
    /// </summary>
    public IReadOnlyList<string> Terms => SearchText.QueryTerms(Text).Take(MaxTerms).ToList();

    /// <summary>The query as the service runs it (text trimmed, blank filters dropped), or field errors.</summary>
    public Result<CatalogQuery> Normalize()
    {
        var errors = new List<FieldError>();
        var text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim();
        if (text is { Length: > MaxTextLength })
        {
            errors.Add(new FieldError(nameof(Text), "Market.Catalog.Query.TooLong", MaxTextLength));
        }

        var category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim();
        if (category is not null && !SkillCategories.All.Contains(category))
        {
            errors.Add(new FieldError(nameof(Category), "Market.Catalog.Category.Unknown"));
        }

        if (MinRating is < 0 or > 5)
        {
            errors.Add(new FieldError(nameof(MinRating), "Market.Catalog.MinRating.Range", 0, 5));
        }

        if (Page is < 1 or > MaxPage)
        {
            errors.Add(new FieldError(nameof(Page), "Market.Catalog.Page.Range", 1, MaxPage));
        }

        if (!Enum.IsDefined(Sort) || (Pricing is { } p && !Enum.IsDefined(p)))
        {
            errors.Add(new FieldError(nameof(Sort), "Market.Catalog.Sort.Unknown"));
        }

        return errors.Count > 0
            ? Result<CatalogQuery>.Invalid(errors)
            : Result<CatalogQuery>.Ok(this with { Text = text, Category = category, MinRating = MinRating is 0 ? null : MinRating });
    }

    /// <summary>The sort key the search function understands (<c>market_catalog_search</c>'s <c>p_sort</c>).</summary>
    public static string SortKey(CatalogSort sort) => sort switch
    {
        CatalogSort.Rating => "rating",
        CatalogSort.New => "new",
        _ => "popular",
    };
}
