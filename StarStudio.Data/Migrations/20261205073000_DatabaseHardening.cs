using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The database as strict as the services (docs/security.md, "Database"). SQL only; the EF model is unchanged, so
    /// this migration has no designer snapshot of its own.
    /// <list type="bullet">
    /// <item>Chat rows: a conversation is started only by its user, on a star that user may chat with (their own, or a
    /// public active one), and never moves to another star or user; traces and usage records are written only by the
    /// conversation's user for that conversation's star; traces (prompt and persona) are read only by the star's owner
    /// and admins.</item>
    /// <item>Roles: <c>user_roles</c> is written only through <c>app_grant_role</c> / <c>app_revoke_role</c>, which check
    /// the caller; <see cref="Infrastructure.DatabaseMigrator"/> takes the app role's write grants on it away.</item>
    /// <item>SECURITY DEFINER functions: not executable by PUBLIC (the migrator grants the app role), nor are functions
    /// the owner creates later.</item>
    /// <item>FORCE ROW LEVEL SECURITY on every RLS table that no definer function has to read across users
    /// (<see cref="NotForced"/>), so a connection as the owner obeys the policies too.</item>
    /// </list>
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205073000_DatabaseHardening")]
    public partial class DatabaseHardening : Migration
    {
        /// <summary>
        /// RLS tables left unforced, each because a SECURITY DEFINER function (running as the owner) must read it for
        /// a caller who could not: <c>stars</c> (webhook lookup, text search, resuming tasks on start),
        /// <c>star_embeddings</c> (text search), <c>knowledge_webhook_sources</c> (webhook lookup),
        /// <c>knowledge_tasks</c> (resuming interrupted tasks on start), <c>chat_traces</c> (a player's own trace, for
        /// its steps). Tests check that every other RLS table is forced.
        /// </summary>
        public static readonly string[] NotForced = ["stars", "star_embeddings", "knowledge_webhook_sources", "knowledge_tasks", "chat_traces"];

        private const string Me = "(SELECT app_user_id())";
        private const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                -- Conversations: read by their user and the star's owner; started by their user on a star they may chat
                -- with; changed (title, status, feedback score, soft delete) by their user only.
                DROP POLICY conversations_party ON conversations;
                CREATE POLICY conversations_read ON conversations FOR SELECT
                    USING (user_id = {Me} OR {Owned});
                CREATE POLICY conversations_start ON conversations FOR INSERT
                    WITH CHECK (user_id = {Me}
                        AND star_id IN (SELECT id FROM stars WHERE owner_id = {Me} OR (is_public AND status = 'active')));
                CREATE POLICY conversations_change ON conversations FOR UPDATE
                    USING (user_id = {Me}) WITH CHECK (user_id = {Me});
                CREATE POLICY conversations_remove ON conversations FOR DELETE
                    USING (user_id = {Me} OR {Owned});

                -- A row never moves to another star or user: a policy sees only the new row, so it cannot tell a rename
                -- of a conversation whose star has since gone private from a move onto someone's private star.
                CREATE FUNCTION app_keep_columns() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $$
                    DECLARE
                        col text;
                    BEGIN
                        FOREACH col IN ARRAY TG_ARGV LOOP
                            IF to_jsonb(NEW) -> col IS DISTINCT FROM to_jsonb(OLD) -> col THEN
                                RAISE EXCEPTION '%.% cannot be changed', TG_TABLE_NAME, col USING ERRCODE = '42501';
                            END IF;
                        END LOOP;
                        RETURN NEW;
                    END
                    $$;
                CREATE TRIGGER conversations_keep_party BEFORE UPDATE ON conversations
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('star_id', 'user_id');

                -- Usage: read by its user and the star's owner; written once, by the conversation's user, for that
                -- conversation's star, while the star is still one they may see; never changed.
                DROP POLICY usage_records_party ON usage_records;
                CREATE POLICY usage_records_read ON usage_records FOR SELECT
                    USING (user_id = {Me} OR {Owned});
                CREATE POLICY usage_records_record ON usage_records FOR INSERT
                    WITH CHECK (user_id = {Me}
                        AND star_id IN (SELECT id FROM stars)
                        AND conversation_id IN (SELECT c.id FROM conversations c
                            WHERE c.user_id = {Me} AND c.star_id = usage_records.star_id));

                -- Traces hold the prompt (the star's persona): only the star's owner and admins read or remove them.
                -- The conversation's user writes them, for that conversation's star.
                DROP POLICY chat_traces_party ON chat_traces;
                CREATE POLICY chat_traces_read ON chat_traces FOR SELECT USING ({Owned});
                CREATE POLICY chat_traces_record ON chat_traces FOR INSERT
                    WITH CHECK (user_id = {Me}
                        AND star_id IN (SELECT id FROM stars)
                        AND conversation_id IN (SELECT c.id FROM conversations c
                            WHERE c.user_id = {Me} AND c.star_id = chat_traces.star_id));
                CREATE POLICY chat_traces_remove ON chat_traces FOR DELETE USING ({Owned});

                -- Steps follow their trace; the trace's writer, who cannot read it back, adds them through this check.
                CREATE FUNCTION chat_trace_writable(trace uuid) RETURNS boolean
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                        SELECT EXISTS (SELECT 1 FROM chat_traces t
                            WHERE t.id = trace AND t.user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
                    $$;
                DROP POLICY chat_trace_steps_party ON chat_trace_steps;
                CREATE POLICY chat_trace_steps_read ON chat_trace_steps FOR SELECT
                    USING (trace_id IN (SELECT id FROM chat_traces));
                CREATE POLICY chat_trace_steps_record ON chat_trace_steps FOR INSERT
                    WITH CHECK (chat_trace_writable(trace_id));
                CREATE POLICY chat_trace_steps_remove ON chat_trace_steps FOR DELETE
                    USING (trace_id IN (SELECT id FROM chat_traces));

                -- A foreign key is checked past the policies, so a row on the writer's own star could name a parent the
                -- writer cannot see (another owner's task, draft skill or draft trial). These AND a visible,
                -- same-star parent onto every write.
                CREATE POLICY knowledge_chunks_task_of_star ON knowledge_chunks AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (task_id IN (SELECT t.id FROM knowledge_tasks t WHERE t.star_id = knowledge_chunks.star_id));
                CREATE POLICY star_embeddings_task_of_star ON star_embeddings AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (task_id IN (SELECT t.id FROM knowledge_tasks t WHERE t.star_id = star_embeddings.star_id));
                CREATE POLICY skill_subscriptions_visible_skill ON skill_subscriptions AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (skill_id IN (SELECT id FROM skills));
                CREATE POLICY trial_entries_visible_trial ON trial_entries AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (trial_id IN (SELECT id FROM star_trials));
                """);

            migrationBuilder.Sql("""
                -- Roles are granted through these only; app_is_admin() trusts user_roles, so whoever may write it may
                -- make anyone an admin. An admin grants any role; a signed-in user takes star_owner for themself (their
                -- first star); the first admin of an installation is granted while nobody holds admin.
                CREATE FUNCTION app_grant_role(p_user uuid, p_role text) RETURNS boolean
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
                                OR (v_name = 'star_owner' AND p_user = app_user_id())
                                OR (v_name = 'admin' AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.role_id = v_role))) THEN
                            RAISE EXCEPTION 'granting % to % is not allowed', v_name, p_user USING ERRCODE = '42501';
                        END IF;
                        INSERT INTO user_roles (user_id, role_id) VALUES (p_user, v_role) ON CONFLICT DO NOTHING;
                        RETURN FOUND;
                    END
                    $$;

                CREATE FUNCTION app_revoke_role(p_user uuid, p_role text) RETURNS boolean
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    BEGIN
                        IF NOT app_is_admin() THEN
                            RAISE EXCEPTION 'only an admin revokes roles' USING ERRCODE = '42501';
                        END IF;
                        DELETE FROM user_roles ur USING roles r
                            WHERE r.id = ur.role_id AND ur.user_id = p_user AND r.normalized_name = upper(p_role);
                        RETURN FOUND;
                    END
                    $$;

                -- PUBLIC keeps EXECUTE on new functions by default; nothing of ours is for PUBLIC. The migrator grants
                -- the app role EXECUTE on the schema's functions after each migration.
                REVOKE ALL ON FUNCTION app_user_id() FROM PUBLIC;
                REVOKE ALL ON FUNCTION app_is_admin() FROM PUBLIC;
                REVOKE ALL ON FUNCTION knowledge_webhook_source_lookup(uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION app_keep_columns() FROM PUBLIC;
                REVOKE ALL ON FUNCTION chat_trace_writable(uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION app_grant_role(uuid, text) FROM PUBLIC;
                REVOKE ALL ON FUNCTION app_revoke_role(uuid, text) FROM PUBLIC;
                ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
                """);

            // Every RLS table in the schema at this point, minus the documented exceptions.
            migrationBuilder.Sql($"""
                DO $$
                DECLARE
                    t text;
                BEGIN
                    FOR t IN SELECT c.relname FROM pg_class c
                             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
                               AND c.relname <> ALL (ARRAY['{string.Join("', '", NotForced)}'])
                    LOOP
                        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
                    END LOOP;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DO $$
                DECLARE
                    t text;
                BEGIN
                    FOR t IN SELECT c.relname FROM pg_class c
                             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relforcerowsecurity
                    LOOP
                        EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
                    END LOOP;
                END
                $$;

                ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
                GRANT EXECUTE ON FUNCTION app_user_id(), app_is_admin(), knowledge_webhook_source_lookup(uuid) TO PUBLIC;
                DROP FUNCTION app_revoke_role(uuid, text);
                DROP FUNCTION app_grant_role(uuid, text);

                DROP POLICY trial_entries_visible_trial ON trial_entries;
                DROP POLICY skill_subscriptions_visible_skill ON skill_subscriptions;
                DROP POLICY star_embeddings_task_of_star ON star_embeddings;
                DROP POLICY knowledge_chunks_task_of_star ON knowledge_chunks;
                DROP POLICY chat_trace_steps_remove ON chat_trace_steps;
                DROP POLICY chat_trace_steps_record ON chat_trace_steps;
                DROP POLICY chat_trace_steps_read ON chat_trace_steps;
                DROP FUNCTION chat_trace_writable(uuid);
                CREATE POLICY chat_trace_steps_party ON chat_trace_steps
                    USING (trace_id IN (SELECT id FROM chat_traces))
                    WITH CHECK (trace_id IN (SELECT id FROM chat_traces));

                DROP POLICY chat_traces_remove ON chat_traces;
                DROP POLICY chat_traces_record ON chat_traces;
                DROP POLICY chat_traces_read ON chat_traces;
                CREATE POLICY chat_traces_party ON chat_traces
                    USING (conversation_id IN (SELECT id FROM conversations))
                    WITH CHECK (conversation_id IN (SELECT id FROM conversations));

                DROP POLICY usage_records_record ON usage_records;
                DROP POLICY usage_records_read ON usage_records;
                CREATE POLICY usage_records_party ON usage_records
                    USING (user_id = {Me} OR {Owned})
                    WITH CHECK (user_id = {Me} OR {Owned});

                DROP TRIGGER conversations_keep_party ON conversations;
                DROP FUNCTION app_keep_columns();
                DROP POLICY conversations_remove ON conversations;
                DROP POLICY conversations_change ON conversations;
                DROP POLICY conversations_start ON conversations;
                DROP POLICY conversations_read ON conversations;
                CREATE POLICY conversations_party ON conversations
                    USING (user_id = {Me} OR {Owned})
                    WITH CHECK (user_id = {Me} OR {Owned});
                """);
        }
    }
}
