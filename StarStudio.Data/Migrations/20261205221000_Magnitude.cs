using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Magnitude (星等, docs/magnitude.md): the two SECURITY DEFINER functions the nightly recomputation runs through as no
    /// user — <c>magnitude_signals</c> (every measured signal of a batch of stars in one set-based query; also the owner's
    /// on-demand read of one star) and <c>magnitude_append</c> (the batch's history rows). They run as the owner, whom
    /// FORCE ROW LEVEL SECURITY holds to the policies: read-only policies of the owner's own (never the app role's) let
    /// them aggregate conversations, feedback and rubric scores across users, and one insert policy lets them append
    /// history. SQL only.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205221000_Magnitude")]
    public partial class Magnitude : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE format('CREATE POLICY conversations_magnitude ON conversations FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY conversation_feedback_magnitude ON conversation_feedback FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY answer_feedback_magnitude ON answer_feedback FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY trial_entries_magnitude ON trial_entries FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY trial_rubric_scores_magnitude ON trial_rubric_scores FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY magnitude_history_magnitude_read ON magnitude_history FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY magnitude_history_magnitude_append ON magnitude_history FOR INSERT TO %I WITH CHECK (trigger = ''nightly'')', current_user);
                END
                $$;

                -- Every signal of the magnitude formula for a batch of stars, one row per star, aggregates only (no text but
                -- the regenerated answer pairs the consistency score compares). Callers: with p_star NULL, the next
                -- p_limit active stars after p_after in id order — only for the nightly job (no app.user_id) or an admin;
                -- with p_star set, that one star — only for its owner or an admin. Anyone else gets 42501.
                CREATE FUNCTION magnitude_signals(p_after uuid, p_limit integer, p_star uuid)
                    RETURNS TABLE (star_id uuid, answers integer, cited_answers integer, copied_samples integer, copied_share_mean double precision,
                                   ratings integer, rating_mean double precision, depth_labels integer, useful_labels integer,
                                   rubric_depth_scores integer, rubric_depth_mean double precision, skill_calls integer, skill_calls_succeeded integer,
                                   players integer, returning_players integer, last_probe text, regenerated text)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    #variable_conflict use_column
                    DECLARE
                        me uuid := NULLIF(current_setting('app.user_id', true), '')::uuid;
                    BEGIN
                        IF p_star IS NULL THEN
                            IF me IS NOT NULL AND NOT app_is_admin() THEN
                                RAISE EXCEPTION 'magnitude_signals: batches are for the nightly job' USING ERRCODE = '42501';
                            END IF;
                        ELSIF me IS NULL OR NOT (app_is_admin() OR EXISTS (SELECT 1 FROM stars s WHERE s.id = p_star AND s.owner_id = me)) THEN
                            RAISE EXCEPTION 'magnitude_signals: not the owner of star %', p_star USING ERRCODE = '42501';
                        END IF;

                        RETURN QUERY
                        WITH batch AS (
                            SELECT s.id, s.owner_id FROM stars s
                            WHERE (p_star IS NULL AND s.status = 'active' AND s.id > COALESCE(p_after, '00000000-0000-0000-0000-000000000000'::uuid))
                               OR s.id = p_star
                            ORDER BY s.id
                            LIMIT LEAST(GREATEST(p_limit, 1), 5000)
                        ),
                        tr AS (
                            SELECT t.star_id,
                                   count(*) FILTER (WHERE t.success) AS answers,
                                   count(*) FILTER (WHERE t.success AND t.citation_count > 0) AS cited,
                                   count(t.copied_share) FILTER (WHERE t.success) AS copied_n,
                                   avg(t.copied_share) FILTER (WHERE t.success) AS copied_mean
                            FROM chat_traces t JOIN batch b ON b.id = t.star_id
                            GROUP BY t.star_id
                        ),
                        pl AS (
                            SELECT u.star_id, count(*) AS players, count(*) FILTER (WHERE u.days >= 2) AS returning
                            FROM (SELECT t.star_id, t.user_id, count(DISTINCT (t.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS days
                                  FROM chat_traces t JOIN batch b ON b.id = t.star_id
                                  WHERE t.user_id <> b.owner_id
                                  GROUP BY t.star_id, t.user_id) u
                            GROUP BY u.star_id
                        ),
                        rt AS (
                            SELECT x.star_id, count(*) AS n, avg(x.rating) AS mean,
                                   count(*) FILTER (WHERE '深度' = ANY (x.labels)) AS depth,
                                   count(*) FILTER (WHERE '有用' = ANY (x.labels)) AS useful
                            FROM (SELECT c.star_id, f.rating, f.labels
                                  FROM conversation_feedback f JOIN conversations c ON c.id = f.conversation_id JOIN batch b ON b.id = c.star_id
                                  UNION ALL
                                  SELECT a.star_id, a.rating, a.labels FROM answer_feedback a JOIN batch b ON b.id = a.star_id) x
                            GROUP BY x.star_id
                        ),
                        rb AS (
                            SELECT e.star_id, count(*) AS n, avg(r.score) AS mean
                            FROM trial_rubric_scores r JOIN trial_entries e ON e.id = r.entry_id JOIN batch b ON b.id = e.star_id
                            WHERE lower(btrim(r.criterion)) IN ('深度', 'depth')
                            GROUP BY e.star_id
                        ),
                        sk AS (
                            SELECT k.star_id, count(*) AS n, count(*) FILTER (WHERE k.success) AS ok
                            FROM skill_calls k JOIN batch b ON b.id = k.star_id
                            GROUP BY k.star_id
                        ),
                        rg AS (
                            SELECT m.star_id, jsonb_agg(jsonb_build_array(m.a1, m.a2) ORDER BY m.last DESC) FILTER (WHERE m.rn <= 20) AS pairs
                            FROM (SELECT g.*, row_number() OVER (PARTITION BY g.star_id ORDER BY g.last DESC) AS rn
                                  FROM (SELECT a.star_id, (array_agg(a.answer ORDER BY a.created_at DESC))[1] AS a1,
                                               (array_agg(a.answer ORDER BY a.created_at DESC))[2] AS a2, max(a.created_at) AS last
                                        FROM answer_feedback a JOIN batch b ON b.id = a.star_id
                                        GROUP BY a.star_id, a.message_id
                                        HAVING count(*) >= 2) g) m
                            GROUP BY m.star_id
                        )
                        SELECT b.id,
                               COALESCE(tr.answers, 0)::integer, COALESCE(tr.cited, 0)::integer, COALESCE(tr.copied_n, 0)::integer,
                               COALESCE(tr.copied_mean, 0)::double precision,
                               COALESCE(rt.n, 0)::integer, COALESCE(rt.mean, 0)::double precision, COALESCE(rt.depth, 0)::integer,
                               COALESCE(rt.useful, 0)::integer,
                               COALESCE(rb.n, 0)::integer, COALESCE(rb.mean, 0)::double precision,
                               COALESCE(sk.n, 0)::integer, COALESCE(sk.ok, 0)::integer,
                               COALESCE(pl.players, 0)::integer, COALESCE(pl.returning, 0)::integer,
                               (SELECT h.evidence::text FROM magnitude_history h WHERE h.star_id = b.id ORDER BY h.evaluated_at DESC LIMIT 1),
                               rg.pairs::text
                        FROM batch b
                        LEFT JOIN tr ON tr.star_id = b.id
                        LEFT JOIN pl ON pl.star_id = b.id
                        LEFT JOIN rt ON rt.star_id = b.id
                        LEFT JOIN rb ON rb.star_id = b.id
                        LEFT JOIN sk ON sk.star_id = b.id
                        LEFT JOIN rg ON rg.star_id = b.id
                        ORDER BY b.id;
                    END
                    $f$;

                -- Appends the nightly rows of a batch (p_rows: [{star_id, depth, originality, consistency, utility, overall,
                -- level, evidence}]) at p_at; only active stars, only trigger 'nightly'. Caller: the nightly job (no
                -- app.user_id) or an admin; anyone else gets 42501 (owners append their on-demand rows under RLS).
                CREATE FUNCTION magnitude_append(p_rows jsonb, p_at timestamptz)
                    RETURNS integer
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        n integer;
                    BEGIN
                        IF NULLIF(current_setting('app.user_id', true), '') IS NOT NULL AND NOT app_is_admin() THEN
                            RAISE EXCEPTION 'magnitude_append: for the nightly job' USING ERRCODE = '42501';
                        END IF;
                        INSERT INTO magnitude_history (star_id, depth, originality, consistency, utility, overall, level, evaluated_at, evidence, trigger)
                        SELECT r.star_id, r.depth, r.originality, r.consistency, r.utility, r.overall, r.level::magnitude_level, p_at,
                               COALESCE(r.evidence, '{}'::jsonb), 'nightly'
                        FROM jsonb_to_recordset(p_rows) AS r(star_id uuid, depth numeric, originality numeric, consistency numeric, utility numeric,
                                                             overall numeric, level text, evidence jsonb)
                        WHERE r.star_id IN (SELECT s.id FROM stars s WHERE s.status = 'active');
                        GET DIAGNOSTICS n = ROW_COUNT;
                        RETURN n;
                    END
                    $f$;

                REVOKE ALL ON FUNCTION magnitude_signals(uuid, integer, uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION magnitude_append(jsonb, timestamptz) FROM PUBLIC;

                -- An evaluation, once recorded, is history: only its report may be added later.
                CREATE TRIGGER magnitude_history_keep_evaluation BEFORE UPDATE ON magnitude_history
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('star_id', 'depth', 'originality', 'consistency', 'utility', 'overall',
                                                                   'level', 'evaluated_at', 'evidence', 'trigger');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER magnitude_history_keep_evaluation ON magnitude_history;
                DROP FUNCTION magnitude_append(jsonb, timestamptz);
                DROP FUNCTION magnitude_signals(uuid, integer, uuid);
                DROP POLICY magnitude_history_magnitude_append ON magnitude_history;
                DROP POLICY magnitude_history_magnitude_read ON magnitude_history;
                DROP POLICY trial_rubric_scores_magnitude ON trial_rubric_scores;
                DROP POLICY trial_entries_magnitude ON trial_entries;
                DROP POLICY answer_feedback_magnitude ON answer_feedback;
                DROP POLICY conversation_feedback_magnitude ON conversation_feedback;
                DROP POLICY conversations_magnitude ON conversations;
                """);
        }
    }
}
