using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Lets a signed-in user take <c>skill_maker</c> for themself, as <c>star_owner</c> already could (issue 12: anyone may
    /// become a skill maker from <c>/market/maker</c>). Every other grant still needs an admin.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205200100_SkillMakerSelfGrant")]
    public partial class SkillMakerSelfGrant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Function("v_name IN ('star_owner', 'skill_maker')"));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Function("v_name = 'star_owner'"));

        private static string Function(string selfGrantable) => $$"""
            CREATE OR REPLACE FUNCTION app_grant_role(p_user uuid, p_role text) RETURNS boolean
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    v_role uuid;
                    v_name text;
                BEGIN
                    SELECT id, name INTO v_role, v_name FROM roles WHERE normalized_name = upper(p_role);
                    IF v_role IS NULL THEN
                        RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = '22023';
                    END IF;
                    IF NOT (app_is_admin()
                            OR ({{selfGrantable}} AND p_user = app_user_id())
                            OR (v_name = 'admin' AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.role_id = v_role))) THEN
                        RAISE EXCEPTION 'granting % to % is not allowed', v_name, p_user USING ERRCODE = '42501';
                    END IF;
                    INSERT INTO user_roles (user_id, role_id) VALUES (p_user, v_role) ON CONFLICT DO NOTHING;
                    RETURN FOUND;
                END
                $$;
            REVOKE ALL ON FUNCTION app_grant_role(uuid, text) FROM PUBLIC;
            """;
    }
}
