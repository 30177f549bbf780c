using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Admin.Arena;

/// <summary>The arena admin pages enter and show instants as Beijing wall-clock times (the app's one time zone).</summary>
internal static class ArenaAdminTime
{
    public const string RequiredCode = "Arena.Admin.Field.DateRequired";

    public static DateTime ToInput(DateTimeOffset instant) => DateTime.SpecifyKind(instant.ToOffset(BeijingTime.Offset).DateTime, DateTimeKind.Unspecified);

    /// <summary>Null for an empty (or unreadable) input, which the browser sends as no value.</summary>
    public static DateTimeOffset? FromInput(DateTime? local) =>
        local is { } l && l.Year > 1 ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Unspecified), BeijingTime.Offset) : null;
}
