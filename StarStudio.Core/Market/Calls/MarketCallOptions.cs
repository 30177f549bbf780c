namespace StarStudio.Core.Market.Calls;

/// <summary><c>StarStudio:Market</c>: how skills are called and what the platform keeps.</summary>
public sealed class MarketCallOptions
{
    public const string Section = "StarStudio:Market";

    /// <summary>How long a skill endpoint may take to answer completely (<c>StarStudio__Market__CallTimeout</c>).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes of an answer read; a larger one is an error (<c>StarStudio__Market__MaxResponseBytes</c>).</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>The platform's share of every price, in percent (<c>StarStudio__Market__PlatformFeePercent</c>).</summary>
    public decimal PlatformFeePercent { get; set; } = Subscriptions.SkillMoney.DefaultPlatformFeePercent;

    /// <summary>Cron of the renewal job (<c>StarStudio__Market__RenewalCron</c>); every 10 minutes by default.</summary>
    public string RenewalCron { get; set; } = "*/10 * * * *";
}
