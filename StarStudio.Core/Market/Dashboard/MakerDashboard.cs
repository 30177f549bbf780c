using System.Globalization;
using System.Text;
using StarStudio.Core.Common;
using StarStudio.Core.Market.Catalog;

namespace StarStudio.Core.Market.Dashboard;

/// <summary>One Beijing day of a maker's skills: calls, failed calls, p95 latency and revenue.</summary>
/// <param name="P95LatencyMs">Nearest-rank 95th percentile of the day's call latencies; null without calls.</param>
public sealed record DashboardDay(DateOnly Day, int Calls, int Errors, int? P95LatencyMs, decimal Revenue)
{
    /// <summary>Failed calls as a fraction of calls (0 without calls).</summary>
    public double ErrorRate => DashboardMath.ErrorRate(Calls, Errors);
}

/// <summary>One of the maker's skills with its standing.</summary>
public sealed record DashboardSkill(Guid Id, string Name, string Icon, SkillStatus Status, int Subscribers, long Calls, decimal RatingAvg, int RatingCount);

/// <summary>A recent review of one of the maker's skills.</summary>
public sealed record DashboardReview(Guid SkillId, string SkillName, ReviewView Review);

/// <summary>The maker dashboard: daily rows oldest first (every day of the window, zero days included), skills, recent reviews.</summary>
public sealed record MakerDashboard(
    IReadOnlyList<DashboardDay> Days,
    IReadOnlyList<DashboardSkill> Skills,
    IReadOnlyList<DashboardReview> RecentReviews,
    Guid? SkillId)
{
    public int TotalCalls => Days.Sum(d => d.Calls);
    public int TotalErrors => Days.Sum(d => d.Errors);
    public decimal TotalRevenue => Days.Sum(d => d.Revenue);
}

/// <summary>One recorded call, as the dashboard aggregates it.</summary>
public readonly record struct CallSample(DateTimeOffset At, bool Success, int LatencyMs);

/// <summary>One revenue ledger row, as the dashboard aggregates it.</summary>
public readonly record struct RevenueSample(DateTimeOffset At, decimal Amount);

/// <summary>The dashboard's pure arithmetic: Beijing day windows, percentiles, error rates, daily rows and their CSV.</summary>
public static class DashboardMath
{
    public const int DefaultDays = 30;
    public const int MaxDays = 90;

    /// <summary>The Beijing days of the last <paramref name="days"/> days up to and including today, and the instant the first starts (in UTC, as PostgreSQL takes it).</summary>
    public static (IReadOnlyList<DateOnly> Days, DateTimeOffset From) Window(DateTimeOffset now, int days)
    {
        days = Math.Clamp(days, 1, MaxDays);
        var today = BeijingTime.Day(now);
        var list = Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).ToList();
        return (list, BeijingTime.StartOf(list[0]).ToUniversalTime());
    }

    /// <summary>Nearest-rank 95th percentile (the smallest value with at least 95 % of values at or below it); null when empty.</summary>
    public static int? P95(IReadOnlyCollection<int> values) => Percentile(values, 95);

    /// <summary>Nearest-rank percentile <paramref name="p"/> (1–100); null when empty.</summary>
    public static int? Percentile(IReadOnlyCollection<int> values, int p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>Failed calls as a fraction of calls (0 without calls).</summary>
    public static double ErrorRate(int calls, int errors) => calls == 0 ? 0 : (double)errors / calls;

    /// <summary>Buckets calls and revenue into the Beijing days of the window (oldest first); samples outside it are ignored.</summary>
    public static IReadOnlyList<DashboardDay> Daily(IReadOnlyList<DateOnly> days, IEnumerable<CallSample> calls, IEnumerable<RevenueSample> revenue)
    {
        var callsByDay = calls.GroupBy(c => BeijingTime.Day(c.At)).ToDictionary(g => g.Key, g => g.ToList());
        var revenueByDay = revenue.GroupBy(r => BeijingTime.Day(r.At)).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));
        return days.Select(day =>
        {
            var list = callsByDay.GetValueOrDefault(day) ?? [];
            return new DashboardDay(day, list.Count, list.Count(c => !c.Success), P95(list.Select(c => c.LatencyMs).ToList()),
                revenueByDay.GetValueOrDefault(day));
        }).ToList();
    }

    /// <summary>
    /// The daily rows as CSV for Excel: a UTF-8 byte order mark first (without it Excel reads UTF-8 as the local ANSI code
    /// page and garbles Chinese), CRLF line ends, RFC 4180 quoting, invariant numbers, and the header in the caller's language.
    /// </summary>
    public static string Csv(IReadOnlyList<DashboardDay> days, IReadOnlyList<string> header)
    {
        var sb = new StringBuilder("\uFEFF");
        sb.Append(string.Join(',', header.Select(Quote))).Append("\r\n");
        foreach (var d in days)
        {
            sb.Append(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(d.Calls.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(d.Errors.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(d.ErrorRate.ToString("0.####", CultureInfo.InvariantCulture)).Append(',')
                .Append(d.P95LatencyMs?.ToString(CultureInfo.InvariantCulture) ?? "").Append(',')
                .Append(d.Revenue.ToString("0.00##", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>An RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled; a leading =, +, - or @ is
    /// prefixed with an apostrophe so a spreadsheet never runs it as a formula.</summary>
    public static string Quote(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@')
        {
            field = "'" + field;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}

/// <summary>The dashboard of the signed-in skill maker over their own skills only.</summary>
public interface IMakerDashboardService
{
    /// <summary>The last <paramref name="days"/> Beijing days (1–<see cref="DashboardMath.MaxDays"/>), for all the maker's skills or one.</summary>
    Task<Result<MakerDashboard>> GetAsync(int days, Guid? skillId = null, CancellationToken ct = default);
}
