using System.Globalization;
using StarStudio.Core.Common;

namespace StarStudio.Core.Analytics;

/// <summary>
/// Seed 003's analytics day: <c>day_key = floor((occurred_at + 8h) / 1d)</c>, the number of Beijing business days since
/// 1970-01-01 (so consecutive days are consecutive integers, and a range is two numbers). Not to be confused with the
/// growth tasks' <c>yyyyMMdd</c> key (<see cref="BeijingTime.DayKey(DateTimeOffset)"/>): <see cref="CalendarDate"/>
/// converts. The row of <c>analytics_date_dimension</c> for a day is <see cref="For(int)"/>; the database computes the same
/// values in <c>analytics_date_ensure</c> (a test holds them equal).
/// </summary>
public static class AnalyticsCalendar
{
    private static readonly DateOnly Epoch = new(1970, 1, 1);

    /// <summary>Most days one seeding call fills (seed 003: 3660).</summary>
    public const int MaxSeedDays = 3660;

    /// <summary>The day key of an instant.</summary>
    public static int DayKey(DateTimeOffset instant) =>
        (int)Math.Floor((instant.ToUnixTimeMilliseconds() + (long)BeijingTime.Offset.TotalMilliseconds) / 86_400_000d);

    /// <summary>The day key of a Beijing calendar date.</summary>
    public static int DayKey(DateOnly date) => date.DayNumber - Epoch.DayNumber;

    /// <summary>The Beijing calendar date of a day key.</summary>
    public static DateOnly CalendarDate(int dayKey) => Epoch.AddDays(dayKey);

    /// <summary>The day key of the Beijing day now.</summary>
    public static int Today(TimeProvider clock) => DayKey(clock.GetUtcNow());

    /// <summary>The dimension row of a day (seed 003 <c>analytics_date_dimension</c>).</summary>
    public static DateDimension For(int dayKey)
    {
        var date = CalendarDate(dayKey);
        var weekday = date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek;
        var isoYear = ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue));
        var isoWeek = ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue));
        var weekStart = dayKey - (weekday - 1);
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var quarter = (date.Month - 1) / 3 + 1;
        var quarterStart = new DateOnly(date.Year, (quarter - 1) * 3 + 1, 1);
        var yearStart = new DateOnly(date.Year, 1, 1);
        return new DateDimension(
            dayKey, date, weekday,
            isoYear * 100 + isoWeek, weekStart, weekStart + 6,
            date.Year * 100 + date.Month, DayKey(monthStart), DayKey(monthStart.AddMonths(1)) - 1,
            date.Year * 10 + quarter, DayKey(quarterStart), DayKey(quarterStart.AddMonths(3)) - 1,
            date.Year, DayKey(yearStart), DayKey(yearStart.AddYears(1)) - 1);
    }

    /// <summary>The key of the period of <paramref name="grain"/> that holds a day.</summary>
    public static int PeriodKey(int dayKey, AnalyticsGrain grain)
    {
        var d = For(dayKey);
        return grain switch
        {
            AnalyticsGrain.Day => dayKey,
            AnalyticsGrain.Week => d.IsoWeekKey,
            AnalyticsGrain.Month => d.MonthKey,
            _ => throw new ArgumentOutOfRangeException(nameof(grain)),
        };
    }

    /// <summary>How a period is labelled on a chart's axis and in CSV: <c>2026-12-06</c>, <c>2026-W49</c>, <c>2026-12</c>.</summary>
    public static string Label(int periodKey, AnalyticsGrain grain) => grain switch
    {
        AnalyticsGrain.Day => CalendarDate(periodKey).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        AnalyticsGrain.Week => string.Create(CultureInfo.InvariantCulture, $"{periodKey / 100}-W{periodKey % 100:00}"),
        AnalyticsGrain.Month => string.Create(CultureInfo.InvariantCulture, $"{periodKey / 100}-{periodKey % 100:00}"),
        _ => throw new ArgumentOutOfRangeException(nameof(grain)),
    };

    /// <summary>Every period of <paramref name="grain"/> that overlaps the days <paramref name="from"/>..<paramref name="to"/>, in order.</summary>
    public static IReadOnlyList<int> Periods(int from, int to, AnalyticsGrain grain)
    {
        var keys = new List<int>();
        for (var day = from; day <= to; day++)
        {
            var key = PeriodKey(day, grain);
            if (keys.Count == 0 || keys[^1] != key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}

/// <summary>Day, week, month: how a chart buckets its days.</summary>
public enum AnalyticsGrain
{
    Day,
    Week,
    Month,
}

/// <summary>A row of <c>analytics_date_dimension</c>: a Beijing business day and the week (ISO), month, quarter and year holding it.</summary>
/// <param name="Weekday">ISO weekday, 1 = Monday … 7 = Sunday.</param>
/// <param name="IsoWeekKey">ISO week-numbering year × 100 + ISO week (2025-12-29 is in 202601).</param>
/// <param name="MonthKey">Year × 100 + month.</param>
/// <param name="QuarterKey">Year × 10 + quarter (20264).</param>
public sealed record DateDimension(
    int DateKey, DateOnly CalendarDate, int Weekday,
    int IsoWeekKey, int WeekStartDateKey, int WeekEndDateKey,
    int MonthKey, int MonthStartDateKey, int MonthEndDateKey,
    int QuarterKey, int QuarterStartDateKey, int QuarterEndDateKey,
    int YearKey, int YearStartDateKey, int YearEndDateKey);
