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
    /// published skill. Partial indexes over published skills serve the three sorts without a query. It also gives the
    /// owner an UPDATE policy on <c>skill_reviews</c>, without which <c>skill_review_reply</c> (definer, Market migration)
    /// could never answer a review: the forced policies let it see only the caller's own reviews. SQL only; the EF model
    /// is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205200200_MarketCatalogSearch")]
    public partial class MarketCatalogSearch : Migration
    {
        /// <summary>The function's signature, for GRANT, REVOKE and DROP.</summary>
        public const string Signature = "market_catalog_search(text[], text, skill_pricing_type, numeric, text, integer, integer)";

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

                -- p_terms: the query's terms (SearchText.QueryTerms), ORed; each is a plainto_tsquery('simple', term), so no term
                -- can inject tsquery operators. With terms, rows are ranked by ts_rank_cd (normalised by length) and the sort
                -- breaks ties; without, the sort orders. Null filters are off. Dynamic SQL, so each call is planned with its
                -- values (absent filters fold away). No parallel workers: launching them costs more than a page of this query.
                CREATE FUNCTION market_catalog_search(
                    p_terms text[], p_category text, p_pricing skill_pricing_type, p_min_rating numeric, p_sort text,
                    p_offset integer, p_limit integer)
                    RETURNS TABLE (skill_id uuid, name text, icon text, description text, description_en text, category text,
                                   pricing_type skill_pricing_type, price numeric, rating_avg numeric, rating_count integer,
                                   subscriber_count integer, call_count bigint, published_at timestamptz, rank double precision)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER
                    SET search_path = public, pg_temp
                    SET max_parallel_workers_per_gather = 0
                AS $fn$
                DECLARE
                    v_query tsquery;
                    v_order text;
                    v_term text;
                BEGIN
                    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 200 OR p_offset IS NULL OR p_offset < 0 THEN
                        RETURN;
                    END IF;

                    FOREACH v_term IN ARRAY coalesce(p_terms, '{}'::text[]) LOOP
                        IF numnode(plainto_tsquery('simple', v_term)) > 0 THEN
                            v_query := CASE WHEN v_query IS NULL THEN plainto_tsquery('simple', v_term) ELSE v_query || plainto_tsquery('simple', v_term) END;
                        END IF;
                    END LOOP;

                    v_order := CASE p_sort
                        WHEN 'popular' THEN 's.call_count DESC, s.subscriber_count DESC, s.id'
                        WHEN 'rating' THEN 's.rating_avg DESC, s.rating_count DESC, s.id'
                        WHEN 'new' THEN 's.published_at DESC NULLS LAST, s.id'
                    END;
                    IF v_order IS NULL THEN
                        RAISE EXCEPTION 'unknown catalog sort %', p_sort USING ERRCODE = '22023';
                    END IF;
                    IF coalesce(array_length(p_terms, 1), 0) > 0 AND v_query IS NULL THEN
                        RETURN; -- words given, none searchable
                    END IF;

                    RETURN QUERY EXECUTE format($q$
                        SELECT s.id, v.name::text, v.icon::text, v.description, v.description_en, v.category::text, v.pricing_type, v.price,
                               s.rating_avg, s.rating_count, s.subscriber_count, s.call_count, s.published_at, %s
                        FROM skills s
                        JOIN skill_versions v ON v.id = s.published_version_id
                        WHERE s.status = 'published' AND v.status = 'published'
                          AND ($1::tsquery IS NULL OR v.search_vector @@ $1::tsquery)
                          AND ($2::text IS NULL OR v.category = $2::text)
                          AND ($3::skill_pricing_type IS NULL OR v.pricing_type = $3::skill_pricing_type)
                          AND ($4::numeric IS NULL OR s.rating_avg >= $4::numeric)
                        ORDER BY %s
                        OFFSET $5 LIMIT $6
                        $q$,
                        CASE WHEN v_query IS NULL THEN '0::float8' ELSE 'ts_rank_cd(v.search_vector, $1::tsquery, 1)::float8' END,
                        CASE WHEN v_query IS NULL THEN v_order ELSE '14 DESC, ' || v_order END)
                    USING v_query, p_category, p_pricing, p_min_rating, p_offset, p_limit;
                END
                $fn$;
                REVOKE ALL ON FUNCTION market_catalog_search(text[], text, skill_pricing_type, numeric, text, integer, integer) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION {Signature};
                DROP INDEX ix_skills_catalog_new;
                DROP INDEX ix_skills_catalog_rating;
                DROP INDEX ix_skills_catalog_popular;
                DROP POLICY skill_reviews_reply_definer ON skill_reviews;
                DROP POLICY skill_versions_catalog_definer ON skill_versions;
                """);
        }
    }
}
