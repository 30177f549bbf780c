using MudBlazor;
using StarStudio.Core.Admin.Users;

namespace StarStudio.Web.Components.Admin.Users;

/// <summary>How the admin user pages name roles, states and times (resource keys under <c>AdminUsers.*</c>).</summary>
public static class UserAdminFormat
{
    public static string RoleKey(string role) => "AdminUsers.Role." + role;

    public static string StatusKey(UserStatus status) => "AdminUsers.Status." + status;

    public static string SortKey(UserSort sort) => "AdminUsers.Sort." + sort;

    public static Color StatusColor(UserStatus status) => status switch
    {
        UserStatus.Active => Color.Success,
        UserStatus.Disabled => Color.Error,
        UserStatus.LockedOut => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>Beijing time, to the minute; a dash for never.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? StarStudio.Core.Common.BeijingTime.Format(t) : "—";
}
