using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Players' reports of stars, answers and reviews (issue 16, docs/admin-inbox.md): <c>content_reports</c>, its
    /// policies, and the rate limit trigger.
    /// </summary>
    public partial class ContentReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "content_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    reporter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: true),
                    skill_id = table.Column<Guid>(type: "uuid", nullable: true),
                    extension_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    excerpt = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false, defaultValue: ""),
                    category = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false, defaultValue: ""),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "open"),
                    resolution_note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    target_hidden = table.Column<bool>(type: "boolean", nullable: false),
                    resolved_by = table.Column<Guid>(type: "uuid", nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_content_reports", x => x.id);
                    table.CheckConstraint("ck_content_reports_anchor", "(target_kind = 'star' AND star_id IS NOT NULL) OR (target_kind = 'answer' AND star_id IS NOT NULL AND conversation_id IS NOT NULL) OR (target_kind = 'review' AND (skill_id IS NOT NULL OR extension_id IS NOT NULL))");
                    table.CheckConstraint("ck_content_reports_category", "category IN ('spam', 'sexual', 'violence', 'hate', 'illegal', 'copyright', 'other')");
                    table.CheckConstraint("ck_content_reports_decision", "(status = 'open' AND resolved_at IS NULL AND resolved_by IS NULL AND resolution_note IS NULL AND NOT target_hidden) OR (status <> 'open' AND resolved_at IS NOT NULL AND resolved_by IS NOT NULL)");
                    table.CheckConstraint("ck_content_reports_status", "status IN ('open', 'resolved', 'dismissed')");
                    table.CheckConstraint("ck_content_reports_target_kind", "target_kind IN ('star', 'answer', 'review')");
                    table.ForeignKey(
                        name: "fk_content_reports_extensions_extension_id",
                        column: x => x.extension_id,
                        principalTable: "extensions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_content_reports_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_content_reports_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_content_reports_users_reporter_id",
                        column: x => x.reporter_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_content_reports_extension_id",
                table: "content_reports",
                column: "extension_id");

            migrationBuilder.CreateIndex(
                name: "ix_content_reports_reporter_id_created_at",
                table: "content_reports",
                columns: new[] { "reporter_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_content_reports_skill_id",
                table: "content_reports",
                column: "skill_id");

            migrationBuilder.CreateIndex(
                name: "ix_content_reports_star_id",
                table: "content_reports",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_content_reports_status_created_at",
                table: "content_reports",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_content_reports_one_open",
                table: "content_reports",
                columns: new[] { "reporter_id", "target_kind", "target_id" },
                unique: true,
                filter: "status = 'open'");
            migrationBuilder.Sql("""
                -- content_reports (docs/admin-inbox.md): a reporter reads their own reports, admins read and decide all;
                -- nobody deletes one. A reporter can only report what they can see: a star through the stars policies, an
                -- answer through a conversation they take part in, a review through its skill or extension.
                ALTER TABLE content_reports ENABLE ROW LEVEL SECURITY;
                ALTER TABLE content_reports FORCE ROW LEVEL SECURITY;
                CREATE POLICY content_reports_read ON content_reports FOR SELECT
                    USING (reporter_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY content_reports_report ON content_reports FOR INSERT
                    WITH CHECK (reporter_id = (SELECT app_user_id()) AND status = 'open'
                                AND (star_id IS NULL OR star_id IN (SELECT id FROM stars)
                                     OR (target_kind = 'answer' AND conversation_id IN (SELECT c.id FROM conversations c WHERE c.star_id = content_reports.star_id)))
                                AND (skill_id IS NULL OR skill_id IN (SELECT id FROM skills))
                                AND (extension_id IS NULL OR extension_id IN (SELECT id FROM extensions)));
                CREATE POLICY content_reports_decide ON content_reports FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- A flood from one user is refused here, not only in the app: at most 10 reports an hour per reporter. The
                -- reporter's inserts take turns on a transaction-scoped advisory lock, so concurrent requests each count
                -- the ones committed before them and none slips past. The time is the database's (a client cannot
                -- backdate a report out of the window). The count runs as the caller: the insert policy only lets a user
                -- report as themselves, and their own rows are exactly what they see.
                CREATE FUNCTION content_reports_rate_limit() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp AS $f$
                    DECLARE recent integer;
                    BEGIN
                        PERFORM pg_advisory_xact_lock(hashtext('content_reports'), hashtext(NEW.reporter_id::text));
                        NEW.created_at := now();
                        SELECT count(*) INTO recent FROM content_reports
                            WHERE reporter_id = NEW.reporter_id AND created_at > now() - interval '1 hour';
                        IF recent >= 10 THEN
                            RAISE EXCEPTION 'too many reports: at most 10 an hour'
                                USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_content_reports_rate_limit';
                        END IF;
                        RETURN NEW;
                    END $f$;
                CREATE TRIGGER content_reports_rate_limit BEFORE INSERT ON content_reports
                    FOR EACH ROW EXECUTE FUNCTION content_reports_rate_limit();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "content_reports");
            migrationBuilder.Sql("DROP FUNCTION content_reports_rate_limit();");
        }
    }
}
