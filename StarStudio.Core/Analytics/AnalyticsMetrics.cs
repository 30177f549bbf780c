using System.Globalization;
using System.Text;
using StarStudio.Core.Common;
using StarStudio.Core.Market.Dashboard;

namespace StarStudio.Core.Analytics;

/// <summary>
/// The numbers the roll-up job writes to <c>analytics_metric</c>, one row per metric and period. Additive metrics are stored
/// per day and summed into weeks and months through <c>analytics_date_dimension</c> (clipped to the chosen range); distinct-user
/// metrics cannot be summed, so the job stores them per day, ISO week and month (a week or month is always the whole period).
/// </summary>
public static class AnalyticsMetrics
{
    /// <summary>Users with any tracked event that day / week / month (DAU, WAU, MAU).</summary>
    public const string ActiveUsers = "active_users";
    public const string SignIns = "sign_ins";
    /// <summary>Accounts created (<c>users.created_at</c>).</summary>
    public const string NewUsers = "new_users";
    public const string Conversations = "conversations";
    public const string Messages = "messages";
    public const string Ratings = "ratings";
    public const string KnowledgeUploads = "knowledge_uploads";
    /// <summary>Uploaded knowledge in MiB (the events' <c>bytes</c>).</summary>
    public const string KnowledgeMegabytes = "knowledge_mb";
    public const string TrialEntries = "trial_entries";
    /// <summary>Distinct users who entered a trial.</summary>
    public const string TrialParticipants = "trial_participants";
    /// <summary>Paid orders' amounts (CNY) by <c>paid_at</c> (<c>orders</c>).</summary>
    public const string Revenue = "revenue";
    /// <summary>Refunded amounts (CNY) by <c>refunded_at</c> (<c>orders</c>).</summary>
    public const string Refunds = "refunds";
    /// <summary>Points credited (<c>profile_wallet_ledger</c>, points, positive deltas).</summary>
    public const string PointsIssued = "points_issued";
    /// <summary>Points debited (negative deltas, shown positive).</summary>
    public const string PointsSpent = "points_spent";
    /// <summary>Model calls (<c>usage_records</c> rows).</summary>
    public const string ModelRequests = "model_requests";
    /// <summary>Tokens in and out, in thousands.</summary>
    public const string ModelTokensIn = "model_tokens_in_k";
    public const string ModelTokensOut = "model_tokens_out_k";
    /// <summary>Model cost (CNY, <c>usage_records.cost</c>).</summary>
    public const string ModelCost = "model_cost";

    /// <summary>Metrics that count distinct users: stored per grain, never summed.</summary>
    public static readonly IReadOnlySet<string> Distinct = new HashSet<string>(StringComparer.Ordinal) { ActiveUsers, TrialParticipants };

    /// <summary>The dashboard's charts, in page order: key (resource suffix, test id) and the metrics drawn.</summary>
    public static readonly IReadOnlyList<AnalyticsChartDefinition> Charts =
    [
        new("active", [ActiveUsers, SignIns]),
        new("new_users", [NewUsers]),
        new("chat", [Conversations, Messages]),
        new("ratings", [Ratings]),
        new("knowledge", [KnowledgeUploads, KnowledgeMegabytes]),
        new("trials", [TrialEntries, TrialParticipants]),
        new("revenue", [Revenue, Refunds]),
        new("points", [PointsIssued, PointsSpent]),
        new("model_usage", [ModelRequests, ModelTokensIn, ModelTokensOut]),
        new("model_cost", [ModelCost]),
    ];

    public static AnalyticsChartDefinition? Chart(string key) => Charts.FirstOrDefault(c => c.Key == key);
}

/// <summary>A chart: its key and the metrics it draws as series.</summary>
public sealed record AnalyticsChartDefinition(string Key, IReadOnlyList<string> Metrics);

/// <summary>The days (Beijing calendar dates, inclusive) and the bucket size of the dashboard.</summary>
public sealed record AnalyticsRange(DateOnly From, DateOnly To, AnalyticsGrain Grain = AnalyticsGrain.Day)
{
    /// <summary>The longest range a chart draws (two years of days).</summary>
    public const int MaxDays = 731;

    public int FromKey => AnalyticsCalendar.DayKey(From);
    public int ToKey => AnalyticsCalendar.DayKey(To);
    public int Days => ToKey - FromKey + 1;

    /// <summary>The field errors of a range: an empty or reversed range, or one longer than <see cref="MaxDays"/>.</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        if (To < From)
        {
            return [new FieldError("Range", "Analytics.Range.Reversed")];
        }

        return Days > MaxDays ? [new FieldError("Range", "Analytics.Range.TooLong", MaxDays)] : [];
    }

    /// <summary>The last <paramref name="days"/> Beijing days up to today.</summary>
    public static AnalyticsRange Last(int days, DateTimeOffset now, AnalyticsGrain grain = AnalyticsGrain.Day)
    {
        var today = BeijingTime.Day(now);
        return new AnalyticsRange(today.AddDays(1 - days), today, grain);
    }
}

/// <summary>One drawn line: a metric's value per period (zero where nothing happened).</summary>
public sealed record AnalyticsSeries(string Metric, IReadOnlyList<decimal> Values)
{
    /// <summary>The series' total over the range; for a distinct metric the peak (users are not additive).</summary>
    public decimal Summary => Values.Count == 0 ? 0 : AnalyticsMetrics.Distinct.Contains(Metric) ? Values.Max() : Values.Sum();
}

/// <summary>A chart's data: period labels and one series per metric.</summary>
public sealed record AnalyticsChart(string Key, AnalyticsGrain Grain, IReadOnlyList<int> PeriodKeys, IReadOnlyList<AnalyticsSeries> Series)
{
    public IReadOnlyList<string> Labels => PeriodKeys.Select(k => AnalyticsCalendar.Label(k, Grain)).ToList();

    /// <summary>The chart as CSV: a period column and one column per series (header as given), BOM first so Excel reads Chinese.</summary>
    public string ToCsv(string periodHeader, IReadOnlyList<string> seriesHeaders)
    {
        var sb = new StringBuilder("\uFEFF");
        sb.Append(DashboardMath.Quote(periodHeader));
        foreach (var h in seriesHeaders)
        {
            sb.Append(',').Append(DashboardMath.Quote(h));
        }

        sb.Append("\r\n");
        var labels = Labels;
        for (var i = 0; i < PeriodKeys.Count; i++)
        {
            sb.Append(labels[i]);
            foreach (var s in Series)
            {
                sb.Append(',').Append(s.Values[i].ToString("0.####", CultureInfo.InvariantCulture));
            }

            sb.Append("\r\n");
        }

        return sb.ToString();
    }
}

/// <summary>The whole dashboard: every chart over one range, and when the roll-up last ran.</summary>
public sealed record AnalyticsDashboard(AnalyticsRange Range, IReadOnlyList<AnalyticsChart> Charts, DateTimeOffset? RolledUpAt);

/// <summary>What one roll-up did: the days it rolled and how long it took.</summary>
public sealed record AnalyticsRollupResult(int FromDayKey, int ToDayKey, int MetricRows, TimeSpan Elapsed);

/// <summary>The admin dashboards (<c>/admin/analytics</c>). Every call is the admin's only.</summary>
public interface IAnalyticsService
{
    /// <summary>All charts over <paramref name="range"/>.</summary>
    Task<Result<AnalyticsDashboard>> GetAsync(AnalyticsRange range, CancellationToken ct = default);

    /// <summary>Rolls up yesterday and today now (the job does it on its schedule), so the charts include the last minutes.</summary>
    Task<Result<AnalyticsRollupResult>> RollUpNowAsync(CancellationToken ct = default);
}

/// <summary>The roll-up job: tracking events and the source tables into <c>tracking_daily_stat</c> and <c>analytics_metric</c>.</summary>
public interface IAnalyticsRollup
{
    /// <summary>Rolls up the days <paramref name="fromDayKey"/>..<paramref name="toDayKey"/>; re-running a day replaces it (idempotent).</summary>
    Task<AnalyticsRollupResult> RollUpAsync(int fromDayKey, int toDayKey, CancellationToken ct = default);

    /// <summary>The scheduled run: the last <see cref="AnalyticsOptions.RollupDays"/> days, or everything since the first event on the first run.</summary>
    Task<AnalyticsRollupResult> RunAsync(CancellationToken ct = default);
}

/// <summary>Settings (<c>StarStudio:Analytics</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "StarStudio:Analytics";

    /// <summary>Hangfire cron of the roll-up (every 15 minutes).</summary>
    public string RollupCron { get; set; } = "*/15 * * * *";

    /// <summary>Days each scheduled run re-rolls, ending today (2: a run just after midnight settles yesterday).</summary>
    public int RollupDays { get; set; } = 2;

    /// <summary>Events the writer queues before it drops new ones.</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Most events per database round trip.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>How long the writer waits to fill a batch before it writes what it has.</summary>
    public int FlushMilliseconds { get; set; } = 250;
}

/// <summary>Audit action names of this feature (the lead folds them into <c>AuditActions.All</c>).</summary>
public static class AnalyticsAuditActions
{
    public const string RollupRun = StarStudio.Core.Audit.AuditActions.AnalyticsRollupRun;
}
