namespace StarStudio.Core.Recommendations;

/// <summary>Why a star was recommended; stored as its code (snake_case) and shown through the resource <c>Recs.Reason.{Code}</c>.</summary>
public enum RecommendationReasonCode
{
    /// <summary>Players who liked the star named in the args also liked this one.</summary>
    BecauseYouLiked,
    /// <summary>Players who chatted with the star named in the args also liked or chatted with this one.</summary>
    BecauseYouChatted,
    /// <summary>Popular in the 星域 named in the args, a domain the user likes or chats in.</summary>
    PopularInDomain,
    /// <summary>Cold start: popular across the gallery.</summary>
    PopularOverall,
    /// <summary>Cold start: recently published.</summary>
    NewStar,
}

/// <summary>
/// A reason as data: a code plus the words the localized sentence formats in (a star's name, a domain), so that the
/// same log row reads in Chinese or English and the admin page groups by code.
/// </summary>
public sealed record RecommendationReason(RecommendationReasonCode Code, IReadOnlyList<string> Args)
{
    public static RecommendationReason Of(RecommendationReasonCode code, params string[] args) => new(code, args);

    /// <summary>The resource key of the sentence (<c>Recs.Reason.BecauseYouLiked</c> = 因为你喜欢「{0}」).</summary>
    public string ResourceKey => ResourceKeyOf(Code);

    public static string ResourceKeyOf(RecommendationReasonCode code) => "Recs.Reason." + code;

    /// <summary>The stored spelling of a code (<c>because_you_liked</c>).</summary>
    public static string Store(RecommendationReasonCode code) => code switch
    {
        RecommendationReasonCode.BecauseYouLiked => "because_you_liked",
        RecommendationReasonCode.BecauseYouChatted => "because_you_chatted",
        RecommendationReasonCode.PopularInDomain => "popular_in_domain",
        RecommendationReasonCode.PopularOverall => "popular_overall",
        RecommendationReasonCode.NewStar => "new_star",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>The code of a stored spelling; null for one this version does not know.</summary>
    public static RecommendationReasonCode? Parse(string stored) =>
        Enum.GetValues<RecommendationReasonCode>().Select(c => (RecommendationReasonCode?)c).FirstOrDefault(c => Store(c!.Value) == stored);

    public override string ToString() => $"{Store(Code)}({string.Join(", ", Args)})";

    public bool Equals(RecommendationReason? other) => other is not null && Code == other.Code && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => HashCode.Combine(Code, string.Join("\u001f", Args));
}

/// <summary>Which source produced a recommendation (seed 004 <c>algorithm_type</c>).</summary>
public static class RecommendationAlgorithms
{
    /// <summary>Item-to-item similarity from co-likes and co-plays.</summary>
    public const string ItemToItem = "item_to_item";
    /// <summary>Most popular (7-day heat) in a domain of the user's.</summary>
    public const string PopularInDomain = "popular_in_domain";
    /// <summary>Cold start: most popular overall.</summary>
    public const string Popular = "popular";
    /// <summary>Cold start: newest public stars.</summary>
    public const string New = "new";

    public static readonly IReadOnlyList<string> All = [ItemToItem, PopularInDomain, Popular, New];
}

/// <summary>A user's reaction to a shown recommendation (seed 004 <c>user_action</c>, with the reactions this product has).</summary>
public enum RecommendationAction
{
    Clicked,
    Liked,
    Dismissed,
}
