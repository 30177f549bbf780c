namespace StarStudio.Core.Growth;

/// <summary>Magnitude settings (<c>StarStudio:Magnitude</c>).</summary>
public sealed class MagnitudeOptions
{
    public const string Section = "StarStudio:Magnitude";

    /// <summary>Cron of the nightly recomputation (<c>StarStudio__Magnitude__NightlyCron</c>); 03:30 Beijing time (19:30 UTC) by default.</summary>
    public string NightlyCron { get; set; } = "30 19 * * *";

    /// <summary>Chromium for the PDF report (<c>StarStudio__Magnitude__ChromiumPath</c>); unset: STARSTUDIO_CHROMIUM, then the usual paths.</summary>
    public string? ChromiumPath { get; set; }

    /// <summary>The default of <see cref="RecomputeCooldown"/>: each on-demand evaluation asks the model 2 × 4 probe questions.</summary>
    public static readonly TimeSpan DefaultRecomputeCooldown = TimeSpan.FromMinutes(2);

    /// <summary>How far apart an owner's on-demand evaluations of one star must be (<c>StarStudio__Magnitude__RecomputeCooldown</c>).</summary>
    public TimeSpan RecomputeCooldown { get; set; } = DefaultRecomputeCooldown;

    /// <summary>How long Chromium may take to print one report (<c>StarStudio__Magnitude__ReportTimeout</c>).</summary>
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
