using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// A finished trial's entries are public whatever its window said: an admin may finish a trial before its submission
    /// window closes, and its results are then shown to everyone. And a battle's keep-columns trigger no longer names the
    /// generated pair columns: a BEFORE trigger sees them as NULL in NEW, so every vote was refused (they follow entry_a and
    /// entry_b, which stay kept). SQL only; the EF model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205162000_ArenaFinishedEntriesPublic")]
    public partial class ArenaFinishedEntriesPublic : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP POLICY trial_entries_public_read ON trial_entries;
                CREATE POLICY trial_entries_public_read ON trial_entries FOR SELECT
                    USING (trial_id IN (SELECT id FROM star_trials WHERE status = 'finished' OR (status <> 'draft' AND submit_until <= now())));
                DROP TRIGGER trial_battles_keep_what_was_shown ON trial_battles;
                CREATE TRIGGER trial_battles_keep_what_was_shown BEFORE UPDATE ON trial_battles
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('id', 'trial_id', 'voter_id', 'entry_a', 'entry_b', 'shown_at');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP POLICY trial_entries_public_read ON trial_entries;
                CREATE POLICY trial_entries_public_read ON trial_entries FOR SELECT
                    USING (trial_id IN (SELECT id FROM star_trials WHERE status <> 'draft' AND submit_until <= now()));
                DROP TRIGGER trial_battles_keep_what_was_shown ON trial_battles;
                CREATE TRIGGER trial_battles_keep_what_was_shown BEFORE UPDATE ON trial_battles
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('id', 'trial_id', 'voter_id', 'entry_a', 'entry_b', 'pair_low', 'pair_high', 'shown_at');
                """);
        }
    }
}
