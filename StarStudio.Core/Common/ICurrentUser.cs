namespace StarStudio.Core.Common;

/// <summary>Who is acting: the signed-in user of a circuit or request, or nobody.</summary>
public interface ICurrentUser
{
    /// <summary>Resolves the acting user; <see cref="UserContext.Anonymous"/> when nobody is signed in.</summary>
    ValueTask<UserContext> GetAsync(CancellationToken ct = default);
}

/// <summary>The identity and roles of the acting user, as the services and the database see them.</summary>
public sealed record UserContext(Guid? UserId, IReadOnlySet<string> Roles)
{
    public static readonly UserContext Anonymous = new(null, new HashSet<string>());

    public bool IsAuthenticated => UserId is not null;
    public bool IsAdmin => Roles.Contains(Identity.RoleNames.Admin);
    public bool IsInRole(string role) => Roles.Contains(role);

    public static UserContext For(Guid userId, params string[] roles) => new(userId, new HashSet<string>(roles, StringComparer.Ordinal));
}

/// <summary>A current user fixed at construction: background jobs, seeding and tests.</summary>
public sealed class FixedCurrentUser(UserContext user) : ICurrentUser
{
    public ValueTask<UserContext> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(user);
}

/// <summary>
/// Lets work that runs outside a request or circuit (background jobs, webhooks) act as a given user for
/// the rest of its DI scope. Scoped; the app's <see cref="ICurrentUser"/> consults it first.
/// </summary>
public sealed class ActingUser
{
    public UserContext? User { get; set; }
}
