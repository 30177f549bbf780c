using System.Globalization;
using Microsoft.Extensions.Localization;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;

namespace StarStudio.Web.Components.Market.Catalog;

/// <summary>How the market pages write prices, ratings, categories and descriptions.</summary>
public static class MarketFormat
{
    /// <summary>"免费", "¥9.90 / 月" or "¥0.05 / 次".</summary>
    public static string Price(IStringLocalizer L, SkillPricingType pricing, decimal price) => pricing switch
    {
        SkillPricingType.Subscription => L["Market.Catalog.Price.Monthly", Money(price)],
        SkillPricingType.Usage => L["Market.Catalog.Price.PerCall", Money(price)],
        _ => L["Market.Catalog.Price.Free"],
    };

    public static string Money(decimal value) => "¥" + value.ToString("0.00##", CultureInfo.InvariantCulture);

    public static string Rating(decimal avg, int count) => count == 0 ? "—" : avg.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Category(IStringLocalizer L, string key) => L["Market.Category." + key];

    public static string Pricing(IStringLocalizer L, SkillPricingType pricing) => L["Market.Pricing." + pricing];

    public static string Plan(IStringLocalizer L, string plan) => L["Market.Plan." + plan];

    /// <summary>The description in the UI's language, falling back to the other one.</summary>
    public static string? Description(SkillCard card) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh"
            ? (string.IsNullOrWhiteSpace(card.Description) ? card.DescriptionEn : card.Description)
            : (string.IsNullOrWhiteSpace(card.DescriptionEn) ? card.Description : card.DescriptionEn);

    /// <summary>The first <paramref name="max"/> characters of a description for a card.</summary>
    public static string Short(string? text, int max = 80)
    {
        var t = (text ?? "").ReplaceLineEndings(" ").Trim();
        return t.Length <= max ? t : t[..max].TrimEnd() + "…";
    }
}
