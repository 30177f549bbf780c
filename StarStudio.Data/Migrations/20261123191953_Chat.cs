using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class Chat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "is_public",
                table: "stars",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deleted_at",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "title",
                table: "conversations",
                type: "character varying(120)",
                maxLength: 120,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.CreateTable(
                name: "chat_traces",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tokens_in = table.Column<int>(type: "integer", nullable: false),
                    tokens_out = table.Column<int>(type: "integer", nullable: false),
                    total_ms = table.Column<int>(type: "integer", nullable: false),
                    first_token_ms = table.Column<int>(type: "integer", nullable: true),
                    tool_calls = table.Column<int>(type: "integer", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(12,6)", precision: 12, scale: 6, nullable: false),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    error_phase = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    prompt = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_traces", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_traces_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_chat_traces_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "llm_providers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    base_url = table.Column<string>(type: "text", nullable: false),
                    api_key_protected = table.Column<string>(type: "text", nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_llm_providers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_records",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    provider = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tokens_in = table.Column<int>(type: "integer", nullable: false),
                    tokens_out = table.Column<int>(type: "integer", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(12,6)", precision: 12, scale: 6, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_records", x => x.id);
                    table.ForeignKey(
                        name: "fk_usage_records_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_trace_steps",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    trace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    input = table.Column<string>(type: "jsonb", nullable: true),
                    output = table.Column<string>(type: "jsonb", nullable: true),
                    tokens_in = table.Column<int>(type: "integer", nullable: false),
                    tokens_out = table.Column<int>(type: "integer", nullable: false),
                    duration_ms = table.Column<int>(type: "integer", nullable: false),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_trace_steps", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_trace_steps_chat_traces_trace_id",
                        column: x => x.trace_id,
                        principalTable: "chat_traces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_models",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    display_name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    max_context_tokens = table.Column<int>(type: "integer", nullable: false, defaultValue: 4096),
                    has_thinking = table.Column<bool>(type: "boolean", nullable: false),
                    default_params = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    service_url = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_models", x => x.id);
                    table.CheckConstraint("ck_chat_models_context", "max_context_tokens BETWEEN 256 AND 2000000");
                    table.ForeignKey(
                        name: "fk_chat_models_llm_providers_provider_id",
                        column: x => x.provider_id,
                        principalTable: "llm_providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stars_public",
                table: "stars",
                column: "updated_at",
                filter: "is_public AND status = 'active'");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_user_id_updated_at",
                table: "conversations",
                columns: new[] { "user_id", "updated_at" },
                descending: new[] { false, true },
                filter: "deleted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_chat_models_provider_id_model_id",
                table: "chat_models",
                columns: new[] { "provider_id", "model_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chat_trace_steps_trace_id_seq",
                table: "chat_trace_steps",
                columns: new[] { "trace_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chat_traces_conversation_id",
                table: "chat_traces",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_traces_message_id",
                table: "chat_traces",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_traces_star_id_created_at",
                table: "chat_traces",
                columns: new[] { "star_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_llm_providers_name",
                table: "llm_providers",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_request_id",
                table: "usage_records",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_star_id_created_at",
                table: "usage_records",
                columns: new[] { "star_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_user_id_created_at",
                table: "usage_records",
                columns: new[] { "user_id", "created_at" });

            // Public stars (players chat with them) must not expose their owner's data: every star-owned table now
            // keys on the stars the user OWNS, not on the stars the user can see. Only the retrieval tables are
            // readable for an active public star, because its answers are made from them.
            const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";
            const string PublicStar = "star_id IN (SELECT id FROM stars WHERE is_public AND status = 'active')";
            migrationBuilder.Sql("""
                CREATE POLICY stars_public_read ON stars FOR SELECT USING (is_public AND status = 'active');
                """);
            foreach (var table in new[] { "star_model_versions", "knowledge_tasks", "star_embeddings", "magnitude_history", "trial_entries", "skill_subscriptions", "knowledge_chunks", "training_logs" })
            {
                migrationBuilder.Sql($"""
                    DROP POLICY {table}_by_star ON {table};
                    CREATE POLICY {table}_by_owned_star ON {table} USING ({Owned}) WITH CHECK ({Owned});
                    """);
            }

            foreach (var table in new[] { "star_embeddings", "knowledge_chunks" })
            {
                migrationBuilder.Sql($"CREATE POLICY {table}_public_read ON {table} FOR SELECT USING ({PublicStar});");
            }

            migrationBuilder.Sql($"""
                DROP POLICY knowledge_webhook_sources_by_star ON knowledge_webhook_sources;
                CREATE POLICY knowledge_webhook_sources_by_owned_star ON knowledge_webhook_sources USING ({Owned}) WITH CHECK ({Owned});

                DROP POLICY conversations_party ON conversations;
                CREATE POLICY conversations_party ON conversations
                    USING (user_id = (SELECT app_user_id()) OR {Owned})
                    WITH CHECK (user_id = (SELECT app_user_id()) OR {Owned});

                -- Traces follow their conversation (the UI shows them to the star's owner); steps follow their trace.
                ALTER TABLE chat_traces ENABLE ROW LEVEL SECURITY;
                CREATE POLICY chat_traces_party ON chat_traces
                    USING (conversation_id IN (SELECT id FROM conversations))
                    WITH CHECK (conversation_id IN (SELECT id FROM conversations));
                ALTER TABLE chat_trace_steps ENABLE ROW LEVEL SECURITY;
                CREATE POLICY chat_trace_steps_party ON chat_trace_steps
                    USING (trace_id IN (SELECT id FROM chat_traces))
                    WITH CHECK (trace_id IN (SELECT id FROM chat_traces));

                ALTER TABLE usage_records ENABLE ROW LEVEL SECURITY;
                CREATE POLICY usage_records_party ON usage_records
                    USING (user_id = (SELECT app_user_id()) OR {Owned})
                    WITH CHECK (user_id = (SELECT app_user_id()) OR {Owned});

                ALTER TABLE llm_providers ENABLE ROW LEVEL SECURITY;
                CREATE POLICY llm_providers_read ON llm_providers FOR SELECT USING (true);
                CREATE POLICY llm_providers_write ON llm_providers FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                ALTER TABLE chat_models ENABLE ROW LEVEL SECURITY;
                CREATE POLICY chat_models_read ON chat_models FOR SELECT USING (true);
                CREATE POLICY chat_models_write ON chat_models FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                """);

            migrationBuilder.Sql("""
                INSERT INTO system_configs (key, value, description, updated_at) VALUES
                    ('default_chat_model', 'null', 'Id of the chat model stars answer with (null: the offline engine)', now()),
                    ('fallback_chat_model', 'null', 'Id of the chat model used when the default fails', now()),
                    ('chat_rate_limit_per_minute', '20', 'Messages one user may send per minute', now()),
                    ('chat_max_message_chars', '4000', 'Longest message a user may send', now())
                ON CONFLICT (key) DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Up's policies undone first (the columns they read are dropped below), back to RowLevelSecurity's and
            // KnowledgePipeline's: star-owned tables keyed on the stars the user can see. The chat tables' policies go
            // with their tables.
            const string Visible = "star_id IN (SELECT id FROM stars)";
            migrationBuilder.Sql("DROP POLICY stars_public_read ON stars;");
            foreach (var table in new[] { "star_embeddings", "knowledge_chunks" })
            {
                migrationBuilder.Sql($"DROP POLICY {table}_public_read ON {table};");
            }

            foreach (var table in new[] { "star_model_versions", "knowledge_tasks", "star_embeddings", "magnitude_history", "trial_entries", "skill_subscriptions", "knowledge_chunks", "training_logs", "knowledge_webhook_sources" })
            {
                migrationBuilder.Sql($"""
                    DROP POLICY {table}_by_owned_star ON {table};
                    CREATE POLICY {table}_by_star ON {table} USING ({Visible}) WITH CHECK ({Visible});
                    """);
            }

            migrationBuilder.Sql($"""
                DROP POLICY conversations_party ON conversations;
                CREATE POLICY conversations_party ON conversations
                    USING (user_id = (SELECT app_user_id()) OR {Visible})
                    WITH CHECK (user_id = (SELECT app_user_id()) OR {Visible});
                DELETE FROM system_configs
                WHERE key IN ('default_chat_model', 'fallback_chat_model', 'chat_rate_limit_per_minute', 'chat_max_message_chars');
                """);

            migrationBuilder.DropTable(
                name: "chat_models");

            migrationBuilder.DropTable(
                name: "chat_trace_steps");

            migrationBuilder.DropTable(
                name: "usage_records");

            migrationBuilder.DropTable(
                name: "llm_providers");

            migrationBuilder.DropTable(
                name: "chat_traces");

            migrationBuilder.DropIndex(
                name: "ix_stars_public",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_conversations_user_id_updated_at",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "is_public",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "deleted_at",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "title",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "conversations");
        }
    }
}
