using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Persona versions for stars made before versions existed, and the database's half of the publish review
    /// (docs/persona-versions.md):
    /// <list type="bullet">
    /// <item>every star without a version gets version 1 of its current persona (source <c>create</c>, by its owner, at its
    /// last update); a star that was public then shows players that version (it was public before reviews existed, so it
    /// is taken as approved, and no review row is invented);</item>
    /// <item>only an admin (the reviewer) changes the version players get; an owner makes a star public again only when it
    /// already has an approved version, which players then get — never an unreviewed persona, even by direct SQL.</item>
    /// </list>
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261206023000_PersonaVersionBackfillAndPublicGuard")]
    public partial class PersonaVersionBackfillAndPublicGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The owner role is held to the policies of FORCE'd tables and acts as no user here: the backfill lifts FORCE
            // on the versions for its statement (inside the migration's transaction) and puts it back (stars is not forced:
            // DatabaseHardening.NotForced).
            migrationBuilder.Sql("""
                ALTER TABLE star_persona_versions NO FORCE ROW LEVEL SECURITY;
                WITH made AS (
                    INSERT INTO star_persona_versions (star_id, version_no, name, domain, persona, tone, tags, system_prompt, greeting,
                        alternate_greetings, example_dialogues, scenario, creator_notes, source, change_log, created_by, created_at)
                    SELECT s.id, 1, s.name, s.domain, s.persona, s.tone, s.tags, s.system_prompt, s.greeting, s.alternate_greetings,
                        s.example_dialogues, s.scenario, s.creator_notes, 'create', '', s.owner_id, s.updated_at
                    FROM stars s
                    WHERE s.persona_version_id IS NULL AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.star_id = s.id)
                    RETURNING id, star_id)
                UPDATE stars s SET persona_version_id = made.id,
                    public_version_id = CASE WHEN s.is_public THEN made.id ELSE s.public_version_id END
                FROM made WHERE s.id = made.star_id;
                ALTER TABLE star_persona_versions FORCE ROW LEVEL SECURITY;

                CREATE OR REPLACE FUNCTION stars_persona_versions_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF NEW.persona_version_id IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.persona_version_id AND v.star_id = NEW.id) THEN
                            RAISE EXCEPTION 'persona version % is not a version of star %', NEW.persona_version_id, NEW.id USING ERRCODE = '23503';
                        END IF;
                        IF NEW.public_version_id IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.public_version_id AND v.star_id = NEW.id) THEN
                            RAISE EXCEPTION 'persona version % is not a version of star %', NEW.public_version_id, NEW.id USING ERRCODE = '23503';
                        END IF;
                        -- A user who is not an admin (maintenance acts as no user) never picks what players get.
                        IF app_user_id() IS NOT NULL AND NOT app_is_admin() THEN
                            IF NEW.public_version_id IS DISTINCT FROM (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.public_version_id END) THEN
                                RAISE EXCEPTION 'only a reviewer chooses the persona version players get' USING ERRCODE = '42501';
                            END IF;
                            IF NEW.is_public AND NEW.public_version_id IS NULL THEN
                                RAISE EXCEPTION 'a star goes public through a review' USING ERRCODE = '42501';
                            END IF;
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION stars_persona_versions_guard() FROM PUBLIC;
                DROP TRIGGER stars_persona_versions_guard ON stars;
                CREATE TRIGGER stars_persona_versions_guard BEFORE INSERT OR UPDATE OF persona_version_id, public_version_id, is_public ON stars
                    FOR EACH ROW EXECUTE FUNCTION stars_persona_versions_guard();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The backfilled versions stay (versions are immutable); the guard goes back to the version checks alone.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION stars_persona_versions_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF NEW.persona_version_id IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.persona_version_id AND v.star_id = NEW.id) THEN
                            RAISE EXCEPTION 'persona version % is not a version of star %', NEW.persona_version_id, NEW.id USING ERRCODE = '23503';
                        END IF;
                        IF NEW.public_version_id IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.public_version_id AND v.star_id = NEW.id) THEN
                            RAISE EXCEPTION 'persona version % is not a version of star %', NEW.public_version_id, NEW.id USING ERRCODE = '23503';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                DROP TRIGGER stars_persona_versions_guard ON stars;
                CREATE TRIGGER stars_persona_versions_guard BEFORE INSERT OR UPDATE OF persona_version_id, public_version_id ON stars
                    FOR EACH ROW EXECUTE FUNCTION stars_persona_versions_guard();
                """);
        }
    }
}
