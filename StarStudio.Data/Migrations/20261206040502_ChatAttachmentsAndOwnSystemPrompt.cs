using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Issue 15 part 6 (seed 001): the player's own system prompt (<c>user_preferences.system_prompt</c>, docs/preferences.md)
    /// and files attached to chat messages (<c>chat_attachments</c>, seed 001 <c>files</c>, docs/chat-attachments.md). An
    /// attachment is its conversation's user's alone: the star's owner, who may read the conversation, does not read
    /// the files (nor admins; the row holds a player's document). A row can only be written into the writer's own
    /// conversation.
    /// </summary>
    public partial class ChatAttachmentsAndOwnSystemPrompt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "system_prompt",
                table: "user_preferences",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "chat_attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    object_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    page_count = table.Column<int>(type: "integer", nullable: false),
                    text_chars = table.Column<int>(type: "integer", nullable: false),
                    truncated = table.Column<bool>(type: "boolean", nullable: false),
                    chunks = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_attachments", x => x.id);
                    table.CheckConstraint("ck_chat_attachments_kind", "kind IN ('pdf', 'docx', 'text', 'markdown', 'image')");
                    table.CheckConstraint("ck_chat_attachments_size", "size_bytes > 0 AND size_bytes <= 10485760");
                    table.CheckConstraint("ck_chat_attachments_status", "status IN ('parsing', 'ready', 'failed')");
                    table.ForeignKey(
                        name: "fk_chat_attachments_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_chat_attachments_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_chat_attachments_conversation_id_created_at",
                table: "chat_attachments",
                columns: new[] { "conversation_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_chat_attachments_message_id",
                table: "chat_attachments",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_attachments_user_id",
                table: "chat_attachments",
                column: "user_id");

            migrationBuilder.Sql("""
                ALTER TABLE chat_attachments ENABLE ROW LEVEL SECURITY;
                ALTER TABLE chat_attachments FORCE ROW LEVEL SECURITY;
                -- The conversations subquery is filtered by the conversations policy; its user must be the writer too.
                CREATE POLICY chat_attachments_own ON chat_attachments
                    USING (user_id = (SELECT app_user_id())
                           AND conversation_id IN (SELECT id FROM conversations WHERE user_id = (SELECT app_user_id())))
                    WITH CHECK (user_id = (SELECT app_user_id())
                           AND conversation_id IN (SELECT id FROM conversations WHERE user_id = (SELECT app_user_id())));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP POLICY chat_attachments_own ON chat_attachments;");
            migrationBuilder.DropTable(
                name: "chat_attachments");

            migrationBuilder.DropColumn(
                name: "system_prompt",
                table: "user_preferences");
        }
    }
}
