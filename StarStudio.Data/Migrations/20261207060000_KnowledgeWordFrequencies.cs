using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The word frequencies <c>knowledge_text_search</c> orders a question's terms by (rarest first) can be passed in.
    /// The function read them from <c>pg_stats</c> on every call — casting its 1,000 most common lexemes through text to
    /// <c>text[]</c>, ~0.9–1.2 ms of a call that matches nothing — and a search makes three calls (own words, expansions,
    /// translations). Now the app reads them once a minute through <c>knowledge_word_frequencies()</c> (a
    /// <c>SECURITY DEFINER</c> function, since <c>pg_stats</c> hides the statistics of a table under row-level security
    /// from the app role) and passes each term's frequency in <c>p_freqs</c>, aligned with <c>p_terms</c>; null there, or
    /// an array of another length, means "read them here", as before. A frequency only orders the terms (which form the
    /// first, budgeted tier); it cannot widen what the caller may read, which the function still checks first. SQL only;
    /// the EF model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261207060000_KnowledgeWordFrequencies")]
    public partial class KnowledgeWordFrequencies : Migration
    {
        /// <summary>The search function's signature, for GRANT, REVOKE and DROP.</summary>
        public const string Signature = "knowledge_text_search(uuid, text[], real[], uuid, text, text, uuid[], integer, integer)";

        /// <summary>The frequencies function's signature.</summary>
        public const string FrequenciesSignature = "knowledge_word_frequencies()";

        private const string CreateFrequencies = """
            CREATE FUNCTION knowledge_word_frequencies()
                RETURNS TABLE (term text, freq real)
                LANGUAGE sql STABLE SECURITY DEFINER
                SET search_path = public, pg_temp
            AS $fn$
                -- ANALYZE's sample of star_embeddings.search_vector: the most common lexemes and the share of rows holding each.
                SELECT e.term, e.freq
                FROM pg_stats s
                CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(term, freq)
                WHERE s.schemaname = 'public' AND s.tablename = 'star_embeddings' AND s.attname = 'search_vector'
                  AND e.term IS NOT NULL
            $fn$;
            """;

        private const string CreateSearch = $$"""
            CREATE FUNCTION knowledge_text_search(
                p_star uuid, p_terms text[], p_freqs real[], p_task uuid, p_source text, p_tag text, p_pool uuid[], p_limit integer, p_budget integer)
                RETURNS TABLE (id uuid, rank double precision)
                LANGUAGE plpgsql STABLE SECURITY DEFINER
                SET search_path = public, pg_temp
            AS $fn$
            #variable_conflict use_column
            DECLARE
                v_rows bigint;
                v_given boolean := p_freqs IS NOT NULL AND cardinality(p_freqs) = cardinality(p_terms);
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
                -- Passed in by the caller (knowledge_word_frequencies, read once a minute), or read here.
                IF NOT v_given THEN
                    SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs INTO v_elems, v_freqs
                    FROM pg_stats s
                    WHERE s.schemaname = 'public' AND s.tablename = 'star_embeddings' AND s.attname = 'search_vector';
                END IF;

                v_budget := least(greatest(p_budget, p_limit), 10000);
                FOR v_term IN
                    SELECT q.query,
                           CASE WHEN v_given THEN p_freqs[u.ord] ELSE v_freqs[array_position(v_elems, u.term)] END AS freq
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
                FOR v_hit IN EXECUTE $q${{KnowledgeTextSearchFunction.TierQuery}}$q$
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
                    FOR v_hit IN EXECUTE $q${{KnowledgeTextSearchFunction.TierQuery}}$q$
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
            migrationBuilder.Sql($"DROP FUNCTION {KnowledgeTextSearchFunction.Signature};");
            migrationBuilder.Sql(CreateSearch);
            migrationBuilder.Sql($"REVOKE ALL ON FUNCTION {Signature} FROM PUBLIC;");
            migrationBuilder.Sql(CreateFrequencies);
            migrationBuilder.Sql($"REVOKE ALL ON FUNCTION {FrequenciesSignature} FROM PUBLIC;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {FrequenciesSignature};");
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {Signature};");
            // The previous migration's function, as it created it (its Up is SQL only and repeatable).
            migrationBuilder.Operations.AddRange(new KnowledgeTextSearchFunction().UpOperations);
        }
    }
}
