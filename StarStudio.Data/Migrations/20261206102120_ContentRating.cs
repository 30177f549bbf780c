using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The content filter (docs/preferences.md): a star's rating (the owner's, an admin's floor, adult by an NSFW-like tag)
    /// copied as a rank into the gallery read model by <c>star_gallery_refresh</c>; the viewer's level in
    /// <c>user_preferences</c>, read by <c>app_content_max_rank()</c>; the gallery page and facets filter by it in SQL.
    /// The functions of migration <c>Explore</c> are replaced (same signatures) and restored by Down.
    /// </summary>
    public partial class ContentRating : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "content_filter_level",
                table: "user_preferences",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "mild");

            migrationBuilder.AddColumn<string>(
                name: "admin_content_rating",
                table: "stars",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_rating",
                table: "stars",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "general");

            migrationBuilder.AddColumn<short>(
                name: "content_rank",
                table: "star_gallery_stats",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            migrationBuilder.AddCheckConstraint(
                name: "ck_user_preferences_content_filter_level",
                table: "user_preferences",
                sql: "content_filter_level IN ('none', 'mild', 'moderate', 'strict')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_stars_admin_content_rating",
                table: "stars",
                sql: "admin_content_rating IS NULL OR admin_content_rating IN ('general', 'teen', 'mature', 'adult')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_stars_content_rating",
                table: "stars",
                sql: "content_rating IN ('general', 'teen', 'mature', 'adult')");

            migrationBuilder.Sql("""
                -- The rank (0 general, 1 teen, 2 mature, 3 adult) players are filtered by: the highest of the owner's rating, an
                -- admin's floor and the tags (an adult tag such as NSFW makes the star adult). ContentRatings in Core is the same rule.
                CREATE FUNCTION star_content_rank(p_rating text, p_floor text, p_tags text[]) RETURNS smallint
                    LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp
                AS $f$
                    SELECT (greatest(
                        coalesce(array_position(ARRAY['general', 'teen', 'mature', 'adult'], p_rating), 1),
                        coalesce(array_position(ARRAY['general', 'teen', 'mature', 'adult'], p_floor), 1),
                        CASE WHEN EXISTS (SELECT 1 FROM unnest(coalesce(p_tags, '{}'::text[])) AS t(tag)
                                          WHERE lower(btrim(t.tag)) = ANY (ARRAY['nsfw', 'r18', 'r-18', '18+', '成人', '限制级']))
                             THEN 4 ELSE 1 END) - 1)::smallint
                $f$;

                -- The highest rank the current viewer is shown: their content_filter_level (none 3, mild 2, moderate 1, strict 0);
                -- signed out, or never saved: mild. Definer, to read the viewer's own row through the owner role's read policy.
                CREATE FUNCTION app_content_max_rank() RETURNS smallint
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    SELECT (CASE coalesce((SELECT p.content_filter_level FROM user_preferences p WHERE p.user_id = app_user_id()), 'mild')
                        WHEN 'none' THEN 3 WHEN 'mild' THEN 2 WHEN 'moderate' THEN 1 ELSE 0 END)::smallint
                $f$;

                CREATE OR REPLACE FUNCTION star_gallery_refresh(p_star uuid, p_create boolean) RETURNS void
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    r record;
                BEGIN
                    SELECT s.id, s.owner_id, coalesce(v.name, s.name) AS name, coalesce(v.domain, s.domain) AS domain,
                           coalesce(v.tone, s.tone) AS tone, coalesce(v.tags, s.tags) AS tags, s.avatar_key IS NOT NULL AS has_avatar,
                           s.is_public AND s.status = 'active' AS listed, s.created_at,
                           coalesce(CASE WHEN v.id IS NULL THEN s.search_text ELSE v.search_text END, '') AS search_text,
                           (SELECT h.level FROM magnitude_history h WHERE h.star_id = s.id ORDER BY h.evaluated_at DESC LIMIT 1) AS level,
                           star_content_rank(s.content_rating, s.admin_content_rating, coalesce(v.tags, s.tags)) AS content_rank
                    INTO r
                    FROM stars s
                    LEFT JOIN star_persona_versions v ON v.id = s.public_version_id
                    WHERE s.id = p_star;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    IF NOT (r.listed OR p_create) AND NOT EXISTS (SELECT 1 FROM star_gallery_stats g WHERE g.star_id = p_star) THEN
                        RETURN;
                    END IF;
                    INSERT INTO star_gallery_stats AS g (star_id, owner_id, name, domain, tone, tags, has_avatar, listed, star_created_at, search_text, magnitude_level,
                                                         like_count, play_count, plays7d, heat, content_rank)
                    VALUES (r.id, r.owner_id, r.name, r.domain, r.tone, r.tags, r.has_avatar, r.listed, r.created_at, r.search_text, r.level, 0, 0, 0, 0, r.content_rank)
                    ON CONFLICT (star_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, name = EXCLUDED.name, domain = EXCLUDED.domain,
                        tone = EXCLUDED.tone, tags = EXCLUDED.tags, has_avatar = EXCLUDED.has_avatar, listed = EXCLUDED.listed,
                        star_created_at = EXCLUDED.star_created_at, search_text = EXCLUDED.search_text, content_rank = EXCLUDED.content_rank
                    WHERE (g.owner_id, g.name, g.domain, g.tone, g.tags, g.has_avatar, g.listed, g.star_created_at, g.search_text, g.content_rank)
                          IS DISTINCT FROM (EXCLUDED.owner_id, EXCLUDED.name, EXCLUDED.domain, EXCLUDED.tone, EXCLUDED.tags, EXCLUDED.has_avatar,
                                            EXCLUDED.listed, EXCLUDED.star_created_at, EXCLUDED.search_text, EXCLUDED.content_rank);
                END
                $f$;

                DROP TRIGGER stars_gallery_sync ON stars;
                CREATE TRIGGER stars_gallery_sync AFTER INSERT OR UPDATE OF owner_id, name, domain, tone, tags, avatar_key, is_public, status, created_at,
                    search_text, public_version_id, persona_version_id, content_rating, admin_content_rating
                    ON stars FOR EACH ROW EXECUTE FUNCTION star_gallery_sync();

                CREATE OR REPLACE FUNCTION star_gallery_page(p_words text[], p_domain text, p_tag text, p_sort text, p_offset integer, p_limit integer)
                    RETURNS TABLE (star_id uuid, name text, domain text, tone text, tags text[], has_avatar boolean, magnitude_level magnitude_level,
                                   like_count integer, play_count bigint, heat double precision, star_created_at timestamptz)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    SET max_parallel_workers_per_gather = 0
                AS $f$
                DECLARE
                    v_order text;
                    v_query tsquery;
                    v_term tsquery;
                    v_word text;
                    v_max smallint := app_content_max_rank();
                BEGIN
                    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100 OR p_offset IS NULL OR p_offset < 0 OR p_offset > 10000 THEN
                        RETURN;
                    END IF;
                    v_order := CASE p_sort
                        WHEN 'trending' THEN 'g.heat DESC, g.star_id DESC'
                        WHEN 'new' THEN 'g.star_created_at DESC, g.star_id DESC'
                        WHEN 'liked' THEN 'g.like_count DESC, g.star_id DESC'
                    END;
                    IF v_order IS NULL THEN
                        RAISE EXCEPTION 'unknown gallery sort %', p_sort USING ERRCODE = '22023';
                    END IF;
                    FOREACH v_word IN ARRAY coalesce(p_words, '{}') LOOP
                        -- A Latin word also matches as a prefix; quote_literal keeps it one operand whatever it holds.
                        IF v_word ~ '^[a-z0-9]+$' THEN
                            v_term := to_tsquery('simple', quote_literal(v_word) || ':*');
                        ELSE
                            v_term := plainto_tsquery('simple', v_word);
                        END IF;
                        CONTINUE WHEN numnode(v_term) = 0;
                        v_query := CASE WHEN v_query IS NULL THEN v_term ELSE v_query && v_term END;
                    END LOOP;
                    IF cardinality(coalesce(p_words, '{}')) > 0 AND v_query IS NULL THEN
                        RETURN; -- words given, none searchable
                    END IF;
                    RETURN QUERY EXECUTE format($q$
                        SELECT g.star_id, g.name::text, g.domain::text, g.tone::text, g.tags, g.has_avatar, g.magnitude_level,
                               g.like_count, g.play_count, g.heat, g.star_created_at
                        FROM star_gallery_stats g
                        WHERE g.listed
                          AND g.content_rank <= $6
                          AND ($1::tsquery IS NULL OR g.search_vector @@ $1::tsquery)
                          AND ($2::text IS NULL OR g.domain = $2::text)
                          AND ($3::text IS NULL OR g.tags @> ARRAY[$3::text])
                        ORDER BY %s
                        OFFSET $4 LIMIT $5
                        $q$, v_order)
                    USING v_query, p_domain, p_tag, p_offset, p_limit, v_max;
                END
                $f$;

                CREATE OR REPLACE FUNCTION star_gallery_facets(p_limit integer)
                    RETURNS TABLE (kind text, value text, stars bigint)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    (SELECT 'domain'::text, g.domain::text, count(*) FROM star_gallery_stats g WHERE g.listed AND g.content_rank <= (SELECT app_content_max_rank()) AND g.domain <> ''
                     GROUP BY g.domain ORDER BY count(*) DESC, g.domain LIMIT p_limit)
                    UNION ALL
                    (SELECT 'tag'::text, t.tag, count(*) FROM star_gallery_stats g CROSS JOIN LATERAL unnest(g.tags) AS t(tag) WHERE g.listed AND g.content_rank <= (SELECT app_content_max_rank())
                     GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT p_limit)
                $f$;

                REVOKE ALL ON FUNCTION star_content_rank(text, text, text[]) FROM PUBLIC;
                REVOKE ALL ON FUNCTION app_content_max_rank() FROM PUBLIC;

                -- Only an admin sets or changes the floor (the owner's update policy covers every column of their star).
                CREATE FUNCTION stars_admin_content_rating_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    IF NEW.admin_content_rating IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.admin_content_rating END)
                       AND NOT (SELECT app_is_admin()) AND app_user_id() IS NOT NULL THEN
                        RAISE EXCEPTION 'only an admin sets a star''s content rating floor' USING ERRCODE = '42501';
                    END IF;
                    RETURN NEW;
                END
                $f$;
                REVOKE ALL ON FUNCTION stars_admin_content_rating_guard() FROM PUBLIC;
                CREATE TRIGGER stars_admin_content_rating_guard BEFORE INSERT OR UPDATE OF admin_content_rating ON stars
                    FOR EACH ROW EXECUTE FUNCTION stars_admin_content_rating_guard();

                -- Existing rows take their rank now (an imported NSFW card becomes adult at once).
                SELECT star_gallery_refresh(g.star_id, false) FROM star_gallery_stats g;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION star_gallery_refresh(p_star uuid, p_create boolean) RETURNS void
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    r record;
                BEGIN
                    SELECT s.id, s.owner_id, coalesce(v.name, s.name) AS name, coalesce(v.domain, s.domain) AS domain,
                           coalesce(v.tone, s.tone) AS tone, coalesce(v.tags, s.tags) AS tags, s.avatar_key IS NOT NULL AS has_avatar,
                           s.is_public AND s.status = 'active' AS listed, s.created_at,
                           coalesce(CASE WHEN v.id IS NULL THEN s.search_text ELSE v.search_text END, '') AS search_text,
                           (SELECT h.level FROM magnitude_history h WHERE h.star_id = s.id ORDER BY h.evaluated_at DESC LIMIT 1) AS level
                    INTO r
                    FROM stars s
                    LEFT JOIN star_persona_versions v ON v.id = s.public_version_id
                    WHERE s.id = p_star;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    IF NOT (r.listed OR p_create) AND NOT EXISTS (SELECT 1 FROM star_gallery_stats g WHERE g.star_id = p_star) THEN
                        RETURN;
                    END IF;
                    INSERT INTO star_gallery_stats AS g (star_id, owner_id, name, domain, tone, tags, has_avatar, listed, star_created_at, search_text, magnitude_level,
                                                         like_count, play_count, plays7d, heat)
                    VALUES (r.id, r.owner_id, r.name, r.domain, r.tone, r.tags, r.has_avatar, r.listed, r.created_at, r.search_text, r.level, 0, 0, 0, 0)
                    ON CONFLICT (star_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, name = EXCLUDED.name, domain = EXCLUDED.domain,
                        tone = EXCLUDED.tone, tags = EXCLUDED.tags, has_avatar = EXCLUDED.has_avatar, listed = EXCLUDED.listed,
                        star_created_at = EXCLUDED.star_created_at, search_text = EXCLUDED.search_text
                    WHERE (g.owner_id, g.name, g.domain, g.tone, g.tags, g.has_avatar, g.listed, g.star_created_at, g.search_text)
                          IS DISTINCT FROM (EXCLUDED.owner_id, EXCLUDED.name, EXCLUDED.domain, EXCLUDED.tone, EXCLUDED.tags, EXCLUDED.has_avatar,
                                            EXCLUDED.listed, EXCLUDED.star_created_at, EXCLUDED.search_text);
                END
                $f$;

                DROP TRIGGER stars_gallery_sync ON stars;
                CREATE TRIGGER stars_gallery_sync AFTER INSERT OR UPDATE OF owner_id, name, domain, tone, tags, avatar_key, is_public, status, created_at,
                    search_text, public_version_id, persona_version_id
                    ON stars FOR EACH ROW EXECUTE FUNCTION star_gallery_sync();

                CREATE OR REPLACE FUNCTION star_gallery_page(p_words text[], p_domain text, p_tag text, p_sort text, p_offset integer, p_limit integer)
                    RETURNS TABLE (star_id uuid, name text, domain text, tone text, tags text[], has_avatar boolean, magnitude_level magnitude_level,
                                   like_count integer, play_count bigint, heat double precision, star_created_at timestamptz)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    SET max_parallel_workers_per_gather = 0
                AS $f$
                DECLARE
                    v_order text;
                    v_query tsquery;
                    v_term tsquery;
                    v_word text;
                BEGIN
                    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100 OR p_offset IS NULL OR p_offset < 0 OR p_offset > 10000 THEN
                        RETURN;
                    END IF;
                    v_order := CASE p_sort
                        WHEN 'trending' THEN 'g.heat DESC, g.star_id DESC'
                        WHEN 'new' THEN 'g.star_created_at DESC, g.star_id DESC'
                        WHEN 'liked' THEN 'g.like_count DESC, g.star_id DESC'
                    END;
                    IF v_order IS NULL THEN
                        RAISE EXCEPTION 'unknown gallery sort %', p_sort USING ERRCODE = '22023';
                    END IF;
                    FOREACH v_word IN ARRAY coalesce(p_words, '{}') LOOP
                        -- A Latin word also matches as a prefix; quote_literal keeps it one operand whatever it holds.
                        IF v_word ~ '^[a-z0-9]+$' THEN
                            v_term := to_tsquery('simple', quote_literal(v_word) || ':*');
                        ELSE
                            v_term := plainto_tsquery('simple', v_word);
                        END IF;
                        CONTINUE WHEN numnode(v_term) = 0;
                        v_query := CASE WHEN v_query IS NULL THEN v_term ELSE v_query && v_term END;
                    END LOOP;
                    IF cardinality(coalesce(p_words, '{}')) > 0 AND v_query IS NULL THEN
                        RETURN; -- words given, none searchable
                    END IF;
                    RETURN QUERY EXECUTE format($q$
                        SELECT g.star_id, g.name::text, g.domain::text, g.tone::text, g.tags, g.has_avatar, g.magnitude_level,
                               g.like_count, g.play_count, g.heat, g.star_created_at
                        FROM star_gallery_stats g
                        WHERE g.listed
                          AND ($1::tsquery IS NULL OR g.search_vector @@ $1::tsquery)
                          AND ($2::text IS NULL OR g.domain = $2::text)
                          AND ($3::text IS NULL OR g.tags @> ARRAY[$3::text])
                        ORDER BY %s
                        OFFSET $4 LIMIT $5
                        $q$, v_order)
                    USING v_query, p_domain, p_tag, p_offset, p_limit;
                END
                $f$;

                CREATE OR REPLACE FUNCTION star_gallery_facets(p_limit integer)
                    RETURNS TABLE (kind text, value text, stars bigint)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    (SELECT 'domain'::text, g.domain::text, count(*) FROM star_gallery_stats g WHERE g.listed AND g.domain <> ''
                     GROUP BY g.domain ORDER BY count(*) DESC, g.domain LIMIT p_limit)
                    UNION ALL
                    (SELECT 'tag'::text, t.tag, count(*) FROM star_gallery_stats g CROSS JOIN LATERAL unnest(g.tags) AS t(tag) WHERE g.listed
                     GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT p_limit)
                $f$;

                DROP TRIGGER stars_admin_content_rating_guard ON stars;
                DROP FUNCTION stars_admin_content_rating_guard();
                DROP FUNCTION app_content_max_rank();
                DROP FUNCTION star_content_rank(text, text, text[]);
                """);

            migrationBuilder.DropCheckConstraint(
                name: "ck_user_preferences_content_filter_level",
                table: "user_preferences");

            migrationBuilder.DropCheckConstraint(
                name: "ck_stars_admin_content_rating",
                table: "stars");

            migrationBuilder.DropCheckConstraint(
                name: "ck_stars_content_rating",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "content_filter_level",
                table: "user_preferences");

            migrationBuilder.DropColumn(
                name: "admin_content_rating",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "content_rating",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "content_rank",
                table: "star_gallery_stats");
        }
    }
}
