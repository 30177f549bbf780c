using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Knowledge tasks survive a killed process: a run holds a lease (<c>lease_until</c>) that it renews, a claim of a task
    /// left <c>processing</c> counts an interrupted run (<c>interrupted_runs</c>), and <c>knowledge_tasks_redrive</c> queues
    /// a job again for every unfinished task nobody holds whose job is missing or overdue (<c>enqueued_at</c>). The function
    /// is <c>SECURITY DEFINER</c> because the re-driver must see every owner's tasks and the app role sees only the acting
    /// user's; it returns ids only (the task and the star owner the job acts as) and changes nothing but
    /// <c>enqueued_at</c>. PUBLIC may not call it; the migrator grants EXECUTE to the app role.
    /// </summary>
    public partial class KnowledgeTaskLeases : Migration
    {
        /// <summary>The function's signature, for GRANT, REVOKE and DROP.</summary>
        public const string RedriveSignature = "knowledge_tasks_redrive(interval, boolean, integer)";
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "enqueued_at",
                table: "knowledge_tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "interrupted_runs",
                table: "knowledge_tasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_until",
                table: "knowledge_tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_knowledge_tasks_interrupted_runs",
                table: "knowledge_tasks",
                sql: "interrupted_runs >= 0");

            // p_at_start: a process that just started holds no job, so every claimable task is queued whatever its
            // enqueued_at says. SKIP LOCKED: two instances sweeping at once split the tasks instead of queueing each twice.
            migrationBuilder.Sql($$"""
                CREATE FUNCTION knowledge_tasks_redrive(p_redrive_after interval, p_at_start boolean, p_limit integer)
                RETURNS TABLE (task_id uuid, owner_id uuid)
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    UPDATE knowledge_tasks t SET enqueued_at = now()
                    FROM stars s
                    WHERE s.id = t.star_id
                      AND t.id IN (
                          SELECT k.id FROM knowledge_tasks k
                          WHERE k.status IN ('pending', 'processing')
                            AND (k.lease_until IS NULL OR k.lease_until < now())
                            AND (p_at_start OR k.enqueued_at IS NULL OR k.enqueued_at < now() - p_redrive_after)
                          ORDER BY k.created_at
                          LIMIT p_limit
                          FOR UPDATE SKIP LOCKED)
                    RETURNING t.id, s.owner_id
                $fn$;
                REVOKE ALL ON FUNCTION {{RedriveSignature}} FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {RedriveSignature};");

            migrationBuilder.DropCheckConstraint(
                name: "ck_knowledge_tasks_interrupted_runs",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "enqueued_at",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "interrupted_runs",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "lease_until",
                table: "knowledge_tasks");
        }
    }
}
