using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Issue 16, users and roles (docs/admin-users.md): account state columns (disabled, soft-deleted, last sign-in);
    /// <c>app_revoke_role</c> refuses an admin's own admin role and the last active admin's, under the advisory lock the
    /// admin service takes for every account change; a trigger lets only an admin disable, enable or delete an account,
    /// never their own, and never brings a deleted one back.
    /// </summary>
    public partial class AdminUsers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deleted_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "disabled_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_sign_in_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_created_at",
                table: "users",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_users_last_sign_in_at",
                table: "users",
                column: "last_sign_in_at");

            migrationBuilder.Sql(RevokeRole(Guarded));
            migrationBuilder.Sql("""
                CREATE FUNCTION users_guard_account_state() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $$
                    BEGIN
                        -- The owner side (migrations, maintenance) is not an acting user.
                        IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'users'::regclass), 'MEMBER') THEN
                            RETURN NEW;
                        END IF;
                        IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
                            RAISE EXCEPTION 'a deleted account stays deleted' USING ERRCODE = '42501';
                        END IF;
                        IF NOT app_is_admin() THEN
                            RAISE EXCEPTION 'only an admin disables, enables or deletes accounts' USING ERRCODE = '42501';
                        END IF;
                        IF NEW.id = app_user_id() THEN
                            RAISE EXCEPTION 'an admin cannot disable or delete their own account' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $$;
                REVOKE ALL ON FUNCTION users_guard_account_state() FROM PUBLIC;
                CREATE TRIGGER users_guard_account_state BEFORE UPDATE OF disabled_at, deleted_at ON users
                    FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
                    EXECUTE FUNCTION users_guard_account_state();
                """);
        }

        /// <summary>The admin-role guard of <c>app_revoke_role</c> (the lock key is <c>UserAdminService.AdminLockKey</c>).</summary>
        private const string Guarded = """
                        IF v_name = 'admin' THEN
                            PERFORM pg_advisory_xact_lock(hashtext('starstudio.admin_roles'));
                            IF EXISTS (SELECT 1 FROM user_roles WHERE user_id = p_user AND role_id = v_role) THEN
                                IF p_user = app_user_id() THEN
                                    RAISE EXCEPTION 'an admin cannot revoke their own admin role' USING ERRCODE = '42501';
                                END IF;
                                IF NOT EXISTS (SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id
                                               WHERE ur.role_id = v_role AND ur.user_id <> p_user
                                                 AND u.disabled_at IS NULL AND u.deleted_at IS NULL) THEN
                                    RAISE EXCEPTION 'the last active admin keeps the admin role' USING ERRCODE = '42501';
                                END IF;
                            END IF;
                        END IF;
            """;

        private static string RevokeRole(string adminGuard) => $$"""
            CREATE OR REPLACE FUNCTION app_revoke_role(p_user uuid, p_role text) RETURNS boolean
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    v_role uuid;
                    v_name text;
                BEGIN
                    IF NOT app_is_admin() THEN
                        RAISE EXCEPTION 'only an admin revokes roles' USING ERRCODE = '42501';
                    END IF;
                    SELECT id, name INTO v_role, v_name FROM roles WHERE normalized_name = upper(p_role);
            {{adminGuard}}
                    DELETE FROM user_roles ur WHERE ur.user_id = p_user AND ur.role_id = v_role;
                    RETURN FOUND;
                END
                $$;
            REVOKE ALL ON FUNCTION app_revoke_role(uuid, text) FROM PUBLIC;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER users_guard_account_state ON users;
                DROP FUNCTION users_guard_account_state();
                """);
            migrationBuilder.Sql(RevokeRole(""));

            migrationBuilder.DropIndex(
                name: "ix_users_created_at",
                table: "users");

            migrationBuilder.DropIndex(
                name: "ix_users_last_sign_in_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "deleted_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "disabled_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "last_sign_in_at",
                table: "users");
        }
    }
}
