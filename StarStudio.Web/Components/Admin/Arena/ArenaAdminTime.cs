using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Admin.Arena;

/// <summary>The arena admin pages enter and show instants as Beijing wall-clock times (the app's one time zone).</summary>
internal static class ArenaAdminTime
{
    public const string InputFormat = "yyyy-MM-ddTHH:mm";

    public static DateTime ToInput(DateTimeOffset instant) => DateTime.SpecifyKind(instant.ToOffset(BeijingTime.Offset).DateTime, DateTimeKind.Unspecified);

    public static DateTimeOffset FromInput(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), BeijingTime.Offset);
}
