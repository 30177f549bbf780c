using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Me.Account;

/// <summary>How the account panels show times: in Beijing time (UTC+8, no daylight saving), as the product does everywhere.</summary>
internal static class AccountFormat
{
    public static string Date(DateTimeOffset at) => BeijingTime.FormatDate(at);

    public static string DateTime(DateTimeOffset at) => BeijingTime.Format(at);

    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? $"{bytes / 1024d / 1024d:0.0} MB"
        : $"{Math.Max(1, bytes / 1024)} KB";
}
