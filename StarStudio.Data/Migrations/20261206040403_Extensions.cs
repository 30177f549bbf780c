using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// The extensions registry (seed 004, docs/extensions.md): <c>extensions</c>, <c>extension_versions</c>,
    /// <c>extension_installations</c>, <c>extension_reviews</c>, <c>extension_review_votes</c>, with row-level security,
    /// guard triggers and counters kept by difference in SECURITY DEFINER triggers.
    /// </summary>
    public partial class ExtensionsRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "extension_installations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    extension_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    auto_update = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    installed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_extension_installations", x => x.id);
                    table.ForeignKey(
                        name: "fk_extension_installations_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "extension_review_votes",
                columns: table => new
                {
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_extension_review_votes", x => new { x.review_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_extension_review_votes_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "extension_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    extension_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rating = table.Column<short>(type: "smallint", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    helpful_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_extension_reviews", x => x.id);
                    table.CheckConstraint("ck_extension_reviews_body", "char_length(body) <= 2000");
                    table.CheckConstraint("ck_extension_reviews_helpful", "helpful_count >= 0");
                    table.CheckConstraint("ck_extension_reviews_rating", "rating BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_extension_reviews_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "extension_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    extension_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    author_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    permissions = table.Column<string[]>(type: "text[]", nullable: false),
                    sandbox_level = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    manifest = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "pending"),
                    reject_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    reviewed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_extension_versions", x => x.id);
                    table.CheckConstraint("ck_extension_versions_permissions", "permissions <@ ARRAY['ui', 'api', 'storage', 'network', 'system']::text[]");
                    table.CheckConstraint("ck_extension_versions_reject_reason", "status <> 'rejected' OR reject_reason IS NOT NULL");
                    table.CheckConstraint("ck_extension_versions_sandbox", "sandbox_level IN ('none', 'basic', 'strict')");
                    table.CheckConstraint("ck_extension_versions_status", "status IN ('pending', 'approved', 'rejected')");
                    table.ForeignKey(
                        name: "fk_extension_versions_asp_net_users_author_id",
                        column: x => x.author_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_extension_versions_asp_net_users_reviewed_by",
                        column: x => x.reviewed_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "extensions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    author_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "pending"),
                    latest_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    latest_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    suspended_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    install_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    rating_sum = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    rating_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_extensions", x => x.id);
                    table.CheckConstraint("ck_extensions_counts", "install_count >= 0 AND rating_count >= 0 AND rating_sum BETWEEN rating_count AND rating_count * 5");
                    table.CheckConstraint("ck_extensions_id", "id ~ '^[a-z0-9]+([.-][a-z0-9]+)*$' AND char_length(id) BETWEEN 3 AND 50");
                    table.CheckConstraint("ck_extensions_status", "status IN ('pending', 'approved', 'rejected', 'suspended')");
                    table.ForeignKey(
                        name: "fk_extensions_asp_net_users_author_id",
                        column: x => x.author_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_extensions_extension_versions_latest_version_id",
                        column: x => x.latest_version_id,
                        principalTable: "extension_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_extension_installations_extension_id_auto_update",
                table: "extension_installations",
                columns: new[] { "extension_id", "auto_update" });

            migrationBuilder.CreateIndex(
                name: "ix_extension_installations_user_id_extension_id",
                table: "extension_installations",
                columns: new[] { "user_id", "extension_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_extension_installations_version_id",
                table: "extension_installations",
                column: "version_id");

            migrationBuilder.CreateIndex(
                name: "ix_extension_review_votes_user_id",
                table: "extension_review_votes",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_extension_reviews_extension_id_helpful_count",
                table: "extension_reviews",
                columns: new[] { "extension_id", "helpful_count" });

            migrationBuilder.CreateIndex(
                name: "ix_extension_reviews_extension_id_user_id",
                table: "extension_reviews",
                columns: new[] { "extension_id", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_extension_reviews_user_id",
                table: "extension_reviews",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_extension_versions_author_id",
                table: "extension_versions",
                column: "author_id");

            migrationBuilder.CreateIndex(
                name: "ix_extension_versions_extension_id_version",
                table: "extension_versions",
                columns: new[] { "extension_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_extension_versions_reviewed_by",
                table: "extension_versions",
                column: "reviewed_by");

            migrationBuilder.CreateIndex(
                name: "ix_extension_versions_status_created_at",
                table: "extension_versions",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_extensions_author_id",
                table: "extensions",
                column: "author_id");

            migrationBuilder.CreateIndex(
                name: "ix_extensions_latest_version_id",
                table: "extensions",
                column: "latest_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_extensions_status_kind",
                table: "extensions",
                columns: new[] { "status", "kind" });

            migrationBuilder.AddForeignKey(
                name: "fk_extension_installations_extension_versions_version_id",
                table: "extension_installations",
                column: "version_id",
                principalTable: "extension_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_extension_installations_extensions_extension_id",
                table: "extension_installations",
                column: "extension_id",
                principalTable: "extensions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_extension_review_votes_extension_reviews_review_id",
                table: "extension_review_votes",
                column: "review_id",
                principalTable: "extension_reviews",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_extension_reviews_extensions_extension_id",
                table: "extension_reviews",
                column: "extension_id",
                principalTable: "extensions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_extension_versions_extensions_extension_id",
                table: "extension_versions",
                column: "extension_id",
                principalTable: "extensions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.Sql("""
                -- Extensions (docs/extensions.md). Everyone reads approved extensions; makers read theirs; admins all.
                -- A maker claims a new id (pending, no standing); only admins change an extension afterwards. The
                -- counters are kept by the SECURITY DEFINER triggers below, so the table is not forced.
                ALTER TABLE extensions ENABLE ROW LEVEL SECURITY;
                CREATE POLICY extensions_read ON extensions FOR SELECT
                    USING (status = 'approved' OR author_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY extensions_publish ON extensions FOR INSERT
                    WITH CHECK (author_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY extensions_admin_update ON extensions FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                CREATE POLICY extensions_admin_delete ON extensions FOR DELETE USING ((SELECT app_is_admin()));
                CREATE FUNCTION extensions_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF market_is_owner(TG_RELID) OR (SELECT app_is_admin()) THEN
                            RETURN NEW;
                        END IF;
                        IF NEW.status <> 'pending' OR NEW.latest_version_id IS NOT NULL OR NEW.latest_version IS NOT NULL
                           OR NEW.published_at IS NOT NULL OR NEW.suspended_reason IS NOT NULL
                           OR NEW.install_count <> 0 OR NEW.rating_sum <> 0 OR NEW.rating_count <> 0 THEN
                            RAISE EXCEPTION 'a new extension starts pending, with no standing' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER extensions_guard BEFORE INSERT ON extensions FOR EACH ROW EXECUTE FUNCTION extensions_guard();

                -- Versions: immutable manifests. Everyone reads approved ones; the maker reads theirs and submits new ones
                -- (pending, unreviewed) for their own extension; admins review each once.
                ALTER TABLE extension_versions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE extension_versions FORCE ROW LEVEL SECURITY;
                CREATE POLICY extension_versions_read ON extension_versions FOR SELECT
                    USING (status = 'approved' OR author_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY extension_versions_submit ON extension_versions FOR INSERT
                    WITH CHECK ((author_id = (SELECT app_user_id()) AND status = 'pending' AND reviewed_at IS NULL
                                 AND reviewed_by IS NULL AND reject_reason IS NULL
                                 AND extension_id IN (SELECT id FROM extensions WHERE author_id = (SELECT app_user_id())))
                                OR (SELECT app_is_admin()));
                CREATE POLICY extension_versions_review ON extension_versions FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                CREATE POLICY extension_versions_admin_delete ON extension_versions FOR DELETE USING ((SELECT app_is_admin()));
                CREATE FUNCTION extension_versions_immutable() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF (to_jsonb(NEW) - ARRAY['status', 'reject_reason', 'reviewed_at', 'reviewed_by'])
                           IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'reject_reason', 'reviewed_at', 'reviewed_by']) THEN
                            RAISE EXCEPTION 'an extension version is immutable; publish a new version' USING ERRCODE = '42501';
                        END IF;
                        IF OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status THEN
                            RAISE EXCEPTION 'extension version % was reviewed already', OLD.version USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER extension_versions_immutable BEFORE UPDATE ON extension_versions
                    FOR EACH ROW EXECUTE FUNCTION extension_versions_immutable();

                -- Installations: a user's own; installed at an approved version of an approved extension, and only ever
                -- moved to another approved version of the same extension. Admins move auto-updating ones on approval.
                ALTER TABLE extension_installations ENABLE ROW LEVEL SECURITY;
                ALTER TABLE extension_installations FORCE ROW LEVEL SECURITY;
                CREATE POLICY extension_installations_read ON extension_installations FOR SELECT
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY extension_installations_install ON extension_installations FOR INSERT
                    WITH CHECK (user_id = (SELECT app_user_id())
                                AND extension_id IN (SELECT id FROM extensions WHERE status = 'approved')
                                AND version_id IN (SELECT v.id FROM extension_versions v
                                                    WHERE v.extension_id = extension_installations.extension_id AND v.status = 'approved'));
                CREATE POLICY extension_installations_change ON extension_installations FOR UPDATE
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                    WITH CHECK ((user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                                AND version_id IN (SELECT v.id FROM extension_versions v
                                                    WHERE v.extension_id = extension_installations.extension_id AND v.status = 'approved'));
                CREATE POLICY extension_installations_uninstall ON extension_installations FOR DELETE
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE FUNCTION extension_installations_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            UPDATE extensions SET install_count = install_count + 1 WHERE id = NEW.extension_id;
                        ELSE
                            UPDATE extensions SET install_count = greatest(install_count - 1, 0) WHERE id = OLD.extension_id;
                        END IF;
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION extension_installations_count() FROM PUBLIC;
                CREATE TRIGGER extension_installations_count AFTER INSERT OR DELETE ON extension_installations
                    FOR EACH ROW EXECUTE FUNCTION extension_installations_count();

                -- Reviews: read with the extension; written by a user who has it installed (never its author), one per user.
                -- The rating sum and count move by the difference (race-free); helpful_count is the votes trigger's only.
                ALTER TABLE extension_reviews ENABLE ROW LEVEL SECURITY;
                CREATE POLICY extension_reviews_read ON extension_reviews FOR SELECT
                    USING (extension_id IN (SELECT id FROM extensions) OR (SELECT app_is_admin()));
                CREATE POLICY extension_reviews_own ON extension_reviews FOR ALL
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                    WITH CHECK ((user_id = (SELECT app_user_id())
                                 AND extension_id IN (SELECT i.extension_id FROM extension_installations i WHERE i.user_id = (SELECT app_user_id()))
                                 AND extension_id NOT IN (SELECT e.id FROM extensions e WHERE e.author_id = (SELECT app_user_id())))
                                OR (SELECT app_is_admin()));
                CREATE FUNCTION extension_reviews_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF market_is_owner(TG_RELID) THEN
                            RETURN NEW;
                        END IF;
                        IF TG_OP = 'INSERT' THEN
                            NEW.helpful_count := 0;
                        ELSIF NEW.helpful_count IS DISTINCT FROM OLD.helpful_count OR NEW.extension_id IS DISTINCT FROM OLD.extension_id
                              OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
                            RAISE EXCEPTION 'a review''s extension, author and helpful votes are not the reviewer''s to change' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER extension_reviews_guard BEFORE INSERT OR UPDATE ON extension_reviews
                    FOR EACH ROW EXECUTE FUNCTION extension_reviews_guard();
                CREATE FUNCTION extension_reviews_rating() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            UPDATE extensions SET rating_sum = rating_sum + NEW.rating, rating_count = rating_count + 1 WHERE id = NEW.extension_id;
                        ELSIF TG_OP = 'DELETE' THEN
                            UPDATE extensions SET rating_sum = rating_sum - OLD.rating, rating_count = rating_count - 1 WHERE id = OLD.extension_id;
                        ELSIF NEW.rating IS DISTINCT FROM OLD.rating THEN
                            UPDATE extensions SET rating_sum = rating_sum + NEW.rating - OLD.rating WHERE id = NEW.extension_id;
                        END IF;
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION extension_reviews_rating() FROM PUBLIC;
                CREATE TRIGGER extension_reviews_rating AFTER INSERT OR DELETE OR UPDATE OF rating ON extension_reviews
                    FOR EACH ROW EXECUTE FUNCTION extension_reviews_rating();

                -- Helpful votes: a user's own, on a review they can read and did not write; counted by difference.
                ALTER TABLE extension_review_votes ENABLE ROW LEVEL SECURITY;
                ALTER TABLE extension_review_votes FORCE ROW LEVEL SECURITY;
                CREATE POLICY extension_review_votes_read ON extension_review_votes FOR SELECT
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY extension_review_votes_cast ON extension_review_votes FOR INSERT
                    WITH CHECK (user_id = (SELECT app_user_id())
                                AND review_id IN (SELECT r.id FROM extension_reviews r WHERE r.user_id <> (SELECT app_user_id())));
                CREATE POLICY extension_review_votes_withdraw ON extension_review_votes FOR DELETE
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE FUNCTION extension_review_votes_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            UPDATE extension_reviews SET helpful_count = helpful_count + 1 WHERE id = NEW.review_id;
                        ELSE
                            UPDATE extension_reviews SET helpful_count = greatest(helpful_count - 1, 0) WHERE id = OLD.review_id;
                        END IF;
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION extension_review_votes_count() FROM PUBLIC;
                CREATE TRIGGER extension_review_votes_count AFTER INSERT OR DELETE ON extension_review_votes
                    FOR EACH ROW EXECUTE FUNCTION extension_review_votes_count();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER extension_review_votes_count ON extension_review_votes; DROP FUNCTION extension_review_votes_count();
                DROP TRIGGER extension_reviews_rating ON extension_reviews; DROP FUNCTION extension_reviews_rating();
                DROP TRIGGER extension_reviews_guard ON extension_reviews; DROP FUNCTION extension_reviews_guard();
                DROP TRIGGER extension_installations_count ON extension_installations; DROP FUNCTION extension_installations_count();
                DROP TRIGGER extension_versions_immutable ON extension_versions; DROP FUNCTION extension_versions_immutable();
                DROP TRIGGER extensions_guard ON extensions; DROP FUNCTION extensions_guard();
                """);
            // One statement: the tables' policies refer to one another (a review needs an installation, an installation an
            // approved version), which PostgreSQL resolves only when they go together.
            migrationBuilder.Sql("DROP TABLE extension_review_votes, extension_reviews, extension_installations, extension_versions, extensions;");
        }
    }
}
