using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Explore;

/// <summary>How the gallery orders stars (a search keeps the order: it filters, docs/explore.md).</summary>
public enum GallerySort
{
    /// <summary>7-day heat (<see cref="HeatFormula"/>), highest first.</summary>
    Trending,

    /// <summary>Newest stars first.</summary>
    New,

    /// <summary>Most likes first.</summary>
    MostLiked,
}

/// <summary>One gallery page request: search text, 星域 and tag filters, sort and 1-based page.</summary>
public sealed record GalleryQuery(string? Text = null, string? Domain = null, string? Tag = null, GallerySort Sort = GallerySort.Trending, int Page = 1)
{
    /// <summary>Cards per page.</summary>
    public const int PageSize = 24;

    /// <summary>The deepest page ("load more" stops there; a narrower search or filter does better than page 41).</summary>
    public const int MaxPage = 40;

    /// <summary>Longest search text accepted; a longer one is refused with a message rather than cut silently.</summary>
    public const int MaxTextLength = 100;

    /// <summary>Stars skipped before this page.</summary>
    public int Offset => (Math.Clamp(Page, 1, MaxPage) - 1) * PageSize;

    /// <summary>The query as the service runs it (text trimmed, blank filters dropped), or field errors.</summary>
    public Result<GalleryQuery> Normalize()
    {
        var errors = new List<FieldError>();
        var text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim();
        if (text is { Length: > MaxTextLength })
        {
            errors.Add(new FieldError(nameof(Text), "Explore.Query.TooLong", MaxTextLength));
        }

        var domain = string.IsNullOrWhiteSpace(Domain) ? null : Domain.Trim();
        if (domain is { Length: > StarRules.DomainMax })
        {
            errors.Add(new FieldError(nameof(Domain), "Explore.Domain.TooLong", StarRules.DomainMax));
        }

        var tag = string.IsNullOrWhiteSpace(Tag) ? null : Tag.Trim();
        if (tag is { Length: > StarRules.TagMax })
        {
            errors.Add(new FieldError(nameof(Tag), "Explore.Tag.TooLong", StarRules.TagMax));
        }

        if (Page is < 1 or > MaxPage)
        {
            errors.Add(new FieldError(nameof(Page), "Explore.Page.Range", 1, MaxPage));
        }

        if (!Enum.IsDefined(Sort))
        {
            errors.Add(new FieldError(nameof(Sort), "Explore.Sort.Unknown"));
        }

        return errors.Count > 0
            ? Result<GalleryQuery>.Invalid(errors)
            : Result<GalleryQuery>.Ok(this with { Text = text, Domain = domain, Tag = tag });
    }

    /// <summary>The sort key <c>star_gallery_page</c> understands.</summary>
    public static string SortKey(GallerySort sort) => sort switch
    {
        GallerySort.New => "new",
        GallerySort.MostLiked => "liked",
        _ => "trending",
    };

    /// <summary>The sort named by a URL's <c>sort</c> parameter (<see cref="SortKey"/>'s names); trending for anything else.</summary>
    public static GallerySort ParseSort(string? key) => key?.Trim().ToLowerInvariant() switch
    {
        "new" => GallerySort.New,
        "liked" => GallerySort.MostLiked,
        _ => GallerySort.Trending,
    };
}
