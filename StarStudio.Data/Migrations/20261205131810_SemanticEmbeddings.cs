using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Pgvector;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The semantic model's vectors beside the default model's (<c>star_semantic_embeddings</c>, docs/semantic-embedder.md):
    /// the same owner and public-read policies as <c>star_embeddings</c>, a write check that the row names a chunk of the
    /// same star and task, a partial HNSW index over the rows that have a vector, and <c>semantic_index_work</c>, which
    /// finds completed tasks with chunks still to index for the background indexer (across owners, so SECURITY DEFINER).
    /// </summary>
    public partial class SemanticEmbeddings : Migration
    {
        private const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";
        private const string PublicStar = "star_id IN (SELECT id FROM stars WHERE is_public AND status = 'active')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "star_semantic_embeddings",
                columns: table => new
                {
                    embedding_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    embedding = table.Column<Vector>(type: "vector(384)", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_semantic_embeddings", x => x.embedding_id);
                    table.ForeignKey(
                        name: "fk_star_semantic_embeddings_knowledge_tasks_task_id",
                        column: x => x.task_id,
                        principalTable: "knowledge_tasks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_semantic_embeddings_star_embeddings_embedding_id",
                        column: x => x.embedding_id,
                        principalTable: "star_embeddings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_semantic_embeddings_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_star_semantic_embeddings_star_id",
                table: "star_semantic_embeddings",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_semantic_embeddings_task_id",
                table: "star_semantic_embeddings",
                column: "task_id");

            migrationBuilder.Sql($"""
                ALTER TABLE star_semantic_embeddings ENABLE ROW LEVEL SECURITY;
                CREATE POLICY star_semantic_embeddings_by_owned_star ON star_semantic_embeddings USING ({Owned}) WITH CHECK ({Owned});
                CREATE POLICY star_semantic_embeddings_public_read ON star_semantic_embeddings FOR SELECT USING ({PublicStar});
                -- A foreign key is checked past the policies: the chunk named must be one of the writer's star and task.
                CREATE POLICY star_semantic_embeddings_chunk_of_star ON star_semantic_embeddings AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (embedding_id IN (SELECT e.id FROM star_embeddings e
                                                 WHERE e.star_id = star_semantic_embeddings.star_id AND e.task_id = star_semantic_embeddings.task_id));

                -- Default build settings (m = 16, ef_construction = 64), as the default model's index.
                CREATE INDEX ix_star_semantic_embeddings_hnsw ON star_semantic_embeddings
                    USING hnsw (embedding vector_cosine_ops) WHERE embedding IS NOT NULL;

                -- Completed tasks with chunks the indexer has not looked at yet, oldest completion first, with the owner
                -- the indexer acts as. The anti-join reads star_embeddings and this table across owners: hence the
                -- definer, and this table left unforced (SemanticSchema.NotForced).
                CREATE FUNCTION semantic_index_work(p_limit integer) RETURNS TABLE(task_id uuid, owner_id uuid)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                        SELECT t.id, s.owner_id
                        FROM knowledge_tasks t
                        JOIN stars s ON s.id = t.star_id
                        WHERE t.status = 'completed'
                          AND EXISTS (SELECT 1 FROM star_embeddings e
                                      WHERE e.task_id = t.id
                                        AND NOT EXISTS (SELECT 1 FROM star_semantic_embeddings x WHERE x.embedding_id = e.id))
                        ORDER BY t.completed_at NULLS FIRST, t.id
                        LIMIT p_limit
                    $$;
                REVOKE ALL ON FUNCTION semantic_index_work(integer) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION semantic_index_work(integer);");
            migrationBuilder.DropTable(
                name: "star_semantic_embeddings");
        }
    }
}
