using Npgsql;

namespace StarStudio.Tests.Integration.Analytics;

/// <summary>
/// <c>analytics_date_ensure</c> from writers that are not serialized with one another (the event writer of each app
/// instance and the rollup, which meet at every Beijing midnight): a new day is inserted once and nobody fails.
/// </summary>
public sealed class DateDimensionTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Ensure_ManyWritersOfTheSameNewDay_InsertItOnce_AndNoneFails()
    {
        // Each round a day nobody has inserted; the writers race to insert it. With a second unique index on
        // calendar_date beside the key, the losers of that race failed with a unique violation.
        for (var round = 0; round < 10; round++)
        {
            var day = 30_000 + Random.Shared.Next(0, 20_000);
            var inserted = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
            {
                await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT analytics_date_ensure($1, $1)", conn) { Parameters = { new() { Value = day } } };
                return (int)(await cmd.ExecuteScalarAsync())!;
            })));

            Assert.InRange(inserted.Sum(), 0, 1);
        }
    }

    [Fact]
    public async Task ARow_WhoseDateIsNotItsKey_IsRefused()
    {
        await using var conn = new NpgsqlConnection(pg.MaintConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO analytics_date_dimension (date_key, calendar_date, weekday, iso_week_key, week_start_date_key, week_end_date_key,
                month_key, month_start_date_key, month_end_date_key, quarter_key, quarter_start_date_key, quarter_end_date_key,
                year_key, year_start_date_key, year_end_date_key)
            VALUES (20000, date '1970-01-01' + 20001, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
            """, conn);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());

        Assert.Equal(("23514", "ck_analytics_date_dimension_calendar_date"), (refused.SqlState, refused.ConstraintName));
    }
}
