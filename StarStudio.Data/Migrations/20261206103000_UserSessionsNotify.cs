using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// An admin's change to an account reaches the user's circuits on every app instance: disabling, enabling or deleting
    /// an account (<c>users.disabled_at</c> / <c>deleted_at</c>) and granting or revoking a role (<c>user_roles</c>)
    /// notify <c>user_sessions_changed</c> with the user's id, delivered at commit (UserSessionsListener). SQL only; the EF
    /// model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261206103000_UserSessionsNotify")]
    public partial class UserSessionsNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION user_sessions_notify() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    IF TG_TABLE_NAME = 'users' THEN
                        PERFORM pg_notify('user_sessions_changed', NEW.id::text);
                    ELSIF TG_OP = 'DELETE' THEN
                        PERFORM pg_notify('user_sessions_changed', OLD.user_id::text);
                    ELSE
                        PERFORM pg_notify('user_sessions_changed', NEW.user_id::text);
                    END IF;
                    RETURN NULL;
                END
                $f$;
                CREATE TRIGGER users_sessions_notify AFTER UPDATE OF disabled_at, deleted_at ON users
                    FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
                    EXECUTE FUNCTION user_sessions_notify();
                CREATE TRIGGER user_roles_sessions_notify AFTER INSERT OR DELETE ON user_roles
                    FOR EACH ROW EXECUTE FUNCTION user_sessions_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER user_roles_sessions_notify ON user_roles;
                DROP TRIGGER users_sessions_notify ON users;
                DROP FUNCTION user_sessions_notify();
                """);
        }
    }
}
