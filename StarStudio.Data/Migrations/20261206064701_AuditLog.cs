using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>The append-only audit log (issue 16, docs/audit.md): <c>audit_logs</c> and <c>audit_append</c>.</summary>
    public partial class AuditLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_logs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    target_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    target_label = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    before_value = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    after_value = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ip_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_logs", x => x.id);
                    table.CheckConstraint("ck_audit_logs_action", "action ~ '^[a-z0-9_]+(\\.[a-z0-9_]+)+$' AND length(action) <= 64");
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_action_occurred_at",
                table: "audit_logs",
                columns: new[] { "action", "occurred_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_actor_id_occurred_at",
                table: "audit_logs",
                columns: new[] { "actor_id", "occurred_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_occurred_at",
                table: "audit_logs",
                column: "occurred_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_target_type_target_id",
                table: "audit_logs",
                columns: new[] { "target_type", "target_id" });
            migrationBuilder.Sql("""
                -- audit_logs (docs/audit.md): admins read; nobody changes or removes an entry. The application role has
                -- no INSERT, UPDATE, DELETE or TRUNCATE grant (DatabaseMigrator); it appends through audit_append, which
                -- runs as the owner and takes the actor from the transaction's app.user_id, so no entry names someone else.
                ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
                ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
                CREATE POLICY audit_logs_admin_read ON audit_logs FOR SELECT USING ((SELECT app_is_admin()));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY audit_logs_owner_insert ON audit_logs FOR INSERT TO %I WITH CHECK (true)', current_user);
                    -- audit_append's RETURNING reads the new row as the owner.
                    EXECUTE format('CREATE POLICY audit_logs_owner_read ON audit_logs FOR SELECT TO %I USING (true)', current_user);
                END $do$;
                -- Even the owner cannot change history through SQL: updates, deletes and truncation are refused.
                CREATE FUNCTION audit_logs_append_only() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp AS $f$
                    BEGIN
                        RAISE EXCEPTION 'audit_logs is append-only: an entry is never changed or removed' USING ERRCODE = '42501';
                    END $f$;
                CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
                    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
                CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();
                CREATE FUNCTION audit_append(p_action text, p_target_type text, p_target_id text, p_target_label text,
                                             p_before jsonb, p_after jsonb, p_reason text, p_ip text) RETURNS bigint
                    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                    INSERT INTO audit_logs (actor_id, action, target_type, target_id, target_label, before_value, after_value, reason, ip_address)
                    VALUES ((SELECT app_user_id()), p_action, p_target_type, p_target_id, p_target_label, p_before, p_after, p_reason, p_ip)
                    RETURNING id;
                    $f$;
                REVOKE ALL ON FUNCTION audit_append(text, text, text, text, jsonb, jsonb, text, text) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION audit_append(text, text, text, text, jsonb, jsonb, text, text);");
            migrationBuilder.DropTable(
                name: "audit_logs");
            migrationBuilder.Sql("DROP FUNCTION audit_logs_append_only();");
        }
    }
}
