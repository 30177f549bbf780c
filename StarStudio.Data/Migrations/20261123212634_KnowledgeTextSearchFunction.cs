using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>knowledge_text_search</c>: the full-text half of retrieval as a <c>SECURITY DEFINER</c> function, so that it can
    /// use the GIN index on <c>star_embeddings.search_vector</c>. Under row-level security the planner may push only
    /// leakproof conditions below the policy and <c>@@</c> is not leakproof, so the app role's own query read every chunk
    /// of the star (about a second for 100,000 chunks). The function runs as the owning role, which row-level security
    /// does not apply to, and therefore repeats the SELECT policy of <c>star_embeddings</c> itself before reading anything:
    /// the star is the caller's (<c>app_user_id()</c>), or the caller is an admin (<c>app_is_admin()</c>), or the star is
    /// public and active. Otherwise it returns nothing.
    /// <para>
    /// Ranking reads each candidate's tsvector (out of line, in TOAST) for <c>ts_rank_cd</c>, about 20 µs a row; an OR of
    /// common words matches tens of thousands of a big star's chunks. So at most <c>p_budget</c> matches are ranked, and
    /// the question's rare words are searched first: the terms are ordered by their frequency in the column statistics
    /// (<c>pg_stats.most_common_elems</c>; a word not listed there is rarer than any that is), and the rarest of them,
    /// as many as are expected to match no more than the budget in this star (at least one), form the first tier. Its
    /// matches come first, best <c>ts_rank_cd</c> (over all the terms) first; only when they are fewer than
    /// <c>p_limit</c> does a second pass rank matches of the other terms. When the star (or the pool, or the task) holds
    /// no more chunks than the budget, every term is in the first tier and the result is exactly the old query's:
    /// every match ranked by <c>ts_rank_cd</c>. When a tier has more matches than the budget, the ones ranked are the
    /// first the bitmap scan returns (physical order), not the best: that is the price of a bounded cost.
    /// </para>
    /// <para>
    /// PUBLIC may not call it; <see cref="Infrastructure.DatabaseMigrator"/> grants EXECUTE on the schema's functions to
    /// the app role after migrating, as it grants everything else.
    /// </para>
    /// </summary>
    public partial class KnowledgeTextSearchFunction : Migration
    {
        /// <summary>The function's signature, for GRANT, REVOKE and DROP.</summary>
        public const string Signature = "knowledge_text_search(uuid, text[], uuid, text, text, uuid[], integer, integer)";

        /// <summary>
        /// The query one tier runs (dynamic SQL, so each call is planned with its values: the absent filters fold away
        /// and the planner sees the star's size). Public so tests can EXPLAIN exactly this text as the owning role.
        /// Parameters: $1 star, $2 task, $3 source name, $4 tag, $5 pool of row ids (each null when not filtering),
        /// $6 the most matches to rank, $7 the tsquery ranked by (all the terms), $8 the tsquery matched (this tier's
        /// terms), $9 the most rows to return, $10 row ids to leave out (null: none). The matches are a materialized CTE
        /// so that they are planned to be read in full (a bitmap scan of the GIN index, with the star_id index when
        /// that narrows them), then only the first $6 are pulled from it and ranked.
        /// </summary>
        public const string TierQuery = """
            WITH matches AS MATERIALIZED (
                SELECT e.id, e.search_vector
                FROM star_embeddings e
                WHERE e.star_id = $1::uuid
                  AND ($2::uuid IS NULL OR e.task_id = $2::uuid)
                  AND ($3::text IS NULL OR e.metadata->>'sourceName' = $3::text)
                  AND ($4::text IS NULL OR e.metadata->'tags' ? $4::text)
                  AND ($5::uuid[] IS NULL OR e.id = ANY ($5::uuid[]))
                  AND ($10::uuid[] IS NULL OR NOT (e.id = ANY ($10::uuid[])))
                  AND e.search_vector @@ $8::tsquery
            )
            SELECT c.id, ts_rank_cd(c.search_vector, $7::tsquery, 1)::float8 AS r
            FROM (SELECT m.id, m.search_vector FROM matches m LIMIT $6::integer) c
            ORDER BY r DESC, c.id
            LIMIT $9::integer
            """;

        private const string CreateFunction = $$"""
            CREATE OR REPLACE FUNCTION knowledge_text_search(
                p_star uuid, p_terms text[], p_task uuid, p_source text, p_tag text, p_pool uuid[], p_limit integer, p_budget integer)
                RETURNS TABLE (id uuid, rank double precision)
                LANGUAGE plpgsql STABLE SECURITY DEFINER
                SET search_path = public, pg_temp
            AS $fn$
            #variable_conflict use_column
            DECLARE
                v_rows bigint;
                v_elems text[];
                v_freqs real[];
                v_all tsquery;
                v_rare tsquery;
                v_estimate double precision := 0;
                v_budget integer;
                v_seen uuid[] := '{}';
                v_term record;
                v_hit record;
            BEGIN
                IF p_star IS NULL OR p_terms IS NULL OR p_limit IS NULL OR p_limit < 1 OR p_budget IS NULL OR p_budget < 1 THEN
                    RETURN;
                END IF;

                -- The SELECT policy of star_embeddings (star_embeddings_by_owned_star, star_embeddings_public_read),
                -- repeated because this function reads as the owner, whom row-level security does not restrict.
                IF NOT EXISTS (
                    SELECT 1 FROM stars s
                    WHERE s.id = p_star
                      AND (s.owner_id = app_user_id() OR (s.is_public AND s.status = 'active') OR app_is_admin())) THEN
                    RETURN;
                END IF;

                -- How many chunks the search covers (the indexer's counts: no chunk is read).
                SELECT coalesce(sum(t.chunk_count), 0) INTO v_rows
                FROM knowledge_tasks t
                WHERE t.star_id = p_star AND (p_task IS NULL OR t.id = p_task);
                IF p_pool IS NOT NULL THEN
                    v_rows := least(v_rows, cardinality(p_pool));
                END IF;

                -- How common each word is across all chunks (ANALYZE's sample); unlisted words are rarer than listed ones.
                SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs INTO v_elems, v_freqs
                FROM pg_stats s
                WHERE s.schemaname = 'public' AND s.tablename = 'star_embeddings' AND s.attname = 'search_vector';

                v_budget := least(greatest(p_budget, p_limit), 10000);
                FOR v_term IN
                    SELECT q.query, v_freqs[array_position(v_elems, u.term)] AS freq
                    FROM unnest(p_terms) WITH ORDINALITY AS u(term, ord)
                    CROSS JOIN LATERAL plainto_tsquery('simple', u.term) AS q(query)
                    WHERE numnode(q.query) > 0
                    ORDER BY 2 NULLS FIRST, u.ord
                LOOP
                    v_all := CASE WHEN v_all IS NULL THEN v_term.query ELSE v_all || v_term.query END;
                    v_estimate := v_estimate + coalesce(v_term.freq, 0) * v_rows;
                    IF v_rare IS NULL OR least(v_estimate, v_rows) <= v_budget THEN
                        v_rare := CASE WHEN v_rare IS NULL THEN v_term.query ELSE v_rare || v_term.query END;
                    END IF;
                END LOOP;

                IF v_all IS NULL THEN
                    RETURN;
                END IF;

                -- First tier: matches of the rare words.
                FOR v_hit IN EXECUTE $q${{TierQuery}}$q$
                    USING p_star, p_task, p_source, p_tag, p_pool, v_budget, v_all, v_rare, p_limit, NULL::uuid[]
                LOOP
                    id := v_hit.id;
                    rank := v_hit.r;
                    RETURN NEXT;
                    v_seen := v_seen || v_hit.id;
                END LOOP;

                -- Second tier, only when the first came back short: matches of any word, minus those already returned
                -- (the first tier was not cut short, so those are all of its matches).
                IF cardinality(v_seen) < p_limit AND v_rare <> v_all THEN
                    FOR v_hit IN EXECUTE $q${{TierQuery}}$q$
                        USING p_star, p_task, p_source, p_tag, p_pool, v_budget - cardinality(v_seen), v_all, v_all,
                              p_limit - cardinality(v_seen), v_seen
                    LOOP
                        id := v_hit.id;
                        rank := v_hit.r;
                        RETURN NEXT;
                    END LOOP;
                END IF;
            END
            $fn$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(CreateFunction);
            migrationBuilder.Sql($"REVOKE ALL ON FUNCTION {Signature} FROM PUBLIC;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {Signature};");
        }
    }
}
