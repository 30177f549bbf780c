using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations;

/// <summary>
/// Row-level security (seed 000 §5): a star owner reaches only their own stars and the rows that belong
/// to them; admins reach all. The app sets <c>app.user_id</c> per transaction (see StarStudioDb); admin
/// rights are looked up in <c>user_roles</c>, never taken from a setting the session could forge.
/// Identity's tables stay outside RLS because sign-in must find a user before anyone is signed in.
/// </summary>
public partial class RowLevelSecurity : Migration
{
    private static readonly string[] StarOwnedTables =
    [
        "star_model_versions", "knowledge_tasks", "star_embeddings", "magnitude_history",
        "trial_entries", "skill_subscriptions", "knowledge_chunks", "training_logs",
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE FUNCTION app_user_id() RETURNS uuid
                LANGUAGE sql STABLE
                AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

            CREATE FUNCTION app_is_admin() RETURNS boolean
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                    SELECT EXISTS (
                        SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                        WHERE ur.user_id = NULLIF(current_setting('app.user_id', true), '')::uuid
                          AND r.name = 'admin')
                $$;

            -- Visible stars: the caller's own, or all for an admin. Other tables lean on it.
            ALTER TABLE stars ENABLE ROW LEVEL SECURITY;
            CREATE POLICY stars_owner ON stars
                USING (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                WITH CHECK (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
            """);

        foreach (var table in StarOwnedTables)
        {
            // The subquery on stars is itself filtered by the stars policy.
            migrationBuilder.Sql($"""
                ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                CREATE POLICY {table}_by_star ON {table}
                    USING (star_id IN (SELECT id FROM stars))
                    WITH CHECK (star_id IN (SELECT id FROM stars));
                """);
        }

        migrationBuilder.Sql("""
            -- A conversation is the chatting user's, and its star owner's.
            ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
            CREATE POLICY conversations_party ON conversations
                USING (user_id = (SELECT app_user_id()) OR star_id IN (SELECT id FROM stars))
                WITH CHECK (user_id = (SELECT app_user_id()) OR star_id IN (SELECT id FROM stars));

            ALTER TABLE conversation_feedback ENABLE ROW LEVEL SECURITY;
            CREATE POLICY conversation_feedback_party ON conversation_feedback
                USING (conversation_id IN (SELECT id FROM conversations))
                WITH CHECK (conversation_id IN (SELECT id FROM conversations));

            ALTER TABLE conversation_messages ENABLE ROW LEVEL SECURITY;
            CREATE POLICY conversation_messages_party ON conversation_messages
                USING (conversation_id IN (SELECT id FROM conversations))
                WITH CHECK (conversation_id IN (SELECT id FROM conversations));

            ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
            CREATE POLICY webhooks_owner ON webhooks
                USING (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                WITH CHECK (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));

            -- Published skills are the catalog everyone browses; drafts are their maker's.
            ALTER TABLE skills ENABLE ROW LEVEL SECURITY;
            CREATE POLICY skills_read ON skills FOR SELECT
                USING (status = 'published' OR owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
            CREATE POLICY skills_write ON skills FOR ALL
                USING (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                WITH CHECK (owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));

            -- Trials are public once they leave draft; admins run them.
            ALTER TABLE star_trials ENABLE ROW LEVEL SECURITY;
            CREATE POLICY star_trials_read ON star_trials FOR SELECT
                USING (status <> 'draft' OR created_by = (SELECT app_user_id()) OR (SELECT app_is_admin()));
            CREATE POLICY star_trials_write ON star_trials FOR ALL
                USING ((SELECT app_is_admin()))
                WITH CHECK ((SELECT app_is_admin()));
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in StarOwnedTables)
        {
            migrationBuilder.Sql($"DROP POLICY {table}_by_star ON {table}; ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;");
        }

        migrationBuilder.Sql("""
            DROP POLICY star_trials_write ON star_trials; DROP POLICY star_trials_read ON star_trials;
            ALTER TABLE star_trials DISABLE ROW LEVEL SECURITY;
            DROP POLICY skills_write ON skills; DROP POLICY skills_read ON skills;
            ALTER TABLE skills DISABLE ROW LEVEL SECURITY;
            DROP POLICY webhooks_owner ON webhooks; ALTER TABLE webhooks DISABLE ROW LEVEL SECURITY;
            DROP POLICY conversation_messages_party ON conversation_messages; ALTER TABLE conversation_messages DISABLE ROW LEVEL SECURITY;
            DROP POLICY conversation_feedback_party ON conversation_feedback; ALTER TABLE conversation_feedback DISABLE ROW LEVEL SECURITY;
            DROP POLICY conversations_party ON conversations; ALTER TABLE conversations DISABLE ROW LEVEL SECURITY;
            DROP POLICY stars_owner ON stars; ALTER TABLE stars DISABLE ROW LEVEL SECURITY;
            DROP FUNCTION app_is_admin(); DROP FUNCTION app_user_id();
            """);
    }
}
