using Microsoft.Extensions.Localization;
using MudBlazor;
using StarStudio.Core.Arena;

namespace StarStudio.Web.Components.Arena;

/// <summary>How arena pages word phases, countdowns and schema rules (resource keys under <c>Arena.*</c>).</summary>
public static class ArenaFormat
{
    public static string PhaseKey(TrialPhase phase) => "Arena.Phase." + phase;

    public static Color PhaseColor(TrialPhase phase) => phase switch
    {
        TrialPhase.Submissions => Color.Success,
        TrialPhase.Judging => Color.Warning,
        TrialPhase.Upcoming => Color.Info,
        TrialPhase.Finished => Color.Default,
        _ => Color.Secondary,
    };

    /// <summary>"2 天 3 小时" / "2 d 3 h", "5 分钟" / "5 min"; "—" when the moment has passed.</summary>
    public static string Countdown(IStringLocalizer l, DateTimeOffset target, DateTimeOffset now)
    {
        var left = target - now;
        if (left <= TimeSpan.Zero)
        {
            return "—";
        }

        if (left.TotalDays >= 1)
        {
            return l["Arena.Countdown.Days", (int)left.TotalDays, left.Hours];
        }

        return left.TotalHours >= 1 ? l["Arena.Countdown.Hours", (int)left.TotalHours, left.Minutes] : l["Arena.Countdown.Minutes", Math.Max(1, (int)Math.Ceiling(left.TotalMinutes))];
    }

    /// <summary>The words for what the countdown of a phase counts to.</summary>
    public static string NextKey(TrialPhase phase) => "Arena.Next." + phase;

    public static string Rule(IStringLocalizer l, SchemaRule rule) => l["Arena.Rule." + rule.Kind, rule.Value];

    /// <summary>Beijing time to the minute.</summary>
    public static string Time(DateTimeOffset at) => StarStudio.Core.Common.BeijingTime.Format(at);
}
