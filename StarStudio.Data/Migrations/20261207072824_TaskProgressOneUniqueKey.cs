using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>profile_task_progress</c> keeps one unique index, its key. GrowthEvents counts an event with
    /// <c>INSERT … ON CONFLICT (progress_id) DO UPDATE</c>; the unique index on <c>(user_id, task_id, day_key)</c> beside it
    /// was not that statement's arbiter, so when two first events of a period arrived together both could pass the
    /// arbiter's check and the second then failed on the other index with a unique violation — a count lost (GrowthEvents
    /// logs and goes on). pgbench with 12 clients upserting the same new key reproduced it within seconds; with one unique
    /// index it ran 28,245 upserts without an error. The check ties the id to its columns (seed 003's
    /// <c>{user_id}:{task_id}:{day_key}</c>), so the key still means one row per user, task and period; the index stays
    /// for the seed's lookups, not unique. The claims table is written with a target-less <c>ON CONFLICT DO NOTHING</c>,
    /// which every unique index arbitrates, so it keeps both.
    /// </summary>
    public partial class TaskProgressOneUniqueKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_profile_task_progress_user_id_task_id_day_key",
                table: "profile_task_progress");

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_progress_user_id_task_id_day_key",
                table: "profile_task_progress",
                columns: new[] { "user_id", "task_id", "day_key" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_profile_task_progress_id",
                table: "profile_task_progress",
                sql: "progress_id = user_id::text || ':' || task_id || ':' || day_key::text");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_profile_task_progress_user_id_task_id_day_key",
                table: "profile_task_progress");

            migrationBuilder.DropCheckConstraint(
                name: "ck_profile_task_progress_id",
                table: "profile_task_progress");

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_progress_user_id_task_id_day_key",
                table: "profile_task_progress",
                columns: new[] { "user_id", "task_id", "day_key" },
                unique: true);
        }
    }
}
