using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using StarStudio.Core.Growth;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The gallery (issue 15, docs/explore.md): likes, plays, daily play stats, the read model the gallery pages and
    /// searches (<c>star_gallery_stats</c>, kept by triggers), "recently chatted", <c>search_text</c> on stars and persona
    /// versions (jieba words, written by StarSearchTextInterceptor) and <c>user_preferences.hide_likes</c>; row-level
    /// security on every new table, race-free counters, and the definer functions that are the tables' only writers.
    /// </summary>
    public partial class Explore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "hide_likes",
                table: "user_preferences",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "stars",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "star_persona_versions",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "star_gallery_stats",
                columns: table => new
                {
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    domain = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    tone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    has_avatar = table.Column<bool>(type: "boolean", nullable: false),
                    listed = table.Column<bool>(type: "boolean", nullable: false),
                    star_created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    magnitude_level = table.Column<MagnitudeLevel>(type: "magnitude_level", nullable: true),
                    like_count = table.Column<int>(type: "integer", nullable: false),
                    play_count = table.Column<long>(type: "bigint", nullable: false),
                    plays7d = table.Column<int>(type: "integer", nullable: false),
                    heat = table.Column<double>(type: "double precision", nullable: false),
                    heat_computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: false, defaultValue: ""),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "to_tsvector('simple'::regconfig, search_text)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_gallery_stats", x => x.star_id);
                    table.CheckConstraint("ck_star_gallery_stats_likes", "like_count >= 0");
                    table.CheckConstraint("ck_star_gallery_stats_plays", "play_count >= 0");
                    table.ForeignKey(
                        name: "fk_star_gallery_stats_asp_net_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_gallery_stats_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_likes",
                columns: table => new
                {
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_likes", x => new { x.star_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_star_likes_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_likes_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_play_daily_stats",
                columns: table => new
                {
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    play_day = table.Column<DateOnly>(type: "date", nullable: false),
                    play_count = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_play_daily_stats", x => new { x.star_id, x.play_day });
                    table.CheckConstraint("ck_star_play_daily_stats_count", "play_count >= 0");
                    table.ForeignKey(
                        name: "fk_star_play_daily_stats_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_plays",
                columns: table => new
                {
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    play_day = table.Column<DateOnly>(type: "date", nullable: false),
                    first_played_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_plays", x => new { x.star_id, x.user_id, x.play_day });
                    table.ForeignKey(
                        name: "fk_star_plays_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_plays_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_browse_history",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_chatted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_chatted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_browse_history", x => new { x.user_id, x.star_id });
                    table.ForeignKey(
                        name: "fk_user_browse_history_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_browse_history_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_domain",
                table: "star_gallery_stats",
                columns: new[] { "domain", "heat", "star_id" },
                descending: new[] { false, true, true },
                filter: "listed");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_liked",
                table: "star_gallery_stats",
                columns: new[] { "like_count", "star_id" },
                descending: new bool[0],
                filter: "listed");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_new",
                table: "star_gallery_stats",
                columns: new[] { "star_created_at", "star_id" },
                descending: new bool[0],
                filter: "listed");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_owner_id",
                table: "star_gallery_stats",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_search",
                table: "star_gallery_stats",
                column: "search_vector",
                filter: "listed")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_tags",
                table: "star_gallery_stats",
                column: "tags",
                filter: "listed")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_star_gallery_stats_trending",
                table: "star_gallery_stats",
                columns: new[] { "heat", "star_id" },
                descending: new bool[0],
                filter: "listed");

            migrationBuilder.CreateIndex(
                name: "ix_star_likes_created_at",
                table: "star_likes",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_star_likes_user_id_created_at",
                table: "star_likes",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_star_play_daily_stats_play_day_star_id",
                table: "star_play_daily_stats",
                columns: new[] { "play_day", "star_id" })
                .Annotation("Npgsql:IndexInclude", new[] { "play_count" });

            migrationBuilder.CreateIndex(
                name: "ix_star_plays_play_day_star_id",
                table: "star_plays",
                columns: new[] { "play_day", "star_id" });

            migrationBuilder.CreateIndex(
                name: "ix_star_plays_user_id_play_day",
                table: "star_plays",
                columns: new[] { "user_id", "play_day" });

            migrationBuilder.CreateIndex(
                name: "ix_user_browse_history_star_id",
                table: "user_browse_history",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_browse_history_user_id_last_chatted_at",
                table: "user_browse_history",
                columns: new[] { "user_id", "last_chatted_at" },
                descending: new[] { false, true });

            migrationBuilder.Sql("""
                -- Row-level security. Players read their own likes, plays and history; the read model is everyone's while the star is
                -- listed (public and active) and its owner's always; daily stats go with the star (stars' own policies decide). Nobody
                -- writes these tables directly: the definer functions and triggers below do, as the owner, through the TO-owner
                -- policies (the tables stay forced, so a connection as the owner obeys the policies too).
                ALTER TABLE star_likes ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_likes FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_likes_own_read ON star_likes FOR SELECT USING (user_id = (SELECT app_user_id()));

                ALTER TABLE star_plays ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_plays FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_plays_own_read ON star_plays FOR SELECT USING (user_id = (SELECT app_user_id()));

                ALTER TABLE user_browse_history ENABLE ROW LEVEL SECURITY;
                ALTER TABLE user_browse_history FORCE ROW LEVEL SECURITY;
                CREATE POLICY user_browse_history_own_read ON user_browse_history FOR SELECT USING (user_id = (SELECT app_user_id()));
                -- A player may clear their own history (written only by star_play_record).
                CREATE POLICY user_browse_history_own_delete ON user_browse_history FOR DELETE USING (user_id = (SELECT app_user_id()));

                ALTER TABLE star_play_daily_stats ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_play_daily_stats FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_play_daily_stats_read ON star_play_daily_stats FOR SELECT USING (star_id IN (SELECT id FROM stars));

                ALTER TABLE star_gallery_stats ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_gallery_stats FORCE ROW LEVEL SECURITY;
                -- No subquery on stars: with 100,000 listed stars a hashed "star_id IN (SELECT id FROM stars)" would be built for every
                -- page. The trigger keeps listed and owner_id equal to the star's.
                CREATE POLICY star_gallery_stats_read ON star_gallery_stats FOR SELECT
                    USING (listed OR owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));

                DO $do$
                BEGIN
                    EXECUTE format('CREATE POLICY star_likes_definer ON star_likes TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY star_plays_definer ON star_plays TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY user_browse_history_definer ON user_browse_history TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY star_play_daily_stats_definer ON star_play_daily_stats TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY star_gallery_stats_definer ON star_gallery_stats TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY user_preferences_explore_read ON user_preferences FOR SELECT TO %I USING (true)', current_user);
                END
                $do$;

                -- Brings a star's read-model row up to date with what players see of the star: the approved public version's name,
                -- 星域, tone, tags and search text (docs/persona-versions.md: players chat with that snapshot), or the working copy's for
                -- a star that has no version. A star without a row gets one only when listed or when p_create (a play or like needs it);
                -- an existing row is kept current, so unlisting hides the star at once. Writes only when something changed.
                CREATE FUNCTION star_gallery_refresh(p_star uuid, p_create boolean) RETURNS void
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

                CREATE FUNCTION star_gallery_sync() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    PERFORM star_gallery_refresh(NEW.id, false);
                    RETURN NULL;
                END
                $f$;
                CREATE TRIGGER stars_gallery_sync AFTER INSERT OR UPDATE OF owner_id, name, domain, tone, tags, avatar_key, is_public, status, created_at,
                    search_text, public_version_id, persona_version_id
                    ON stars FOR EACH ROW EXECUTE FUNCTION star_gallery_sync();

                -- Counters, race-free: each inserted or deleted row moves its star's counter by one inside the same transaction, under
                -- the read-model row's lock, so the counter always equals the rows (also when a user's deletion cascades).
                CREATE FUNCTION star_likes_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        IF NOT EXISTS (SELECT 1 FROM star_gallery_stats g WHERE g.star_id = NEW.star_id) THEN
                            PERFORM star_gallery_refresh(NEW.star_id, true);
                        END IF;
                        UPDATE star_gallery_stats SET like_count = like_count + 1 WHERE star_id = NEW.star_id;
                    ELSE
                        UPDATE star_gallery_stats SET like_count = like_count - 1 WHERE star_id = OLD.star_id;
                    END IF;
                    RETURN NULL;
                END
                $f$;
                CREATE TRIGGER star_likes_count AFTER INSERT OR DELETE ON star_likes FOR EACH ROW EXECUTE FUNCTION star_likes_count();
                -- A like never moves to another star or user: toggling is insert and delete.
                CREATE FUNCTION star_explore_keep_keys() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    RAISE EXCEPTION '% rows are inserted and deleted, never updated', TG_TABLE_NAME USING ERRCODE = '42501';
                END
                $f$;
                CREATE TRIGGER star_likes_keep_keys BEFORE UPDATE ON star_likes FOR EACH ROW EXECUTE FUNCTION star_explore_keep_keys();
                CREATE TRIGGER star_plays_keep_keys BEFORE UPDATE ON star_plays FOR EACH ROW EXECUTE FUNCTION star_explore_keep_keys();

                CREATE FUNCTION star_plays_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        IF NOT EXISTS (SELECT 1 FROM star_gallery_stats g WHERE g.star_id = NEW.star_id) THEN
                            PERFORM star_gallery_refresh(NEW.star_id, true);
                        END IF;
                        UPDATE star_gallery_stats SET play_count = play_count + 1 WHERE star_id = NEW.star_id;
                    ELSE
                        UPDATE star_gallery_stats SET play_count = play_count - 1 WHERE star_id = OLD.star_id;
                    END IF;
                    RETURN NULL;
                END
                $f$;
                CREATE TRIGGER star_plays_count AFTER INSERT OR DELETE ON star_plays FOR EACH ROW EXECUTE FUNCTION star_plays_count();

                -- The card's magnitude level follows the newest evaluation.
                CREATE FUNCTION star_gallery_magnitude() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    UPDATE star_gallery_stats g SET magnitude_level = NEW.level
                    WHERE g.star_id = NEW.star_id AND g.magnitude_level IS DISTINCT FROM NEW.level
                      AND NOT EXISTS (SELECT 1 FROM magnitude_history h WHERE h.star_id = NEW.star_id AND h.evaluated_at > NEW.evaluated_at);
                    RETURN NULL;
                END
                $f$;
                CREATE TRIGGER magnitude_history_gallery AFTER INSERT ON magnitude_history FOR EACH ROW EXECUTE FUNCTION star_gallery_magnitude();

                -- Likes or unlikes a star as the current user. p_like: true like, false unlike, null toggle. Liking needs a listed
                -- star (public and active); unliking always works, so a like on a star made private since can be taken back. Two
                -- concurrent likes by one user leave one row (the primary key; ON CONFLICT). Outcomes: ok, signed_out, not_found,
                -- not_public.
                CREATE FUNCTION star_like_set(p_star uuid, p_like boolean)
                    RETURNS TABLE (outcome text, liked boolean, like_count integer)
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_user uuid := app_user_id();
                    v_listed boolean;
                    v_like boolean := p_like;
                BEGIN
                    IF v_user IS NULL THEN
                        RETURN QUERY SELECT 'signed_out'::text, false, 0;
                        RETURN;
                    END IF;
                    SELECT s.is_public AND s.status = 'active' INTO v_listed FROM stars s WHERE s.id = p_star;
                    IF NOT FOUND THEN
                        RETURN QUERY SELECT 'not_found'::text, false, 0;
                        RETURN;
                    END IF;
                    IF v_like IS NULL THEN
                        v_like := NOT EXISTS (SELECT 1 FROM star_likes l WHERE l.star_id = p_star AND l.user_id = v_user);
                    END IF;
                    IF v_like THEN
                        IF NOT v_listed THEN
                            RETURN QUERY SELECT 'not_public'::text, EXISTS (SELECT 1 FROM star_likes l WHERE l.star_id = p_star AND l.user_id = v_user), 0;
                            RETURN;
                        END IF;
                        INSERT INTO star_likes (star_id, user_id, created_at) VALUES (p_star, v_user, now()) ON CONFLICT DO NOTHING;
                    ELSE
                        DELETE FROM star_likes l WHERE l.star_id = p_star AND l.user_id = v_user;
                    END IF;
                    RETURN QUERY SELECT 'ok'::text, v_like, coalesce((SELECT g.like_count FROM star_gallery_stats g WHERE g.star_id = p_star), 0);
                END
                $f$;

                -- Records that the current user got an answer from a star at p_at: a play once per Beijing day (true when this was the
                -- day's first), and the "recently chatted" entry. The star must be one the user may chat with (listed, or their own).
                CREATE FUNCTION star_play_record(p_star uuid, p_at timestamptz) RETURNS boolean
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_user uuid := app_user_id();
                    v_new boolean;
                BEGIN
                    IF v_user IS NULL OR p_at IS NULL OR NOT EXISTS (
                        SELECT 1 FROM stars s WHERE s.id = p_star AND ((s.is_public AND s.status = 'active') OR s.owner_id = v_user)) THEN
                        RETURN false;
                    END IF;
                    INSERT INTO star_plays (star_id, user_id, play_day, first_played_at)
                    VALUES (p_star, v_user, (p_at AT TIME ZONE 'Asia/Shanghai')::date, p_at)
                    ON CONFLICT DO NOTHING;
                    v_new := FOUND;
                    INSERT INTO user_browse_history AS h (user_id, star_id, first_chatted_at, last_chatted_at)
                    VALUES (v_user, p_star, p_at, p_at)
                    ON CONFLICT (user_id, star_id) DO UPDATE SET last_chatted_at = greatest(h.last_chatted_at, EXCLUDED.last_chatted_at);
                    RETURN v_new;
                END
                $f$;

                -- The gallery job (as no user): rolls star_plays of days p_from..p_today up into star_play_daily_stats, then sets every
                -- star's 7-day heat as of p_today: sum over the days d = 0..6 before p_today of 0.5^(d / p_half_life) * (plays_d +
                -- p_like_weight * likes_d), likes_d counted by the Beijing day the like was made (Core's HeatFormula is the same
                -- formula; docs/explore.md). Returns the read-model rows whose heat changed.
                CREATE FUNCTION star_gallery_recompute(p_from date, p_today date, p_like_weight double precision, p_half_life double precision)
                    RETURNS integer
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_changed integer;
                BEGIN
                    IF app_user_id() IS NOT NULL THEN
                        RAISE EXCEPTION 'star_gallery_recompute is for the gallery job' USING ERRCODE = '42501';
                    END IF;
                    INSERT INTO star_play_daily_stats AS d (star_id, play_day, play_count, updated_at)
                    SELECT p.star_id, p.play_day, count(*), now() FROM star_plays p
                    WHERE p.play_day BETWEEN p_from AND p_today GROUP BY p.star_id, p.play_day
                    ON CONFLICT (star_id, play_day) DO UPDATE SET play_count = EXCLUDED.play_count, updated_at = EXCLUDED.updated_at
                    WHERE d.play_count <> EXCLUDED.play_count;
                    -- Days whose plays are all gone (their users deleted).
                    DELETE FROM star_play_daily_stats d WHERE d.play_day BETWEEN p_from AND p_today
                        AND NOT EXISTS (SELECT 1 FROM star_plays p WHERE p.star_id = d.star_id AND p.play_day = d.play_day);

                    WITH plays AS (
                        SELECT d.star_id, sum(d.play_count * power(0.5, (p_today - d.play_day) / p_half_life)) AS heat, sum(d.play_count)::integer AS n
                        FROM star_play_daily_stats d WHERE d.play_day BETWEEN p_today - 6 AND p_today GROUP BY d.star_id
                    ), likes AS (
                        SELECT l.star_id, sum(power(0.5, (p_today - (l.created_at AT TIME ZONE 'Asia/Shanghai')::date) / p_half_life)) AS heat
                        FROM star_likes l
                        WHERE l.created_at >= ((p_today - 6)::timestamp AT TIME ZONE 'Asia/Shanghai')
                          AND l.created_at < ((p_today + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                        GROUP BY l.star_id
                    ), heat AS (
                        SELECT coalesce(p.star_id, l.star_id) AS star_id, coalesce(p.heat, 0) + p_like_weight * coalesce(l.heat, 0) AS heat, coalesce(p.n, 0) AS n
                        FROM plays p FULL JOIN likes l ON l.star_id = p.star_id
                    ), target AS (
                        SELECT g.star_id, round(coalesce(h.heat, 0)::numeric, 4)::float8 AS heat, coalesce(h.n, 0) AS n
                        FROM star_gallery_stats g LEFT JOIN heat h ON h.star_id = g.star_id
                        WHERE h.star_id IS NOT NULL OR g.heat <> 0 OR g.plays7d <> 0
                    )
                    UPDATE star_gallery_stats g SET heat = t.heat, plays7d = t.n, heat_computed_at = now()
                    FROM target t
                    WHERE g.star_id = t.star_id AND (g.heat <> t.heat OR g.plays7d <> t.n);
                    GET DIAGNOSTICS v_changed = ROW_COUNT;
                    RETURN v_changed;
                END
                $f$;

                -- Stars and persona versions whose search text was never computed (made before the gallery, or by SQL): the gallery job
                -- segments them in .NET and writes them back with star_search_text_set.
                CREATE FUNCTION star_search_text_missing(p_limit integer)
                    RETURNS TABLE (is_version boolean, id uuid, name text, domain text, tone text, tags text[], greeting text)
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                BEGIN
                    IF app_user_id() IS NOT NULL THEN
                        RAISE EXCEPTION 'star_search_text_missing is for the gallery job' USING ERRCODE = '42501';
                    END IF;
                    RETURN QUERY
                        (SELECT false, s.id, s.name::text, s.domain::text, s.tone::text, s.tags, s.greeting FROM stars s
                         WHERE s.search_text IS NULL ORDER BY s.id LIMIT p_limit)
                        UNION ALL
                        (SELECT true, v.id, v.name::text, v.domain::text, v.tone::text, v.tags, v.greeting FROM star_persona_versions v
                         WHERE v.search_text IS NULL ORDER BY v.id LIMIT p_limit);
                END
                $f$;
                CREATE FUNCTION star_search_text_set(p_is_version boolean[], p_ids uuid[], p_texts text[]) RETURNS integer
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_n integer;
                    v_m integer;
                    v_star uuid;
                BEGIN
                    IF app_user_id() IS NOT NULL THEN
                        RAISE EXCEPTION 'star_search_text_set is for the gallery job' USING ERRCODE = '42501';
                    END IF;
                    UPDATE stars s SET search_text = x.t FROM unnest(p_is_version, p_ids, p_texts) AS x(v, id, t)
                    WHERE NOT x.v AND s.id = x.id AND s.search_text IS NULL;
                    GET DIAGNOSTICS v_n = ROW_COUNT;
                    UPDATE star_persona_versions pv SET search_text = x.t FROM unnest(p_is_version, p_ids, p_texts) AS x(v, id, t)
                    WHERE x.v AND pv.id = x.id AND pv.search_text IS NULL;
                    GET DIAGNOSTICS v_m = ROW_COUNT;
                    -- A version's text reaches the read model only through its star.
                    FOR v_star IN SELECT DISTINCT pv.star_id FROM star_persona_versions pv JOIN unnest(p_is_version, p_ids) AS x(v, id) ON x.v AND pv.id = x.id LOOP
                        PERFORM star_gallery_refresh(v_star, false);
                    END LOOP;
                    RETURN v_n + v_m;
                END
                $f$;

                -- The newest likers of a listed star, by display name, leaving out users who hide their likes (their like still counts).
                CREATE FUNCTION star_recent_likers(p_star uuid, p_limit integer)
                    RETURNS TABLE (display_name text, liked_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    SELECT u.display_name::text, l.created_at FROM star_likes l
                    JOIN users u ON u.id = l.user_id
                    WHERE l.star_id = p_star
                      AND EXISTS (SELECT 1 FROM stars s WHERE s.id = p_star AND s.is_public AND s.status = 'active')
                      AND NOT EXISTS (SELECT 1 FROM user_preferences p WHERE p.user_id = l.user_id AND p.hide_likes)
                    ORDER BY l.created_at DESC, l.user_id
                    LIMIT least(greatest(p_limit, 0), 50)
                $f$;

                -- One page of the gallery: listed stars only, whoever asks. p_words (GallerySearchWords, letters and digits only) are
                -- ANDed, each a word of the star's segmented search text (a Latin word also as a prefix); no words = browse. Filters:
                -- 星域 (exact) and tag (exact); null = off. Order: the sort's partial index (trending, new, liked), the id breaks ties; a
                -- search is a filter and keeps the sort (no relevance rank: docs/explore.md). Definer, because @@ is not leakproof: under
                -- row-level security the app role's query could not use the GIN index.
                CREATE FUNCTION star_gallery_page(p_words text[], p_domain text, p_tag text, p_sort text, p_offset integer, p_limit integer)
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

                -- The 星域 and tags of listed stars with how many stars carry each, for the gallery's filters.
                CREATE FUNCTION star_gallery_facets(p_limit integer)
                    RETURNS TABLE (kind text, value text, stars bigint)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    (SELECT 'domain'::text, g.domain::text, count(*) FROM star_gallery_stats g WHERE g.listed AND g.domain <> ''
                     GROUP BY g.domain ORDER BY count(*) DESC, g.domain LIMIT p_limit)
                    UNION ALL
                    (SELECT 'tag'::text, t.tag, count(*) FROM star_gallery_stats g CROSS JOIN LATERAL unnest(g.tags) AS t(tag) WHERE g.listed
                     GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT p_limit)
                $f$;

                REVOKE ALL ON FUNCTION star_gallery_refresh(uuid, boolean) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_gallery_sync() FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_likes_count() FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_plays_count() FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_explore_keep_keys() FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_gallery_magnitude() FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_like_set(uuid, boolean) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_play_record(uuid, timestamptz) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_gallery_recompute(date, date, double precision, double precision) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_search_text_missing(integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_search_text_set(boolean[], uuid[], text[]) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_recent_likers(uuid, integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_gallery_page(text[], text, text, text, integer, integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION star_gallery_facets(integer) FROM PUBLIC;

                -- The stars listed today, in the read model now (their search text follows from the gallery job's first run).
                SELECT star_gallery_refresh(s.id, false) FROM stars s WHERE s.is_public AND s.status = 'active';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION star_gallery_facets(integer);
                DROP FUNCTION star_gallery_page(text[], text, text, text, integer, integer);
                DROP FUNCTION star_recent_likers(uuid, integer);
                DROP FUNCTION star_search_text_set(boolean[], uuid[], text[]);
                DROP FUNCTION star_search_text_missing(integer);
                DROP FUNCTION star_gallery_recompute(date, date, double precision, double precision);
                DROP FUNCTION star_play_record(uuid, timestamptz);
                DROP FUNCTION star_like_set(uuid, boolean);
                DROP TRIGGER magnitude_history_gallery ON magnitude_history;
                DROP FUNCTION star_gallery_magnitude();
                DROP TRIGGER star_plays_count ON star_plays;
                DROP FUNCTION star_plays_count();
                DROP TRIGGER star_likes_keep_keys ON star_likes;
                DROP TRIGGER star_plays_keep_keys ON star_plays;
                DROP FUNCTION star_explore_keep_keys();
                DROP TRIGGER star_likes_count ON star_likes;
                DROP FUNCTION star_likes_count();
                DROP TRIGGER stars_gallery_sync ON stars;
                DROP FUNCTION star_gallery_sync();
                DROP FUNCTION star_gallery_refresh(uuid, boolean);
                DROP POLICY user_preferences_explore_read ON user_preferences;
                """);

            migrationBuilder.DropTable(
                name: "star_gallery_stats");

            migrationBuilder.DropTable(
                name: "star_likes");

            migrationBuilder.DropTable(
                name: "star_play_daily_stats");

            migrationBuilder.DropTable(
                name: "star_plays");

            migrationBuilder.DropTable(
                name: "user_browse_history");

            migrationBuilder.DropColumn(
                name: "hide_likes",
                table: "user_preferences");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "star_persona_versions");
        }
    }
}
