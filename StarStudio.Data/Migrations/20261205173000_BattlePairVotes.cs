using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// "Least-compared pairs first" needs every player's vote count per pair, while row-level security lets a player read
    /// only their own battles. <c>trial_pair_votes(trial)</c> (SECURITY DEFINER) returns the counts per pair of one trial
    /// whose entries are public (never who voted, nor how). <c>trial_battles</c> stays forced: the owner gets a read
    /// policy of its own, as the billing functions do, which the app role never matches. A partial index over the voted
    /// rows lets the count run from the index alone. (The keep-columns trigger of the battles is fixed in
    /// <c>20261205162000_ArenaFinishedEntriesPublic</c>.) SQL only; the EF model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205173000_BattlePairVotes")]
    public partial class BattlePairVotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE format('CREATE POLICY trial_battles_pair_votes ON trial_battles FOR SELECT TO %I USING (true)', current_user);
                END
                $$;

                CREATE INDEX ix_trial_battles_voted_pairs ON trial_battles (trial_id, pair_low, pair_high) WHERE outcome IS NOT NULL;

                CREATE FUNCTION trial_pair_votes(p_trial uuid) RETURNS TABLE (pair_low uuid, pair_high uuid, votes integer)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
                    SELECT b.pair_low, b.pair_high, count(*)::integer
                    FROM trial_battles b
                    WHERE b.trial_id = p_trial AND b.outcome IS NOT NULL
                      AND app_user_id() IS NOT NULL
                      AND EXISTS (SELECT 1 FROM star_trials t WHERE t.id = p_trial AND t.status <> 'draft' AND t.submit_until <= now())
                    GROUP BY b.pair_low, b.pair_high
                $$;
                REVOKE ALL ON FUNCTION trial_pair_votes(uuid) FROM PUBLIC;

                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION trial_pair_votes(uuid);
                DROP INDEX ix_trial_battles_voted_pairs;
                DROP POLICY trial_battles_pair_votes ON trial_battles;
                """);
        }
    }
}
