namespace StarStudio.Core.Common;

/// <summary>
/// Business days in Beijing time (UTC+8 all year, no daylight saving), as seed 003's <c>day_key</c> buckets them: a user in
/// China sees one day end at their midnight, not at UTC's.
/// </summary>
public static class BeijingTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The Beijing calendar day of an instant.</summary>
    public static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>Seed 003's integer day key, <c>yyyyMMdd</c>.</summary>
    public static int DayKey(DateTimeOffset instant) => DayKey(Day(instant));

    /// <summary>Seed 003's integer day key of a day, <c>yyyyMMdd</c>.</summary>
    public static int DayKey(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    /// <summary>An instant as the UI shows it everywhere: Beijing date and time to the minute, <c>yyyy-MM-dd HH:mm</c>.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The Beijing date of an instant, <c>yyyy-MM-dd</c>.</summary>
    public static string FormatDate(DateTimeOffset instant) =>
        instant.ToOffset(Offset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The instant a Beijing day starts.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);
}
