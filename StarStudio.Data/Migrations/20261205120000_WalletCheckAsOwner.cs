using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The commit-time check that a wallet equals the end of its ledger runs as the owner. A deferred trigger fires at
    /// COMMIT as the session's role: for the app role, row-level security hid the wallet of anyone but the acting user,
    /// so a booking for another user (a referral's inviter, a star owner billed for a player's chat) went unchecked. SQL
    /// only; the EF model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205120000_WalletCheckAsOwner")]
    public partial class WalletCheckAsOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER FUNCTION wallet_balance_matches_ledger() SECURITY DEFINER;
                REVOKE ALL ON FUNCTION wallet_balance_matches_ledger() FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION wallet_balance_matches_ledger() SECURITY INVOKER;");
        }
    }
}
