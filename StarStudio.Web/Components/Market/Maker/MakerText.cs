using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Market;

namespace StarStudio.Web.Components.Market.Maker;

/// <summary>How the maker and review pages name statuses, prices and errors.</summary>
internal static class MakerText
{
    public static string Status(IStringLocalizer L, SkillStatus status) => L["Market.Maker.Status." + status];

    public static string VersionStatus(IStringLocalizer L, SkillVersionStatus status) => L["Market.Maker.VersionStatus." + status];

    public static Color StatusColor(SkillStatus status) => status switch
    {
        SkillStatus.Published => Color.Success,
        SkillStatus.PendingReview => Color.Info,
        SkillStatus.Suspended => Color.Error,
        _ => Color.Default,
    };

    public static Color VersionColor(SkillVersionStatus status) => status switch
    {
        SkillVersionStatus.Published => Color.Success,
        SkillVersionStatus.Rejected => Color.Error,
        _ => Color.Info,
    };

    /// <summary>"免费", "¥9.9 / 月" or "¥0.05 / 次".</summary>
    public static string Price(IStringLocalizer L, SkillPricingType pricing, decimal price) =>
        L["Market.Maker.Price." + pricing, price.ToString("0.####", CultureInfo.InvariantCulture)];

    public static string Message(IStringLocalizer L, FieldError e) => L[e.Code, e.Args].Value;
}
