using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>training_jobs_redrive</c>: queued or running training jobs that no run holds (no lease, or an expired one) and
    /// whose Hangfire job is missing or overdue, stamped <c>enqueued_at</c> and returned with the user who started the job
    /// (the job acts as them). <c>SECURITY DEFINER</c> because the re-driver must see every owner's jobs and the app role
    /// sees only the acting user's; it returns ids only and changes nothing but <c>enqueued_at</c>. PUBLIC may not call it;
    /// the migrator grants EXECUTE to the app role. The knowledge tasks' function (<c>KnowledgeTaskLeases</c>) is the model.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205215832_TrainingJobRedrive")]
    public partial class TrainingJobRedrive : Migration
    {
        /// <summary>The function's signature, for REVOKE and DROP.</summary>
        public const string RedriveSignature = "training_jobs_redrive(interval, boolean, integer)";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The function runs as the owner; training_jobs is left unforced so it sees every owner's jobs
            // (TrainingSchema.NotForced, the knowledge_tasks decision in docs/security.md).
            migrationBuilder.Sql($$"""
                ALTER TABLE training_jobs NO FORCE ROW LEVEL SECURITY;
                CREATE FUNCTION training_jobs_redrive(p_redrive_after interval, p_at_start boolean, p_limit integer)
                RETURNS TABLE (job_id uuid, user_id uuid)
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    UPDATE training_jobs t SET enqueued_at = now()
                    WHERE t.id IN (
                        SELECT j.id FROM training_jobs j
                        WHERE j.status IN ('queued', 'running')
                          AND (j.lease_until IS NULL OR j.lease_until < now())
                          AND (p_at_start OR j.enqueued_at IS NULL OR j.enqueued_at < now() - p_redrive_after)
                        ORDER BY j.created_at
                        LIMIT p_limit
                        FOR UPDATE SKIP LOCKED)
                    RETURNING t.id, t.created_by
                $fn$;
                REVOKE ALL ON FUNCTION {{RedriveSignature}} FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {RedriveSignature}; ALTER TABLE training_jobs FORCE ROW LEVEL SECURITY;");
        }
    }
}
