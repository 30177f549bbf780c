using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>user_preferences</c> (seed 004, docs/preferences.md): a user's own row only. Owners building a training dataset
    /// learn which of their players opted out through <c>training_opted_out_users</c>, a SECURITY DEFINER function that
    /// returns ids and nothing else; it reads as the owner role through a read policy of that role only (the magnitude
    /// functions' pattern), because FORCE ROW LEVEL SECURITY holds the owner to the policies too.
    /// </summary>
    public partial class UserPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_preferences",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    language_preference = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "zh-CN"),
                    theme = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "light"),
                    exclude_from_training = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_preferences", x => x.user_id);
                    table.CheckConstraint("ck_user_preferences_language", "language_preference IN ('zh-CN', 'en-US')");
                    table.CheckConstraint("ck_user_preferences_theme", "theme IN ('light', 'dark')");
                    table.ForeignKey(
                        name: "fk_user_preferences_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
                ALTER TABLE user_preferences ENABLE ROW LEVEL SECURITY;
                ALTER TABLE user_preferences FORCE ROW LEVEL SECURITY;
                CREATE POLICY user_preferences_own ON user_preferences
                    USING (user_id = (SELECT app_user_id())) WITH CHECK (user_id = (SELECT app_user_id()));
                CREATE POLICY user_preferences_admin_read ON user_preferences FOR SELECT USING ((SELECT app_is_admin()));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY user_preferences_training_read ON user_preferences FOR SELECT TO %I USING (true)', current_user);
                END $do$;
                CREATE FUNCTION training_opted_out_users(p_users uuid[]) RETURNS TABLE (user_id uuid)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$ SELECT p.user_id FROM user_preferences p WHERE p.user_id = ANY (p_users) AND p.exclude_from_training $f$;
                REVOKE ALL ON FUNCTION training_opted_out_users(uuid[]) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION training_opted_out_users(uuid[]);");
            migrationBuilder.DropTable(
                name: "user_preferences");
        }
    }
}
