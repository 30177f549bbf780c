using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using StarStudio.Data.Webhooks;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Outbound webhooks (issue 16): secrets protected with Data Protection and rotated with an overlap, star scoping, and
    /// <c>webhook_deliveries</c>, the outbox the delivery worker drains (docs/webhooks.md). The emit, claim and finish
    /// functions are SECURITY DEFINER, so both tables are left unforced (<see cref="WebhookSchema.NotForced"/>).
    /// </summary>
    public partial class OutboundWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "secret",
                table: "webhooks",
                newName: "secret_protected");

            migrationBuilder.AlterColumn<string>(
                name: "url",
                table: "webhooks",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "previous_secret_expires_at",
                table: "webhooks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "previous_secret_protected",
                table: "webhooks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<List<Guid>>(
                name: "star_ids",
                table: "webhooks",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "webhooks",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    webhook_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: true),
                    body = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_http_status = table.Column<int>(type: "integer", nullable: true),
                    last_latency_ms = table.Column<int>(type: "integer", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    response_excerpt = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
                    table.CheckConstraint("ck_webhook_deliveries_attempts", "attempts >= 0");
                    table.CheckConstraint("ck_webhook_deliveries_status", "status IN ('pending', 'delivered', 'failed')");
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_webhooks_webhook_id",
                        column: x => x.webhook_id,
                        principalTable: "webhooks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_due",
                table: "webhook_deliveries",
                column: "next_attempt_at",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_owner_id",
                table: "webhook_deliveries",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_webhook_id_created_at",
                table: "webhook_deliveries",
                columns: new[] { "webhook_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_webhook_id_event_id",
                table: "webhook_deliveries",
                columns: new[] { "webhook_id", "event_id" },
                unique: true);

            // Webhooks had no screen before this migration, so no secret can have been handed out; any row that exists
            // holds a clear-text secret, which is wiped and the webhook disabled (rotate to use it again).
            migrationBuilder.Sql($$"""
                UPDATE webhooks SET secret_protected = '', status = 'disabled';

                ALTER TABLE webhooks NO FORCE ROW LEVEL SECURITY;

                -- Deliveries: the owner reads and changes (redelivers) their own, admins all; an owner inserts only for a
                -- webhook of their own (test events); everything else is written by the definer functions below.
                -- Nobody deletes one directly: they go with their webhook (the foreign key's cascade).
                ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
                CREATE POLICY webhook_deliveries_read ON webhook_deliveries FOR SELECT
                    USING (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY webhook_deliveries_insert ON webhook_deliveries FOR INSERT
                    WITH CHECK (owner_id = (SELECT app_user_id())
                        AND webhook_id IN (SELECT id FROM webhooks WHERE owner_id = (SELECT app_user_id())));
                CREATE POLICY webhook_deliveries_change ON webhook_deliveries FOR UPDATE
                    USING (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                    WITH CHECK (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));

                -- A delivery keeps its event: a redelivery sends the same id and bytes, and no row moves to another webhook.
                CREATE FUNCTION webhook_deliveries_keep_event() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $fn$
                BEGIN
                    IF NEW.webhook_id <> OLD.webhook_id OR NEW.owner_id <> OLD.owner_id OR NEW.event_id <> OLD.event_id
                       OR NEW.event_type <> OLD.event_type OR NEW.body <> OLD.body OR NEW.created_at <> OLD.created_at
                       OR NEW.star_id IS DISTINCT FROM OLD.star_id THEN
                        RAISE EXCEPTION 'a webhook delivery keeps its webhook, owner and event' USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NEW;
                END
                $fn$;
                CREATE TRIGGER webhook_deliveries_keep_event BEFORE UPDATE ON webhook_deliveries
                    FOR EACH ROW EXECUTE FUNCTION webhook_deliveries_keep_event();

                -- The outbox: called inside the transaction of the fact, by whoever caused it (a player rating a star
                -- cannot see its owner's webhooks). Only ever fans out to the star's own owner's active webhooks that
                -- subscribe to the type (and to this star, or to all); a repeated event id is dropped.
                CREATE FUNCTION webhook_emit(p_event_type text, p_star_id uuid, p_event_id uuid, p_body text)
                RETURNS integer
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH inserted AS (
                        INSERT INTO webhook_deliveries (id, webhook_id, owner_id, event_id, event_type, star_id, body, status, attempts, next_attempt_at, created_at)
                        SELECT gen_random_uuid(), w.id, w.owner_id, p_event_id, p_event_type, p_star_id, p_body, 'pending', 0, now(), now()
                        FROM webhooks w
                        JOIN stars s ON s.owner_id = w.owner_id
                        WHERE s.id = p_star_id
                          AND w.status = 'active'
                          AND p_event_type = ANY (w.event_types)
                          AND (cardinality(w.star_ids) = 0 OR p_star_id = ANY (w.star_ids))
                        ON CONFLICT (webhook_id, event_id) DO NOTHING
                        RETURNING 1)
                    SELECT count(*)::integer FROM inserted
                $fn$;
                REVOKE ALL ON FUNCTION {{WebhookSchema.EmitSignature}} FROM PUBLIC;

                -- The worker's claim: due deliveries of active webhooks, oldest due first; SKIP LOCKED splits them between
                -- workers, the lease brings back those of a worker that died. The attempt is counted here, so one that
                -- crashes the worker still counts.
                CREATE FUNCTION webhook_deliveries_claim(p_limit integer, p_lease interval)
                RETURNS TABLE (id uuid, event_id uuid, event_type text, body text, attempts integer, created_at timestamptz,
                               url text, secret_protected text, previous_secret_protected text, previous_secret_expires_at timestamptz)
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH due AS (
                        SELECT d.id FROM webhook_deliveries d
                        JOIN webhooks w ON w.id = d.webhook_id
                        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                          AND (d.lease_until IS NULL OR d.lease_until < now())
                          AND w.status = 'active'
                        ORDER BY d.next_attempt_at
                        LIMIT p_limit
                        FOR UPDATE OF d SKIP LOCKED),
                    claimed AS (
                        UPDATE webhook_deliveries d
                        SET lease_until = now() + p_lease, attempts = d.attempts + 1, last_attempt_at = now()
                        FROM due WHERE d.id = due.id
                        RETURNING d.id, d.webhook_id, d.event_id, d.event_type, d.body, d.attempts, d.created_at)
                    SELECT c.id, c.event_id, c.event_type::text, c.body, c.attempts, c.created_at,
                           w.url::text, w.secret_protected, w.previous_secret_protected, w.previous_secret_expires_at
                    FROM claimed c JOIN webhooks w ON w.id = c.webhook_id
                $fn$;
                REVOKE ALL ON FUNCTION {{WebhookSchema.ClaimSignature}} FROM PUBLIC;

                -- An attempt's outcome. Only the worker holding the claim of that attempt may write it: one whose lease ran
                -- out and was claimed again finds attempts moved on and changes nothing.
                CREATE FUNCTION webhook_delivery_finish(p_id uuid, p_attempt integer, p_delivered boolean, p_http_status integer,
                    p_latency_ms integer, p_error text, p_excerpt text, p_next timestamptz)
                RETURNS boolean
                LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
                AS $fn$
                    WITH done AS (
                        UPDATE webhook_deliveries SET
                            status = CASE WHEN p_delivered THEN 'delivered' WHEN p_next IS NULL THEN 'failed' ELSE 'pending' END,
                            next_attempt_at = CASE WHEN p_delivered OR p_next IS NULL THEN NULL ELSE p_next END,
                            lease_until = NULL,
                            last_http_status = p_http_status,
                            last_latency_ms = p_latency_ms,
                            last_error = left(p_error, 1000),
                            response_excerpt = left(p_excerpt, 1024),
                            delivered_at = CASE WHEN p_delivered THEN now() ELSE delivered_at END
                        WHERE id = p_id AND attempts = p_attempt AND lease_until IS NOT NULL
                        RETURNING 1)
                    SELECT EXISTS (SELECT 1 FROM done)
                $fn$;
                REVOKE ALL ON FUNCTION {{WebhookSchema.FinishSignature}} FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION IF EXISTS {WebhookSchema.FinishSignature};
                DROP FUNCTION IF EXISTS {WebhookSchema.ClaimSignature};
                DROP FUNCTION IF EXISTS {WebhookSchema.EmitSignature};
                ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
                """);

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.Sql("DROP FUNCTION webhook_deliveries_keep_event();");

            migrationBuilder.DropColumn(
                name: "previous_secret_expires_at",
                table: "webhooks");

            migrationBuilder.DropColumn(
                name: "previous_secret_protected",
                table: "webhooks");

            migrationBuilder.DropColumn(
                name: "star_ids",
                table: "webhooks");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "webhooks");

            migrationBuilder.RenameColumn(
                name: "secret_protected",
                table: "webhooks",
                newName: "secret");

            migrationBuilder.AlterColumn<string>(
                name: "url",
                table: "webhooks",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000);
        }
    }
}
