using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The notification centre (docs/notifications.md): <c>notifications</c>, read and marked read by its recipient only;
    /// written only by the SECURITY DEFINER emit functions in the emitting feature's transaction, which skip kinds the
    /// recipient muted (<c>user_preferences.muted_notifications</c>); <c>notifications_prune</c> for the retention job.
    /// The table is forced; the functions write through a policy of the owner role alone (the user_preferences pattern).
    /// </summary>
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "muted_notifications",
                table: "user_preferences",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    recipient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    args = table.Column<string>(type: "jsonb", nullable: false),
                    link = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                    table.CheckConstraint("ck_notifications_args", "jsonb_typeof(args) = 'object'");
                    table.CheckConstraint("ck_notifications_kind", "kind = ANY (ARRAY['knowledge.task_completed', 'knowledge.task_failed', 'rating.created', 'trial.result', 'subscription.renewed', 'report.decided']::text[])");
                    table.CheckConstraint("ck_notifications_link", "link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%' AND length(link) <= 300)");
                    table.ForeignKey(
                        name: "fk_notifications_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_notifications_users_recipient_id",
                        column: x => x.recipient_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_user_preferences_muted_notifications",
                table: "user_preferences",
                sql: "muted_notifications <@ ARRAY['knowledge.task_completed', 'knowledge.task_failed', 'rating.created', 'trial.result', 'subscription.renewed', 'report.decided']::text[]");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_created_at",
                table: "notifications",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_recipient_id_created_at_id",
                table: "notifications",
                columns: new[] { "recipient_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_recipient_id_event_id",
                table: "notifications",
                columns: new[] { "recipient_id", "event_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notifications_star_id",
                table: "notifications",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_unread",
                table: "notifications",
                column: "recipient_id",
                filter: "read_at IS NULL");

            migrationBuilder.Sql("""
                ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
                ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
                -- The recipient reads their own and marks them read; nobody inserts or deletes directly (no policy for it).
                CREATE POLICY notifications_own_read ON notifications FOR SELECT USING (recipient_id = (SELECT app_user_id()));
                CREATE POLICY notifications_own_mark ON notifications FOR UPDATE
                    USING (recipient_id = (SELECT app_user_id())) WITH CHECK (recipient_id = (SELECT app_user_id()));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY notifications_definer ON notifications TO %I USING (true) WITH CHECK (true)', current_user);
                END $do$;
                -- Marking read changes read_at and nothing else.
                CREATE TRIGGER notifications_keep BEFORE UPDATE ON notifications
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('id', 'recipient_id', 'kind', 'star_id', 'event_id', 'args', 'link', 'created_at');

                -- A star event for the star's own owner (called by WebhookOutbox.EmitAsync with the webhook event's id and data):
                -- the recipient is always the owner of p_star_id, the kind one of the star-owner kinds, and nothing is written
                -- when the owner muted the kind. The same event id twice is one row.
                CREATE FUNCTION notification_emit_star(p_kind text, p_star_id uuid, p_event_id uuid, p_args jsonb, p_link text)
                RETURNS integer
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH inserted AS (
                        INSERT INTO notifications (id, recipient_id, kind, star_id, event_id, args, link, read_at, created_at)
                        SELECT gen_random_uuid(), s.owner_id, p_kind, s.id, p_event_id,
                               coalesce(p_args, '{}'::jsonb) || jsonb_build_object('star_name', s.name), p_link, NULL, now()
                        FROM stars s
                        WHERE s.id = p_star_id
                          AND p_kind = ANY (ARRAY['knowledge.task_completed', 'knowledge.task_failed', 'rating.created', 'trial.result', 'subscription.renewed']::text[])
                          AND NOT EXISTS (SELECT 1 FROM user_preferences p WHERE p.user_id = s.owner_id AND p_kind = ANY (p.muted_notifications))
                        ON CONFLICT (recipient_id, event_id) DO NOTHING
                        RETURNING 1)
                    SELECT count(*)::integer FROM inserted
                $fn$;
                REVOKE ALL ON FUNCTION notification_emit_star(text, uuid, uuid, jsonb, text) FROM PUBLIC;

                -- A decided report for its reporter: only inside an admin's transaction, only for a resolved or dismissed
                -- report, with arguments taken from the report row (outcome, what was reported, the reporter's own excerpt);
                -- never the admin's note, which is written for the audit log.
                CREATE FUNCTION notification_emit_report_decided(p_report_id uuid, p_link text)
                RETURNS integer
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH inserted AS (
                        INSERT INTO notifications (id, recipient_id, kind, star_id, event_id, args, link, read_at, created_at)
                        SELECT gen_random_uuid(), r.reporter_id, 'report.decided', NULL, r.id,
                               jsonb_build_object('status', r.status, 'target_kind', r.target_kind, 'excerpt', left(r.excerpt, 200), 'target_hidden', r.target_hidden),
                               p_link, NULL, now()
                        FROM content_reports r
                        WHERE r.id = p_report_id
                          AND r.status IN ('resolved', 'dismissed')
                          AND (SELECT app_is_admin())
                          AND NOT EXISTS (SELECT 1 FROM user_preferences p WHERE p.user_id = r.reporter_id AND 'report.decided' = ANY (p.muted_notifications))
                        ON CONFLICT (recipient_id, event_id) DO NOTHING
                        RETURNING 1)
                    SELECT count(*)::integer FROM inserted
                $fn$;
                REVOKE ALL ON FUNCTION notification_emit_report_decided(uuid, text) FROM PUBLIC;

                -- Retention (the daily job, as nobody): read notifications created before p_read_before and all created before
                -- p_any_before. The bounds cannot be pushed closer than 30 and 90 days, whoever calls.
                CREATE FUNCTION notifications_prune(p_read_before timestamptz, p_any_before timestamptz)
                RETURNS integer
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH gone AS (
                        DELETE FROM notifications
                        WHERE (read_at IS NOT NULL AND created_at < least(p_read_before, now() - interval '30 days'))
                           OR created_at < least(p_any_before, now() - interval '90 days')
                        RETURNING 1)
                    SELECT count(*)::integer FROM gone
                $fn$;
                REVOKE ALL ON FUNCTION notifications_prune(timestamptz, timestamptz) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION notifications_prune(timestamptz, timestamptz);
                DROP FUNCTION notification_emit_report_decided(uuid, text);
                DROP FUNCTION notification_emit_star(text, uuid, uuid, jsonb, text);
                """);
            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropCheckConstraint(
                name: "ck_user_preferences_muted_notifications",
                table: "user_preferences");

            migrationBuilder.DropColumn(
                name: "muted_notifications",
                table: "user_preferences");
        }
    }
}
