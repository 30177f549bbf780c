using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using Pgvector;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class KnowledgePipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_star_embeddings_embedding",
                table: "star_embeddings");

            migrationBuilder.AddColumn<int>(
                name: "rag_chunk_overlap",
                table: "stars",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "rag_chunk_size",
                table: "stars",
                type: "integer",
                nullable: true);

            migrationBuilder.AlterColumn<Vector>(
                name: "embedding",
                table: "star_embeddings",
                type: "vector",
                nullable: false,
                oldClrType: typeof(Vector),
                oldType: "vector(1536)");

            migrationBuilder.AddColumn<string>(
                name: "content",
                table: "star_embeddings",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<short>(
                name: "dimensions",
                table: "star_embeddings",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                table: "star_embeddings",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "star_embeddings",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "star_embeddings",
                type: "tsvector",
                nullable: false)
                .Annotation("Npgsql:TsVectorConfig", "simple")
                .Annotation("Npgsql:TsVectorProperties", new[] { "search_text" });

            migrationBuilder.AddColumn<int>(
                name: "seq",
                table: "star_embeddings",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "task_id",
                table: "star_embeddings",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "knowledge_tasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "cancel_requested",
                table: "knowledge_tasks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "content_sha256",
                table: "knowledge_tasks",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_type",
                table: "knowledge_tasks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                table: "knowledge_tasks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phase",
                table: "knowledge_tasks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<short>(
                name: "progress",
                table: "knowledge_tasks",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            migrationBuilder.AddColumn<long>(
                name: "size_bytes",
                table: "knowledge_tasks",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "source_name",
                table: "knowledge_tasks",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "started_at",
                table: "knowledge_tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "knowledge_tasks",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<Guid>(
                name: "webhook_source_id",
                table: "knowledge_tasks",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "embeddings_models",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    dimension = table.Column<int>(type: "integer", nullable: false),
                    max_input_tokens = table.Column<int>(type: "integer", nullable: false),
                    base_url = table.Column<string>(type: "text", nullable: true),
                    api_key_protected = table.Column<string>(type: "text", nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    is_default = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_embeddings_models", x => x.id);
                    table.CheckConstraint("ck_embeddings_models_dimension", "dimension IN (384, 768, 1024, 1536)");
                });

            migrationBuilder.CreateTable(
                name: "knowledge_webhook_sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    secret_protected = table.Column<string>(type: "text", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_webhook_sources", x => x.id);
                    table.ForeignKey(
                        name: "fk_knowledge_webhook_sources_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "system_configs",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    value = table.Column<string>(type: "jsonb", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_system_configs", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_webhook_receipts",
                columns: table => new
                {
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    signature = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_webhook_receipts", x => new { x.source_id, x.signature });
                    table.ForeignKey(
                        name: "fk_knowledge_webhook_receipts_knowledge_webhook_sources_source",
                        column: x => x.source_id,
                        principalTable: "knowledge_webhook_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "embeddings_models",
                columns: new[] { "id", "api_key_protected", "base_url", "created_at", "dimension", "is_active", "is_default", "max_input_tokens", "name", "provider" },
                values: new object[] { new Guid("6f1c2a10-0000-4000-8000-0000000000e1"), null, null, new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), 384, true, true, 8192, "local-hash-384", "local" });

            migrationBuilder.InsertData(
                table: "system_configs",
                columns: new[] { "key", "description", "updated_at", "value" },
                values: new object[,]
                {
                    { "max_upload_file_size", "Largest knowledge upload in bytes", new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "104857600" },
                    { "rag_default_chunk_overlap", "Overlap between chunks in tokens", new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "50" },
                    { "rag_default_chunk_size", "Chunk size in cl100k tokens", new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "500" },
                    { "rag_default_top_k", "Passages retrieved per question", new DateTimeOffset(new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "8" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_search_vector",
                table: "star_embeddings",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_task_id_seq",
                table: "star_embeddings",
                columns: new[] { "task_id", "seq" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_star_embeddings_dimensions",
                table: "star_embeddings",
                sql: "vector_dims(embedding) = dimensions");

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_tasks_star_id_content_sha256",
                table: "knowledge_tasks",
                columns: new[] { "star_id", "content_sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_tasks_webhook_source_id",
                table: "knowledge_tasks",
                column: "webhook_source_id");

            migrationBuilder.AddCheckConstraint(
                name: "ck_knowledge_tasks_progress",
                table: "knowledge_tasks",
                sql: "progress BETWEEN 0 AND 100");

            migrationBuilder.CreateIndex(
                name: "ix_embeddings_models_is_default",
                table: "embeddings_models",
                column: "is_default",
                unique: true,
                filter: "is_default");

            migrationBuilder.CreateIndex(
                name: "ix_embeddings_models_name",
                table: "embeddings_models",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_webhook_receipts_received_at",
                table: "knowledge_webhook_receipts",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_webhook_sources_star_id",
                table: "knowledge_webhook_sources",
                column: "star_id");

            migrationBuilder.AddForeignKey(
                name: "fk_knowledge_tasks_knowledge_webhook_sources_webhook_source_id",
                table: "knowledge_tasks",
                column: "webhook_source_id",
                principalTable: "knowledge_webhook_sources",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_star_embeddings_knowledge_tasks_task_id",
                table: "star_embeddings",
                column: "task_id",
                principalTable: "knowledge_tasks",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            // One partial HNSW index per supported vector size (EmbeddingModel.SupportedDimensions); a query
            // casts to the same size and filters on dimensions, so the planner can use the index.
            foreach (var dim in new[] { 384, 768, 1024, 1536 })
            {
                migrationBuilder.Sql($"""
                    CREATE INDEX ix_star_embeddings_hnsw_{dim} ON star_embeddings
                        USING hnsw ((embedding::vector({dim})) vector_cosine_ops) WHERE dimensions = {dim};
                    """);
            }

            migrationBuilder.Sql("""
                -- Webhook sources and their receipts belong to a star.
                ALTER TABLE knowledge_webhook_sources ENABLE ROW LEVEL SECURITY;
                CREATE POLICY knowledge_webhook_sources_by_star ON knowledge_webhook_sources
                    USING (star_id IN (SELECT id FROM stars))
                    WITH CHECK (star_id IN (SELECT id FROM stars));

                ALTER TABLE knowledge_webhook_receipts ENABLE ROW LEVEL SECURITY;
                CREATE POLICY knowledge_webhook_receipts_by_source ON knowledge_webhook_receipts
                    USING (source_id IN (SELECT id FROM knowledge_webhook_sources))
                    WITH CHECK (source_id IN (SELECT id FROM knowledge_webhook_sources));

                -- Settings and the model registry: everyone reads (the pipeline runs as a star owner), admins write.
                ALTER TABLE system_configs ENABLE ROW LEVEL SECURITY;
                CREATE POLICY system_configs_read ON system_configs FOR SELECT USING (true);
                CREATE POLICY system_configs_write ON system_configs FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                ALTER TABLE embeddings_models ENABLE ROW LEVEL SECURITY;
                CREATE POLICY embeddings_models_read ON embeddings_models FOR SELECT USING (true);
                CREATE POLICY embeddings_models_write ON embeddings_models FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- An inbound webhook arrives with nobody signed in. This returns only what is needed to check
                -- its signature and act as the star's owner; everything after runs under that owner's RLS.
                CREATE FUNCTION knowledge_webhook_source_lookup(source uuid)
                    RETURNS TABLE (star_id uuid, owner_id uuid, secret_protected text, is_active boolean)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                        SELECT s.star_id, st.owner_id, s.secret_protected, s.is_active AND st.status <> 'archived'
                        FROM knowledge_webhook_sources s JOIN stars st ON st.id = s.star_id
                        WHERE s.id = source
                    $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION knowledge_webhook_source_lookup(uuid);
                DROP INDEX ix_star_embeddings_hnsw_384; DROP INDEX ix_star_embeddings_hnsw_768;
                DROP INDEX ix_star_embeddings_hnsw_1024; DROP INDEX ix_star_embeddings_hnsw_1536;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_knowledge_tasks_knowledge_webhook_sources_webhook_source_id",
                table: "knowledge_tasks");

            migrationBuilder.DropForeignKey(
                name: "fk_star_embeddings_knowledge_tasks_task_id",
                table: "star_embeddings");

            migrationBuilder.DropTable(
                name: "embeddings_models");

            migrationBuilder.DropTable(
                name: "knowledge_webhook_receipts");

            migrationBuilder.DropTable(
                name: "system_configs");

            migrationBuilder.DropTable(
                name: "knowledge_webhook_sources");

            migrationBuilder.DropIndex(
                name: "ix_star_embeddings_search_vector",
                table: "star_embeddings");

            migrationBuilder.DropIndex(
                name: "ix_star_embeddings_task_id_seq",
                table: "star_embeddings");

            migrationBuilder.DropCheckConstraint(
                name: "ck_star_embeddings_dimensions",
                table: "star_embeddings");

            migrationBuilder.DropIndex(
                name: "ix_knowledge_tasks_star_id_content_sha256",
                table: "knowledge_tasks");

            migrationBuilder.DropIndex(
                name: "ix_knowledge_tasks_webhook_source_id",
                table: "knowledge_tasks");

            migrationBuilder.DropCheckConstraint(
                name: "ck_knowledge_tasks_progress",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "rag_chunk_overlap",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "rag_chunk_size",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "content",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "dimensions",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "embedding_model",
                table: "star_embeddings");

            // The generated search_vector first: it is computed from search_text.
            migrationBuilder.DropColumn(
                name: "search_vector",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "task_id",
                table: "star_embeddings");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "cancel_requested",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "content_sha256",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "content_type",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "embedding_model",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "phase",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "progress",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "size_bytes",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "source_name",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "started_at",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "knowledge_tasks");

            migrationBuilder.DropColumn(
                name: "webhook_source_id",
                table: "knowledge_tasks");

            migrationBuilder.AlterColumn<Vector>(
                name: "embedding",
                table: "star_embeddings",
                type: "vector(1536)",
                nullable: false,
                oldClrType: typeof(Vector),
                oldType: "vector");

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_embedding",
                table: "star_embeddings",
                column: "embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "vector_cosine_ops" });
        }
    }
}
