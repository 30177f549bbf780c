using StarStudio.Core.Common;

namespace StarStudio.Core.Stars;

/// <summary>A star owner's operations on their stars; every call is authorized for the current user.</summary>
public interface IStarService
{
    /// <summary>The current user's stars (all stars for an admin), one server-side page at a time.</summary>
    Task<Page<StarSummary>> ListMineAsync(StarListQuery query, CancellationToken ct = default);

    Task<Result<Star>> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>Creates a star owned by the current user, who becomes a <c>star_owner</c> if not one yet.</summary>
    Task<Result<Star>> CreateAsync(StarDraft draft, CancellationToken ct = default);

    Task<Result<Star>> UpdateAsync(Guid id, StarDraft draft, CancellationToken ct = default);

    /// <summary>Pauses, resumes, archives or restores a star, following <see cref="StarRules.CanMove"/>.</summary>
    Task<Result<Star>> ChangeStatusAsync(Guid id, StarStatus status, CancellationToken ct = default);

    /// <summary>Stores a new avatar after checking its content; the old one is removed.</summary>
    Task<Result<Star>> SetAvatarAsync(Guid id, Stream content, long length, CancellationToken ct = default);

    /// <summary>Makes a star public (players can find it and chat with it while it is active) or private again.</summary>
    Task<Result<Star>> SetPublicAsync(Guid id, bool isPublic, CancellationToken ct = default);

    /// <summary>A star the current user may chat with: an active public star, or one of their own.</summary>
    Task<PublicStar?> GetPublicAsync(Guid id, CancellationToken ct = default);

    /// <summary>
    /// Active public stars, most recently updated first, at most <paramref name="take"/> (1–50): the home page's short
    /// list for a signed-in player until the discovery gallery exists. Empty for an anonymous caller.
    /// </summary>
    Task<IReadOnlyList<PublicStar>> ListPublicAsync(int take, CancellationToken ct = default);

    /// <summary>Opens a star's avatar if the current user may see the star.</summary>
    Task<Storage.StoredObject?> OpenAvatarAsync(Guid id, CancellationToken ct = default);
}

/// <summary>What a player sees of a star.</summary>
public sealed record PublicStar(Guid Id, string Name, string Domain, string Tone, bool HasAvatar, DateTimeOffset UpdatedAt, bool IsOwner);

/// <summary>A row of the star list.</summary>
public sealed record StarSummary(
    Guid Id,
    string Name,
    string Domain,
    string Tone,
    StarStatus Status,
    IReadOnlyList<string> Tags,
    bool HasAvatar,
    DateTimeOffset UpdatedAt);

/// <summary>Paging, search and sorting for the star list.</summary>
public sealed record StarListQuery(
    int Page = 0,
    int PageSize = 20,
    string? Search = null,
    StarStatus? Status = null,
    StarSort Sort = StarSort.UpdatedDesc);

/// <summary>Sort orders the star list supports (each backed by an index).</summary>
public enum StarSort
{
    UpdatedDesc,
    NameAsc,
    CreatedDesc,
}
