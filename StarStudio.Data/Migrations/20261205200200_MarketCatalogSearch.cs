using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// <c>market_catalog_search</c>: the catalog's search as a <c>SECURITY DEFINER</c> function, for the reason
    /// <c>knowledge_text_search</c> is one: under row-level security the planner may push only leakproof conditions below
    /// the policy, <c>@@</c> is not leakproof, so the app role's query read every version (a sequential scan, 130 ms at
    /// 50,000 skills) instead of the GIN index on <c>skill_versions.search_vector</c>. <c>skill_versions</c> stays forced;
    /// the owner gets a read policy of its own (as <c>BattlePairVotes</c> and the billing functions do), which the app role
    /// never matches. The function returns only what the read policies show everyone anyway: the published version of a
    /// published skill. Partial indexes over published skills serve the three sorts without a query.
    /// <para>
    /// Ranking reads each match's version row and looks its skill up; a word that names a category (天气, weather) matches
    /// one skill in twelve, 4,000 at 50,000, which took 100–200 ms on the loaded bench machine. So at most <c>p_budget</c>
    /// matches are ranked (<c>CatalogQuery.RankBudget</c>, 240 = every page the catalog serves), the question's rare words
    /// first, as <c>knowledge_text_search</c> does: terms ordered by the planner's estimate of their matches, the rarest
    /// expected to match no more than the budget form the first tier (at least one term); a second tier of the other terms'
    /// matches follows only when the first falls short of the page. When a tier has more matches than the budget, the ones
    /// ranked are the first the bitmap scan returns (physical order), not the best: the price of a bounded cost.
    /// </para>
    /// <para>
    /// It also gives the owner an UPDATE policy on <c>skill_reviews</c>, without which <c>skill_review_reply</c> (definer,
    /// Market migration) could never answer a review: the forced policies let it see only the caller's own reviews. SQL
    /// only; the EF model is unchanged.
    /// </para>
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205200200_MarketCatalogSearch")]
    public partial class MarketCatalogSearch : Migration
    {
        /// <summary>The function's signature, for GRANT, REVOKE and DROP.</summary>
        public const string Signature = "market_catalog_search(text[], text, skill_pricing_type, numeric, text, integer, integer, integer)";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE format('CREATE POLICY skill_versions_catalog_definer ON skill_versions FOR SELECT TO %I USING (true)', current_user);
                    -- skill_review_reply runs as the owner, which the forced policies of skill_reviews held to the reviewer's own
                    -- rows: the maker's answer updated nothing and the function always returned false.
                    EXECUTE format('CREATE POLICY skill_reviews_reply_definer ON skill_reviews FOR UPDATE TO %I USING (true) WITH CHECK (true)', current_user);
                END
                $$;

                CREATE INDEX ix_skills_catalog_popular ON skills (call_count DESC, subscriber_count DESC, id) WHERE status = 'published';
                CREATE INDEX ix_skills_catalog_rating ON skills (rating_avg DESC, rating_count DESC, id) WHERE status = 'published';
                CREATE INDEX ix_skills_catalog_new ON skills (published_at DESC NULLS LAST, id) WHERE status = 'published';
                -- A search looks up the skill of each matching version: this index answers it without reading the skill row.
                CREATE INDEX ix_skills_catalog_version ON skills (published_version_id)
                    INCLUDE (id, rating_avg, rating_count, subscriber_count, call_count, published_at) WHERE status = 'published';

                -- p_terms: the query's terms (SearchText.QueryTerms), ORed; each is a plainto_tsquery('simple', term), so no term
                -- can inject tsquery operators. Without terms the sort orders (browsing). With terms, matches are ranked by
                -- ts_rank_cd over all the terms (normalised by length) and the sort breaks ties; at most p_budget matches are
                -- ranked, rare words first (see the class comment). Null filters are off. Dynamic SQL, so each call is planned
                -- with its values (absent filters fold away). No parallel workers: launching them costs more than a page.
                CREATE FUNCTION market_catalog_search(
                    p_terms text[], p_category text, p_pricing skill_pricing_type, p_min_rating numeric, p_sort text,
                    p_offset integer, p_limit integer, p_budget integer)
                    RETURNS TABLE (skill_id uuid, name text, icon text, description text, description_en text, category text,
                                   pricing_type skill_pricing_type, price numeric, rating_avg numeric, rating_count integer,
                                   subscriber_count integer, call_count bigint, published_at timestamptz, rank double precision)
                    LANGUAGE plpgsql SECURITY DEFINER -- volatile: EXPLAIN (the estimates) is refused in a stable function
                    SET search_path = public, pg_temp
                    SET max_parallel_workers_per_gather = 0
                AS $fn$
                DECLARE
                    v_order text;
                    v_all tsquery;
                    v_rare tsquery;
                    v_terms tsquery[] := '{}';
                    v_counts double precision[] := '{}';
                    v_plan json;
                    v_i integer;
                    v_estimate double precision := 0;
                    v_budget integer;
                    v_first bigint;
                    v_returned integer := 0;
                    v_term record;
                    v_hit record;
                BEGIN
                    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 200 OR p_offset IS NULL OR p_offset < 0 THEN
                        RETURN;
                    END IF;

                    v_order := CASE p_sort
                        WHEN 'popular' THEN 's.call_count DESC, s.subscriber_count DESC, s.id'
                        WHEN 'rating' THEN 's.rating_avg DESC, s.rating_count DESC, s.id'
                        WHEN 'new' THEN 's.published_at DESC NULLS LAST, s.id'
                    END;
                    IF v_order IS NULL THEN
                        RAISE EXCEPTION 'unknown catalog sort %', p_sort USING ERRCODE = '22023';
                    END IF;

                    IF coalesce(cardinality(p_terms), 0) = 0 THEN
                        -- Browsing: walk the skills in sort order (the partial sort indexes) and look each version up.
                        RETURN QUERY EXECUTE format($q$
                            SELECT s.id, v.name::text, v.icon::text, v.description, v.description_en, v.category::text, v.pricing_type, v.price,
                                   s.rating_avg, s.rating_count, s.subscriber_count, s.call_count, s.published_at, 0::float8
                            FROM skills s
                            JOIN skill_versions v ON v.id = s.published_version_id
                            WHERE s.status = 'published' AND v.status = 'published'
                              AND ($1::text IS NULL OR v.category = $1::text)
                              AND ($2::skill_pricing_type IS NULL OR v.pricing_type = $2::skill_pricing_type)
                              AND ($3::numeric IS NULL OR s.rating_avg >= $3::numeric)
                            ORDER BY %s
                            OFFSET $4 LIMIT $5
                            $q$, v_order)
                        USING p_category, p_pricing, p_min_rating, p_offset, p_limit;
                        RETURN;
                    END IF;

                    -- How many versions each word matches, as the planner estimates it from the column statistics (pg_stats
                    -- would say the same but hides tables whose row-level security is active for the reader, and it is for the
                    -- owner of this forced table), and the first tier: the rarest words, as many as are expected to match no
                    -- more than the budget (at least one).
                    v_budget := least(greatest(coalesce(p_budget, 0), p_offset + p_limit), 10000);
                    FOR v_term IN
                        SELECT q.query, u.ord
                        FROM unnest(p_terms) WITH ORDINALITY AS u(term, ord)
                        CROSS JOIN LATERAL plainto_tsquery('simple', u.term) AS q(query)
                        WHERE numnode(q.query) > 0
                    LOOP
                        EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM skill_versions v WHERE v.search_vector @@ %L::tsquery', v_term.query)
                            INTO v_plan;
                        v_terms := v_terms || v_term.query;
                        v_counts := v_counts || (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
                    END LOOP;
                    FOR v_i IN SELECT i FROM generate_subscripts(v_counts, 1) AS i ORDER BY v_counts[i], i LOOP
                        v_all := CASE WHEN v_all IS NULL THEN v_terms[v_i] ELSE v_all || v_terms[v_i] END;
                        v_estimate := v_estimate + v_counts[v_i];
                        IF v_rare IS NULL OR v_estimate <= v_budget THEN
                            v_rare := CASE WHEN v_rare IS NULL THEN v_terms[v_i] ELSE v_rare || v_terms[v_i] END;
                        END IF;
                    END LOOP;
                    IF v_all IS NULL THEN
                        RETURN; -- words given, none searchable
                    END IF;

                    -- One tier ($7 matches, minus $9 matches): at most $8 matching versions of published skills that pass the
                    -- filters (the GIN index, then each skill looked up through the covering partial index; a hash join read all
                    -- of skills, 60 MB at 50,000, for every query), ranked by all the terms ($1). "IS TRUE" keeps the planner from
                    -- ANDing the bitmap with the status index, which reads every published version's entry to drop a handful.
                    FOR v_hit IN EXECUTE format($q$
                        WITH s AS MATERIALIZED (
                            SELECT x.id, v.name, v.icon, v.description, v.description_en, v.category, v.pricing_type, v.price, v.search_vector,
                                   x.rating_avg, x.rating_count, x.subscriber_count, x.call_count, x.published_at
                            FROM skill_versions v
                            CROSS JOIN LATERAL (
                                SELECT k.id, k.rating_avg, k.rating_count, k.subscriber_count, k.call_count, k.published_at
                                FROM skills k
                                WHERE k.published_version_id = v.id AND k.status = 'published'
                                  AND ($4::numeric IS NULL OR k.rating_avg >= $4::numeric)
                                LIMIT 1) x
                            WHERE v.search_vector @@ $7::tsquery AND ($9::tsquery IS NULL OR NOT (v.search_vector @@ $9::tsquery))
                              AND (v.status = 'published') IS TRUE
                              AND ($2::text IS NULL OR v.category = $2::text)
                              AND ($3::skill_pricing_type IS NULL OR v.pricing_type = $3::skill_pricing_type)
                            LIMIT $8
                        )
                        SELECT s.id, s.name::text AS name, s.icon::text AS icon, s.description, s.description_en, s.category::text AS category,
                               s.pricing_type, s.price, s.rating_avg, s.rating_count, s.subscriber_count, s.call_count, s.published_at,
                               ts_rank_cd(s.search_vector, $1::tsquery, 1)::float8 AS rank, count(*) OVER () AS n
                        FROM s
                        ORDER BY 14 DESC, %s
                        OFFSET $5 LIMIT $6
                        $q$, v_order)
                        USING v_all, p_category, p_pricing, p_min_rating, p_offset, p_limit, v_rare, v_budget, NULL::tsquery
                    LOOP
                        skill_id := v_hit.id; name := v_hit.name; icon := v_hit.icon; description := v_hit.description;
                        description_en := v_hit.description_en; category := v_hit.category; pricing_type := v_hit.pricing_type;
                        price := v_hit.price; rating_avg := v_hit.rating_avg; rating_count := v_hit.rating_count;
                        subscriber_count := v_hit.subscriber_count; call_count := v_hit.call_count; published_at := v_hit.published_at;
                        rank := v_hit.rank; v_first := v_hit.n; v_returned := v_returned + 1;
                        RETURN NEXT;
                    END LOOP;

                    -- Second tier, only when the first came back short of the page: matches of the common words only.
                    IF v_returned < p_limit AND v_rare IS DISTINCT FROM v_all THEN
                        IF v_first IS NULL THEN
                            EXECUTE $q$
                                SELECT count(*) FROM (
                                    SELECT 1 FROM skill_versions v
                                    WHERE v.search_vector @@ $1::tsquery AND (v.status = 'published') IS TRUE
                                      AND ($2::text IS NULL OR v.category = $2::text)
                                      AND ($3::skill_pricing_type IS NULL OR v.pricing_type = $3::skill_pricing_type)
                                      AND EXISTS (SELECT 1 FROM skills k WHERE k.published_version_id = v.id AND k.status = 'published'
                                                  AND ($4::numeric IS NULL OR k.rating_avg >= $4::numeric))
                                    LIMIT $5) c
                                $q$
                            INTO v_first USING v_rare, p_category, p_pricing, p_min_rating, v_budget;
                        END IF;
                        FOR v_hit IN EXECUTE format($q$
                            WITH s AS MATERIALIZED (
                                SELECT x.id, v.name, v.icon, v.description, v.description_en, v.category, v.pricing_type, v.price, v.search_vector,
                                       x.rating_avg, x.rating_count, x.subscriber_count, x.call_count, x.published_at
                                FROM skill_versions v
                                CROSS JOIN LATERAL (
                                    SELECT k.id, k.rating_avg, k.rating_count, k.subscriber_count, k.call_count, k.published_at
                                    FROM skills k
                                    WHERE k.published_version_id = v.id AND k.status = 'published'
                                      AND ($4::numeric IS NULL OR k.rating_avg >= $4::numeric)
                                    LIMIT 1) x
                                WHERE v.search_vector @@ $7::tsquery AND ($9::tsquery IS NULL OR NOT (v.search_vector @@ $9::tsquery))
                                  AND (v.status = 'published') IS TRUE
                                  AND ($2::text IS NULL OR v.category = $2::text)
                                  AND ($3::skill_pricing_type IS NULL OR v.pricing_type = $3::skill_pricing_type)
                                LIMIT $8
                            )
                            SELECT s.id, s.name::text AS name, s.icon::text AS icon, s.description, s.description_en, s.category::text AS category,
                                   s.pricing_type, s.price, s.rating_avg, s.rating_count, s.subscriber_count, s.call_count, s.published_at,
                                   ts_rank_cd(s.search_vector, $1::tsquery, 1)::float8 AS rank
                            FROM s
                            ORDER BY 14 DESC, %s
                            OFFSET $5 LIMIT $6
                            $q$, v_order)
                            USING v_all, p_category, p_pricing, p_min_rating, greatest(p_offset - coalesce(v_first, 0), 0)::integer,
                                  p_limit - v_returned, v_all, v_budget, v_rare
                        LOOP
                            skill_id := v_hit.id; name := v_hit.name; icon := v_hit.icon; description := v_hit.description;
                            description_en := v_hit.description_en; category := v_hit.category; pricing_type := v_hit.pricing_type;
                            price := v_hit.price; rating_avg := v_hit.rating_avg; rating_count := v_hit.rating_count;
                            subscriber_count := v_hit.subscriber_count; call_count := v_hit.call_count; published_at := v_hit.published_at;
                            rank := v_hit.rank;
                            RETURN NEXT;
                        END LOOP;
                    END IF;
                END
                $fn$;
                REVOKE ALL ON FUNCTION market_catalog_search(text[], text, skill_pricing_type, numeric, text, integer, integer, integer) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION {Signature};
                DROP INDEX ix_skills_catalog_version;
                DROP INDEX ix_skills_catalog_new;
                DROP INDEX ix_skills_catalog_rating;
                DROP INDEX ix_skills_catalog_popular;
                DROP POLICY skill_reviews_reply_definer ON skill_reviews;
                DROP POLICY skill_versions_catalog_definer ON skill_versions;
                """);
        }
    }
}
