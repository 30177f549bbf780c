using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Recommendations (docs/recommendations.md): <c>recommendation_logs</c> (seed 004; a user's own rows, only the reaction
    /// changes, admins read all; a trigger on <c>star_likes</c> marks the recommendation a like follows) and
    /// <c>star_similarities</c> (aggregates readable where both stars are), written by the hourly job through
    /// <c>recommendation_signals</c> and <c>star_similarities_replace</c>, SECURITY DEFINER functions for callers without
    /// a signed-in user or admins only.
    /// </summary>
    public partial class Recommendations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recommendation_logs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    item_id = table.Column<Guid>(type: "uuid", nullable: false),
                    algorithm_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    confidence_score = table.Column<double>(type: "double precision", nullable: false),
                    reason_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason_args = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    user_action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    feedback_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    clicked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    liked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dismissed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recommendation_logs", x => x.id);
                    table.CheckConstraint("ck_recommendation_logs_action", "user_action IS NULL OR user_action IN ('clicked', 'liked', 'dismissed')");
                    table.CheckConstraint("ck_recommendation_logs_algorithm", "algorithm_type IN ('item_to_item', 'popular_in_domain', 'popular', 'new')");
                    table.CheckConstraint("ck_recommendation_logs_confidence", "confidence_score BETWEEN 0 AND 1");
                    table.CheckConstraint("ck_recommendation_logs_item_type", "item_type IN ('star')");
                    table.ForeignKey(
                        name: "fk_recommendation_logs_stars_item_id",
                        column: x => x.item_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_recommendation_logs_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_similarities",
                columns: table => new
                {
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    similar_star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    support = table.Column<int>(type: "integer", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_similarities", x => new { x.star_id, x.similar_star_id });
                    table.CheckConstraint("ck_star_similarities_score", "score BETWEEN 0 AND 1 AND support > 0");
                    table.ForeignKey(
                        name: "fk_star_similarities_stars_similar_star_id",
                        column: x => x.similar_star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_similarities_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_recommendation_logs_created_at",
                table: "recommendation_logs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_recommendation_logs_dismissed",
                table: "recommendation_logs",
                columns: new[] { "user_id", "item_id" },
                filter: "dismissed_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_recommendation_logs_item_id",
                table: "recommendation_logs",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "ix_recommendation_logs_user_id_created_at",
                table: "recommendation_logs",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_star_similarities_similar_star_id",
                table: "star_similarities",
                column: "similar_star_id");

            migrationBuilder.Sql("""
                -- recommendation_logs: a user's own rows (insert naming a star they can see; reactions only, see the
                -- trigger), admins read all. The like trigger on star_likes runs as the owner: read/update policies of
                -- the owner's own.
                ALTER TABLE recommendation_logs ENABLE ROW LEVEL SECURITY;
                ALTER TABLE recommendation_logs FORCE ROW LEVEL SECURITY;
                CREATE POLICY recommendation_logs_own_read ON recommendation_logs FOR SELECT USING (user_id = (SELECT app_user_id()));
                CREATE POLICY recommendation_logs_own_insert ON recommendation_logs FOR INSERT
                    WITH CHECK (user_id = (SELECT app_user_id()) AND EXISTS (SELECT 1 FROM stars s WHERE s.id = recommendation_logs.item_id));
                CREATE POLICY recommendation_logs_own_react ON recommendation_logs FOR UPDATE
                    USING (user_id = (SELECT app_user_id())) WITH CHECK (user_id = (SELECT app_user_id()));
                CREATE POLICY recommendation_logs_admin_read ON recommendation_logs FOR SELECT USING ((SELECT app_is_admin()));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY recommendation_logs_like_read ON recommendation_logs FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY recommendation_logs_like_update ON recommendation_logs FOR UPDATE TO %I USING (true) WITH CHECK (true)', current_user);
                END $do$;

                -- What was shown, to whom and why is history: only the reaction columns change.
                CREATE FUNCTION recommendation_logs_reactions_only() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp AS $f$
                    BEGIN
                        IF NEW.id <> OLD.id OR NEW.user_id <> OLD.user_id OR NEW.item_type <> OLD.item_type OR NEW.item_id <> OLD.item_id
                           OR NEW.algorithm_type <> OLD.algorithm_type OR NEW.confidence_score <> OLD.confidence_score
                           OR NEW.reason_code <> OLD.reason_code OR NEW.reason_args <> OLD.reason_args OR NEW.created_at <> OLD.created_at THEN
                            RAISE EXCEPTION 'recommendation_logs: only the reaction of a shown recommendation changes' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END $f$;
                CREATE TRIGGER recommendation_logs_reactions_only BEFORE UPDATE ON recommendation_logs
                    FOR EACH ROW EXECUTE FUNCTION recommendation_logs_reactions_only();

                -- A like of a star counts for its latest recommendation to that user shown in the last 7 days and not dismissed.
                CREATE FUNCTION recommendation_logs_mark_liked() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                    BEGIN
                        UPDATE recommendation_logs l SET liked_at = now(), user_action = 'liked', feedback_time = now()
                        WHERE l.id = (SELECT r.id FROM recommendation_logs r
                                      WHERE r.user_id = NEW.user_id AND r.item_id = NEW.star_id AND r.liked_at IS NULL AND r.dismissed_at IS NULL
                                        AND r.created_at > now() - interval '7 days'
                                      ORDER BY r.created_at DESC LIMIT 1);
                        RETURN NULL;
                    END $f$;
                REVOKE ALL ON FUNCTION recommendation_logs_mark_liked() FROM PUBLIC;
                CREATE TRIGGER star_likes_mark_recommendation AFTER INSERT ON star_likes
                    FOR EACH ROW EXECUTE FUNCTION recommendation_logs_mark_liked();

                -- star_similarities: readable where both stars are (public ones for everyone, own ones for their owner);
                -- written only by star_similarities_replace, as the owner. The functions read star_likes and star_plays
                -- through the owner's policies of migration Explore (star_likes_definer, star_plays_definer).
                ALTER TABLE star_similarities ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_similarities FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_similarities_read ON star_similarities FOR SELECT
                    USING (EXISTS (SELECT 1 FROM stars s WHERE s.id = star_similarities.star_id) AND EXISTS (SELECT 1 FROM stars s WHERE s.id = star_similarities.similar_star_id));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY star_similarities_job ON star_similarities TO %I USING (true) WITH CHECK (true)', current_user);
                END $do$;

                -- Every like and (since p_since) play of a public active star, as (kind, user, star) pairs, each user's
                -- newest first; nothing else about anyone. Only for the similarity job (no app.user_id) or an admin.
                CREATE FUNCTION recommendation_signals(p_since date) RETURNS TABLE (kind text, user_id uuid, star_id uuid)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                    #variable_conflict use_column
                    BEGIN
                        IF app_user_id() IS NOT NULL AND NOT app_is_admin() THEN
                            RAISE EXCEPTION 'recommendation_signals: for the similarity job' USING ERRCODE = '42501';
                        END IF;
                        RETURN QUERY
                        (SELECT 'like'::text, l.user_id, l.star_id FROM star_likes l JOIN stars s ON s.id = l.star_id
                         WHERE s.is_public AND s.status = 'active' ORDER BY l.user_id, l.created_at DESC)
                        UNION ALL
                        (SELECT 'play'::text, p.user_id, p.star_id FROM star_plays p JOIN stars s ON s.id = p.star_id
                         WHERE s.is_public AND s.status = 'active' AND p.play_day >= p_since
                         GROUP BY p.user_id, p.star_id ORDER BY p.user_id, max(p.play_day) DESC);
                    END $f$;
                REVOKE ALL ON FUNCTION recommendation_signals(date) FROM PUBLIC;

                -- Replaces all similarity rows with p_rows ([{star_id, similar_star_id, score, support}]) in the caller's
                -- transaction; rows naming a star deleted meanwhile are skipped. Same callers as recommendation_signals.
                CREATE FUNCTION star_similarities_replace(p_rows jsonb, p_at timestamptz) RETURNS integer
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                    DECLARE n integer;
                    BEGIN
                        IF app_user_id() IS NOT NULL AND NOT app_is_admin() THEN
                            RAISE EXCEPTION 'star_similarities_replace: for the similarity job' USING ERRCODE = '42501';
                        END IF;
                        DELETE FROM star_similarities;
                        INSERT INTO star_similarities (star_id, similar_star_id, score, support, computed_at)
                        SELECT r.star_id, r.similar_star_id, r.score, r.support, p_at
                        FROM jsonb_to_recordset(p_rows) AS r(star_id uuid, similar_star_id uuid, score double precision, support integer)
                        WHERE EXISTS (SELECT 1 FROM stars s WHERE s.id = r.star_id) AND EXISTS (SELECT 1 FROM stars s WHERE s.id = r.similar_star_id);
                        GET DIAGNOSTICS n = ROW_COUNT;
                        RETURN n;
                    END $f$;
                REVOKE ALL ON FUNCTION star_similarities_replace(jsonb, timestamptz) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER star_likes_mark_recommendation ON star_likes;
                DROP FUNCTION recommendation_logs_mark_liked();
                DROP FUNCTION recommendation_signals(date);
                DROP FUNCTION star_similarities_replace(jsonb, timestamptz);
                DROP TRIGGER recommendation_logs_reactions_only ON recommendation_logs;
                DROP FUNCTION recommendation_logs_reactions_only();
                """);
            migrationBuilder.DropTable(
                name: "recommendation_logs");

            migrationBuilder.DropTable(
                name: "star_similarities");
        }
    }
}
