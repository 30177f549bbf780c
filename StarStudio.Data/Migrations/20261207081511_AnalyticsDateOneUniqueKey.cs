using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>analytics_date_dimension</c> keeps one unique index, its key, for the reason <c>TaskProgressOneUniqueKey</c>
    /// gives: <c>analytics_date_ensure</c> inserts a new day with <c>ON CONFLICT (date_key) DO NOTHING</c>, and the unique
    /// index on <c>calendar_date</c> was not that statement's arbiter. The event writer of each app instance and the rollup
    /// are not serialized with one another and both insert the new day at Beijing midnight (16:00 UTC, also a tick of the
    /// rollup's 15-minute schedule), so the loser failed: a batch of events retried and maybe dropped, or a failed rollup.
    /// Twelve writers of one new day reproduced it in every run (DateDimensionTests). The check ties the date to the key
    /// (the function's <c>date '1970-01-01' + date_key</c>); the <c>calendar_date</c> index stays, not unique.
    /// Found by an audit of unique-key races after the task-progress one (docs/decisions.md).
    /// </summary>
    public partial class AnalyticsDateOneUniqueKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension");

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension",
                column: "calendar_date");

            migrationBuilder.AddCheckConstraint(
                name: "ck_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension",
                sql: "calendar_date = date '1970-01-01' + date_key");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension");

            migrationBuilder.DropCheckConstraint(
                name: "ck_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension");

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension",
                column: "calendar_date",
                unique: true);
        }
    }
}
