using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The star list's sort indexes end with the id tie-break and include is_public and status, the columns the
    /// stars read policies test on every row. Without them no scan of an owner's stars is index-only for the app
    /// role (since stars_public_read), so the count and every deep page read the heap.
    /// </summary>
    public partial class StarListCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_created_at",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_name",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_updated_at_id",
                table: "stars");

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_created_at_id",
                table: "stars",
                columns: new[] { "owner_id", "created_at", "id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "is_public", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_name_id",
                table: "stars",
                columns: new[] { "owner_id", "name", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "is_public", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_updated_at_id",
                table: "stars",
                columns: new[] { "owner_id", "updated_at", "id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "is_public", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_created_at_id",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_name_id",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_stars_owner_id_updated_at_id",
                table: "stars");

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_created_at",
                table: "stars",
                columns: new[] { "owner_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_name",
                table: "stars",
                columns: new[] { "owner_id", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_stars_owner_id_updated_at_id",
                table: "stars",
                columns: new[] { "owner_id", "updated_at", "id" },
                descending: new[] { false, true, true });
        }
    }
}
