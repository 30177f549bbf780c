using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StarStudio.Data.Analytics;

/// <summary>Seed 003 <c>tracking_event</c>: one raw fact. Written only by <c>tracking_event_append</c> (the writer); admins read.</summary>
public class TrackingEventRow
{
    public Guid EventId { get; set; }
    public string EventKey { get; set; } = "";
    /// <summary>site, star, module or user.</summary>
    public string ScopeKind { get; set; } = "";
    public string ScopeId { get; set; } = "";
    /// <summary>Beijing business days since 1970-01-01 (<c>AnalyticsCalendar.DayKey</c>), set by the database from <see cref="OccurredAt"/>.</summary>
    public int DayKey { get; set; }
    public Guid? UserId { get; set; }
    public Guid? OwnerUserId { get; set; }
    public string? ModuleKey { get; set; }
    public JsonDocument Metadata { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset OccurredAt { get; set; }
}

/// <summary>Seed 003 <c>tracking_daily_stat</c>: events per key, scope and Beijing day (the job's).</summary>
public class TrackingDailyStat
{
    public int DayKey { get; set; }
    public string EventKey { get; set; } = "";
    public string ScopeKind { get; set; } = "";
    public string ScopeId { get; set; } = "";
    public int Count { get; set; }
    public DateTimeOffset FirstOccurredAt { get; set; }
    public DateTimeOffset LastOccurredAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Seed 003 <c>analytics_date_dimension</c>: one row per Beijing day (<c>AnalyticsCalendar.For</c>).</summary>
public class AnalyticsDateDimensionRow
{
    public int DateKey { get; set; }
    public DateOnly CalendarDate { get; set; }
    public short Weekday { get; set; }
    public int IsoWeekKey { get; set; }
    public int WeekStartDateKey { get; set; }
    public int WeekEndDateKey { get; set; }
    public int MonthKey { get; set; }
    public int MonthStartDateKey { get; set; }
    public int MonthEndDateKey { get; set; }
    public int QuarterKey { get; set; }
    public int QuarterStartDateKey { get; set; }
    public int QuarterEndDateKey { get; set; }
    public int YearKey { get; set; }
    public int YearStartDateKey { get; set; }
    public int YearEndDateKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Ours: a dashboard number per metric, grain (day, week, month) and period (the job's).</summary>
public class AnalyticsMetricRow
{
    public string MetricKey { get; set; } = "";
    /// <summary>day, week or month.</summary>
    public string Grain { get; set; } = "";
    /// <summary>A day key, ISO week key or month key.</summary>
    public int PeriodKey { get; set; }
    public decimal Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Ours: who was active on a day, per event key (<c>*</c> = any event): the job's working set for distinct users per week and month.</summary>
public class AnalyticsDailyUser
{
    public int DayKey { get; set; }
    public string EventKey { get; set; } = "";
    public Guid UserId { get; set; }
}

internal sealed class AnalyticsConfigurations :
    IEntityTypeConfiguration<TrackingEventRow>, IEntityTypeConfiguration<TrackingDailyStat>, IEntityTypeConfiguration<AnalyticsDateDimensionRow>,
    IEntityTypeConfiguration<AnalyticsMetricRow>, IEntityTypeConfiguration<AnalyticsDailyUser>
{
    public void Configure(EntityTypeBuilder<TrackingEventRow> b)
    {
        b.ToTable("tracking_event", t =>
        {
            t.HasCheckConstraint("ck_tracking_event_key", "event_key ~ '^[a-z0-9_]+(\\.[a-z0-9_]+)+$'");
            t.HasCheckConstraint("ck_tracking_event_scope", "scope_kind IN ('site', 'star', 'module', 'user')");
        });
        b.HasKey(e => e.EventId);
        b.Property(e => e.EventId).ValueGeneratedNever();
        b.Property(e => e.EventKey).HasMaxLength(64);
        b.Property(e => e.ScopeKind).HasMaxLength(16);
        b.Property(e => e.ScopeId).HasMaxLength(64);
        b.Property(e => e.ModuleKey).HasMaxLength(64);
        b.Property(e => e.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        // No foreign keys to users or stars: facts stay when their user is deleted (anonymised), and inserting 50 M rows
        // does not look up a parent each time.
        b.HasIndex(e => new { e.DayKey, e.EventKey });
        b.HasIndex(e => new { e.ScopeKind, e.ScopeId, e.DayKey });
        b.HasIndex(e => new { e.UserId, e.OccurredAt }).HasFilter("user_id IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<TrackingDailyStat> b)
    {
        b.ToTable("tracking_daily_stat");
        b.HasKey(s => new { s.DayKey, s.EventKey, s.ScopeKind, s.ScopeId });
        b.Property(s => s.EventKey).HasMaxLength(64);
        b.Property(s => s.ScopeKind).HasMaxLength(16);
        b.Property(s => s.ScopeId).HasMaxLength(64);
        b.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(s => new { s.ScopeKind, s.ScopeId, s.DayKey });
        b.HasIndex(s => new { s.EventKey, s.DayKey });
    }

    public void Configure(EntityTypeBuilder<AnalyticsDateDimensionRow> b)
    {
        // One unique index, the key: analytics_date_ensure inserts with ON CONFLICT (date_key), which a second unique
        // index on calendar_date would not arbitrate, so two first writers of a new day (the event writer and the
        // rollup at Beijing midnight) could fail on it. The check keeps calendar_date one-to-one with the key.
        b.ToTable("analytics_date_dimension", t => t.HasCheckConstraint(
            "ck_analytics_date_dimension_calendar_date", "calendar_date = date '1970-01-01' + date_key"));
        b.HasKey(d => d.DateKey);
        b.Property(d => d.DateKey).ValueGeneratedNever();
        b.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        b.Property(d => d.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(d => d.CalendarDate);
        b.HasIndex(d => d.IsoWeekKey);
        b.HasIndex(d => d.MonthKey);
        b.HasIndex(d => d.QuarterKey);
        b.HasIndex(d => d.YearKey);
    }

    public void Configure(EntityTypeBuilder<AnalyticsMetricRow> b)
    {
        b.ToTable("analytics_metric", t => t.HasCheckConstraint("ck_analytics_metric_grain", "grain IN ('day', 'week', 'month')"));
        b.HasKey(m => new { m.MetricKey, m.Grain, m.PeriodKey });
        b.Property(m => m.MetricKey).HasMaxLength(64);
        b.Property(m => m.Grain).HasMaxLength(8);
        b.Property(m => m.Value).HasPrecision(20, 4);
        b.Property(m => m.UpdatedAt).HasDefaultValueSql("now()");
    }

    public void Configure(EntityTypeBuilder<AnalyticsDailyUser> b)
    {
        b.ToTable("analytics_daily_user");
        b.HasKey(u => new { u.DayKey, u.EventKey, u.UserId });
        b.Property(u => u.EventKey).HasMaxLength(64);
    }
}
