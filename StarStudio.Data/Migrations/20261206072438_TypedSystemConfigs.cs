using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class TypedSystemConfigs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // system_configs has FORCE ROW LEVEL SECURITY (DatabaseHardening): even the owner's updates below would match no
            // row (the write policy wants an admin). Lifted for this migration only.
            migrationBuilder.Sql("ALTER TABLE system_configs NO FORCE ROW LEVEL SECURITY;");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "created_at",
                table: "system_configs",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<bool>(
                name: "is_public",
                table: "system_configs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "updated_by",
                table: "system_configs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "value_type",
                table: "system_configs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "json");

            migrationBuilder.UpdateData(
                table: "system_configs",
                keyColumn: "key",
                keyValue: "max_upload_file_size",
                columns: new[] { "created_at", "is_public", "updated_by", "value_type" },
                values: new object[] { new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), true, null, "int" });

            migrationBuilder.UpdateData(
                table: "system_configs",
                keyColumn: "key",
                keyValue: "rag_default_chunk_overlap",
                columns: new[] { "created_at", "updated_by", "value_type" },
                values: new object[] { new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "int" });

            migrationBuilder.UpdateData(
                table: "system_configs",
                keyColumn: "key",
                keyValue: "rag_default_chunk_size",
                columns: new[] { "created_at", "updated_by", "value_type" },
                values: new object[] { new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "int" });

            migrationBuilder.UpdateData(
                table: "system_configs",
                keyColumn: "key",
                keyValue: "rag_default_top_k",
                columns: new[] { "created_at", "updated_by", "value_type" },
                values: new object[] { new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "int" });

            // The other registered keys get their type where their stored value already has it; a row that does not
            // (written by hand) stays 'json' and reads as its default until an admin sets it (docs/admin-configs.md).
            migrationBuilder.Sql("""
                UPDATE system_configs SET value_type = 'int'
                    WHERE key IN ('chat_rate_limit_per_minute', 'chat_max_message_chars', 'referral_inviter_points',
                                  'referral_invitee_points', 'audit_export_max_rows')
                      AND CASE WHEN jsonb_typeof(value) = 'number' THEN value::numeric = trunc(value::numeric) ELSE false END;
                UPDATE system_configs SET value_type = 'json'
                    WHERE value_type = 'int'
                      AND NOT CASE WHEN jsonb_typeof(value) = 'number' THEN value::numeric = trunc(value::numeric) ELSE false END;
                UPDATE system_configs SET value_type = 'string' WHERE key IN ('default_chat_model', 'fallback_chat_model')
                    AND jsonb_typeof(value) IN ('string', 'null');
                UPDATE system_configs SET is_public = true
                    WHERE key IN ('max_upload_file_size', 'chat_max_message_chars', 'referral_inviter_points', 'referral_invitee_points');
                """);

            migrationBuilder.AddCheckConstraint(
                name: "ck_system_configs_value_matches_type",
                table: "system_configs",
                sql: "value_type = 'json' OR jsonb_typeof(value) = 'null' OR (value_type = 'int' AND CASE WHEN jsonb_typeof(value) = 'number' THEN value::numeric = trunc(value::numeric) ELSE false END) OR (value_type = 'decimal' AND jsonb_typeof(value) = 'number') OR (value_type = 'bool' AND jsonb_typeof(value) = 'boolean') OR (value_type = 'string' AND jsonb_typeof(value) = 'string')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_system_configs_value_type",
                table: "system_configs",
                sql: "value_type IN ('int', 'decimal', 'bool', 'string', 'json')");

            migrationBuilder.Sql("""
                -- Who changed a setting and when, whatever wrote it (the admin page, /admin/models, a script): the
                -- transaction's acting user, or null. Then every change notifies the app instances, at commit, so their
                -- cached settings are dropped (docs/admin-configs.md).
                CREATE FUNCTION system_configs_touch() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp AS $f$
                    BEGIN
                        NEW.updated_at := now();
                        NEW.updated_by := app_user_id();
                        RETURN NEW;
                    END $f$;
                CREATE TRIGGER system_configs_touch BEFORE INSERT OR UPDATE ON system_configs
                    FOR EACH ROW EXECUTE FUNCTION system_configs_touch();
                CREATE FUNCTION system_configs_notify() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp AS $f$
                    BEGIN
                        PERFORM pg_notify('system_configs_changed', '');
                        RETURN NULL;
                    END $f$;
                CREATE TRIGGER system_configs_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON system_configs
                    FOR EACH STATEMENT EXECUTE FUNCTION system_configs_notify();
                """);

            migrationBuilder.Sql("ALTER TABLE system_configs FORCE ROW LEVEL SECURITY;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER system_configs_notify ON system_configs;
                DROP FUNCTION system_configs_notify();
                DROP TRIGGER system_configs_touch ON system_configs;
                DROP FUNCTION system_configs_touch();
                """);

            migrationBuilder.DropCheckConstraint(
                name: "ck_system_configs_value_matches_type",
                table: "system_configs");

            migrationBuilder.DropCheckConstraint(
                name: "ck_system_configs_value_type",
                table: "system_configs");

            migrationBuilder.DropColumn(
                name: "created_at",
                table: "system_configs");

            migrationBuilder.DropColumn(
                name: "is_public",
                table: "system_configs");

            migrationBuilder.DropColumn(
                name: "updated_by",
                table: "system_configs");

            migrationBuilder.DropColumn(
                name: "value_type",
                table: "system_configs");
        }
    }
}
