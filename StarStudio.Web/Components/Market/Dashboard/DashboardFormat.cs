using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using StarStudio.Core.Market.Dashboard;

namespace StarStudio.Web.Components.Market.Dashboard;

/// <summary>The dashboard's charts and numbers.</summary>
public static class DashboardFormat
{
    public static string Percent(double fraction) => fraction.ToString("0.#%", CultureInfo.InvariantCulture);

    /// <summary>Day labels (<c>MM-dd</c>) and the series of the three charts: calls and errors, p95 latency, revenue.</summary>
    public static (string[] Labels, List<ChartSeries> Calls, List<ChartSeries> Latency, List<ChartSeries> Revenue) Charts(MakerDashboard view, IStringLocalizer L)
    {
        var labels = view.Days.Select(d => d.Day.ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray();
        List<ChartSeries> calls =
        [
            new() { Name = L["Market.Dashboard.Calls"], Data = view.Days.Select(d => (double)d.Calls).ToArray() },
            new() { Name = L["Market.Dashboard.Errors"], Data = view.Days.Select(d => (double)d.Errors).ToArray() },
        ];
        List<ChartSeries> latency = [new() { Name = L["Market.Dashboard.P95"], Data = view.Days.Select(d => (double)(d.P95LatencyMs ?? 0)).ToArray() }];
        List<ChartSeries> revenue = [new() { Name = L["Market.Dashboard.Revenue"], Data = view.Days.Select(d => (double)d.Revenue).ToArray() }];
        return (labels, calls, latency, revenue);
    }
}
