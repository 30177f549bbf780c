using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using StarStudio.Core.Creation;
using StarStudio.Core.Stars;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonaVersionsCardsCreation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:battle_outcome", "a_wins,b_wins,both_bad,tie")
                .Annotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .Annotation("Npgsql:Enum:conversation_status", "active,closed")
                .Annotation("Npgsql:Enum:creation_draft_kind", "examples,greeting,knowledge_plan,persona")
                .Annotation("Npgsql:Enum:creation_draft_status", "drafted,edited")
                .Annotation("Npgsql:Enum:creation_message_role", "assistant,user")
                .Annotation("Npgsql:Enum:creation_stage", "collecting_anchors,drafting,published,reviewing")
                .Annotation("Npgsql:Enum:feedback_status", "in_progress,open,resolved")
                .Annotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .Annotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .Annotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .Annotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .Annotation("Npgsql:Enum:membership_status", "active,ended")
                .Annotation("Npgsql:Enum:membership_tier", "premium,standard")
                .Annotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .Annotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .Annotation("Npgsql:Enum:persona_version_source", "assistant,create,edit,import,rollback")
                .Annotation("Npgsql:Enum:product_kind", "membership,recharge")
                .Annotation("Npgsql:Enum:profile_redeem_code_mode", "private,public,unique")
                .Annotation("Npgsql:Enum:profile_task_cycle", "daily,once,weekly")
                .Annotation("Npgsql:Enum:profile_task_status", "claimed,completed,in_progress")
                .Annotation("Npgsql:Enum:rating_scope", "all_time,season,trial")
                .Annotation("Npgsql:Enum:skill_auth_type", "header_secret,none")
                .Annotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .Annotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .Annotation("Npgsql:Enum:skill_version_status", "pending_review,published,rejected")
                .Annotation("Npgsql:Enum:star_review_status", "approved,pending,rejected,withdrawn")
                .Annotation("Npgsql:Enum:star_status", "active,archived,paused")
                .Annotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .Annotation("Npgsql:Enum:training_job_status", "cancelled,failed,queued,running,succeeded")
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .Annotation("Npgsql:Enum:training_phase", "evaluate,prepare,publish,train")
                .Annotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .Annotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .Annotation("Npgsql:Enum:wallet_currency", "balance,points")
                .Annotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .Annotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_revenue,skill_subscription,skill_usage,trial_reward")
                .Annotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .Annotation("Npgsql:PostgresExtension:citext", ",,")
                .Annotation("Npgsql:PostgresExtension:vector", ",,")
                .OldAnnotation("Npgsql:Enum:battle_outcome", "a_wins,b_wins,both_bad,tie")
                .OldAnnotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .OldAnnotation("Npgsql:Enum:conversation_status", "active,closed")
                .OldAnnotation("Npgsql:Enum:feedback_status", "in_progress,open,resolved")
                .OldAnnotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .OldAnnotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .OldAnnotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .OldAnnotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .OldAnnotation("Npgsql:Enum:membership_status", "active,ended")
                .OldAnnotation("Npgsql:Enum:membership_tier", "premium,standard")
                .OldAnnotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .OldAnnotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .OldAnnotation("Npgsql:Enum:product_kind", "membership,recharge")
                .OldAnnotation("Npgsql:Enum:profile_redeem_code_mode", "private,public,unique")
                .OldAnnotation("Npgsql:Enum:profile_task_cycle", "daily,once,weekly")
                .OldAnnotation("Npgsql:Enum:profile_task_status", "claimed,completed,in_progress")
                .OldAnnotation("Npgsql:Enum:rating_scope", "all_time,season,trial")
                .OldAnnotation("Npgsql:Enum:skill_auth_type", "header_secret,none")
                .OldAnnotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .OldAnnotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .OldAnnotation("Npgsql:Enum:skill_version_status", "pending_review,published,rejected")
                .OldAnnotation("Npgsql:Enum:star_status", "active,archived,paused")
                .OldAnnotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .OldAnnotation("Npgsql:Enum:training_job_status", "cancelled,failed,queued,running,succeeded")
                .OldAnnotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .OldAnnotation("Npgsql:Enum:training_phase", "evaluate,prepare,publish,train")
                .OldAnnotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .OldAnnotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .OldAnnotation("Npgsql:Enum:wallet_currency", "balance,points")
                .OldAnnotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .OldAnnotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_revenue,skill_subscription,skill_usage,trial_reward")
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.AddColumn<List<string>>(
                name: "alternate_greetings",
                table: "stars",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "card_extras",
                table: "stars",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "creator_notes",
                table: "stars",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "example_dialogues",
                table: "stars",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "greeting",
                table: "stars",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "persona_version_id",
                table: "stars",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "public_version_id",
                table: "stars",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "scenario",
                table: "stars",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "system_prompt",
                table: "stars",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "persona_version_id",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "persona_version_id",
                table: "chat_traces",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "creation_agent_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seed_text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    current_turn = table.Column<int>(type: "integer", nullable: false),
                    progress_percent = table.Column<short>(type: "smallint", nullable: false),
                    stage = table.Column<CreationStage>(type: "creation_stage", nullable: false),
                    anchors = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    quality_findings = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    publish_gate = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    last_assistant_reply = table.Column<string>(type: "text", nullable: true),
                    engine = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    published_star_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_creation_agent_sessions", x => x.id);
                    table.CheckConstraint("ck_creation_agent_sessions_progress", "progress_percent BETWEEN 0 AND 100");
                    table.ForeignKey(
                        name: "fk_creation_agent_sessions_asp_net_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_creation_agent_sessions_stars_published_star_id",
                        column: x => x.published_star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_lore_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    knowledge_task_id = table.Column<Guid>(type: "uuid", nullable: true),
                    entry_order = table.Column<int>(type: "integer", nullable: false),
                    keys = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    secondary_keys = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    content = table.Column<string>(type: "text", nullable: false),
                    comment = table.Column<string>(type: "text", nullable: false, defaultValue: ""),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    insertion_order = table.Column<int>(type: "integer", nullable: false),
                    constant = table.Column<bool>(type: "boolean", nullable: false),
                    selective = table.Column<bool>(type: "boolean", nullable: false),
                    extras = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_lore_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_knowledge_lore_entries_knowledge_tasks_knowledge_task_id",
                        column: x => x.knowledge_task_id,
                        principalTable: "knowledge_tasks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_knowledge_lore_entries_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_persona_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_no = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    domain = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    persona = table.Column<string>(type: "text", nullable: false),
                    tone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    system_prompt = table.Column<string>(type: "text", nullable: false),
                    greeting = table.Column<string>(type: "text", nullable: false),
                    alternate_greetings = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    example_dialogues = table.Column<string>(type: "text", nullable: false),
                    scenario = table.Column<string>(type: "text", nullable: false),
                    creator_notes = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<PersonaVersionSource>(type: "persona_version_source", nullable: false),
                    based_on_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    change_log = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false, defaultValue: ""),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_persona_versions", x => x.id);
                    table.CheckConstraint("ck_star_persona_versions_version_no", "version_no >= 1");
                    table.ForeignKey(
                        name: "fk_star_persona_versions_star_persona_versions_based_on_versio",
                        column: x => x.based_on_version_id,
                        principalTable: "star_persona_versions",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_star_persona_versions_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_persona_versions_users_created_by",
                        column: x => x.created_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "creation_agent_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<CreationMessageRole>(type: "creation_message_role", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_creation_agent_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_creation_agent_messages_creation_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "creation_agent_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "creation_checkpoints",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    turn = table.Column<int>(type: "integer", nullable: false),
                    label = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    snapshot = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_creation_checkpoints", x => x.id);
                    table.ForeignKey(
                        name: "fk_creation_checkpoints_creation_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "creation_agent_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "creation_draft_cards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<CreationDraftKind>(type: "creation_draft_kind", nullable: false),
                    status = table.Column<CreationDraftStatus>(type: "creation_draft_status", nullable: false),
                    title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    warning_count = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_creation_draft_cards", x => x.id);
                    table.ForeignKey(
                        name: "fk_creation_draft_cards_creation_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "creation_agent_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "star_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    persona_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<StarReviewStatus>(type: "star_review_status", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    requested_by = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    reviewed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_reviews", x => x.id);
                    table.CheckConstraint("ck_star_reviews_reject_reason", "status <> 'rejected' OR length(btrim(coalesce(reason, ''))) > 0");
                    table.ForeignKey(
                        name: "fk_star_reviews_star_persona_versions_persona_version_id",
                        column: x => x.persona_version_id,
                        principalTable: "star_persona_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_reviews_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_star_reviews_users_requested_by",
                        column: x => x.requested_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_star_reviews_users_reviewed_by",
                        column: x => x.reviewed_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stars_persona_version_id",
                table: "stars",
                column: "persona_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_stars_public_version_id",
                table: "stars",
                column: "public_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_persona_version_id",
                table: "conversations",
                column: "persona_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_traces_persona_version_id",
                table: "chat_traces",
                column: "persona_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_creation_agent_messages_session_id_created_at",
                table: "creation_agent_messages",
                columns: new[] { "session_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_creation_agent_sessions_owner_id_updated_at",
                table: "creation_agent_sessions",
                columns: new[] { "owner_id", "updated_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_creation_agent_sessions_published_star_id",
                table: "creation_agent_sessions",
                column: "published_star_id");

            migrationBuilder.CreateIndex(
                name: "ix_creation_agent_sessions_stage",
                table: "creation_agent_sessions",
                column: "stage");

            migrationBuilder.CreateIndex(
                name: "ix_creation_checkpoints_session_id_created_at",
                table: "creation_checkpoints",
                columns: new[] { "session_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_creation_draft_cards_session_id_kind",
                table: "creation_draft_cards",
                columns: new[] { "session_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_lore_entries_knowledge_task_id",
                table: "knowledge_lore_entries",
                column: "knowledge_task_id");

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_lore_entries_star_id_entry_order",
                table: "knowledge_lore_entries",
                columns: new[] { "star_id", "entry_order" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_star_persona_versions_based_on_version_id",
                table: "star_persona_versions",
                column: "based_on_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_persona_versions_created_by",
                table: "star_persona_versions",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_star_persona_versions_star_id_version_no",
                table: "star_persona_versions",
                columns: new[] { "star_id", "version_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_star_reviews_persona_version_id",
                table: "star_reviews",
                column: "persona_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_reviews_requested_by",
                table: "star_reviews",
                column: "requested_by");

            migrationBuilder.CreateIndex(
                name: "ix_star_reviews_reviewed_by",
                table: "star_reviews",
                column: "reviewed_by");

            migrationBuilder.CreateIndex(
                name: "ix_star_reviews_star_id_requested_at",
                table: "star_reviews",
                columns: new[] { "star_id", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_star_reviews_status_requested_at",
                table: "star_reviews",
                columns: new[] { "status", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ux_star_reviews_one_pending_per_star",
                table: "star_reviews",
                column: "star_id",
                unique: true,
                filter: "status = 'pending'");

            migrationBuilder.AddForeignKey(
                name: "fk_chat_traces_star_persona_versions_persona_version_id",
                table: "chat_traces",
                column: "persona_version_id",
                principalTable: "star_persona_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_conversations_star_persona_versions_persona_version_id",
                table: "conversations",
                column: "persona_version_id",
                principalTable: "star_persona_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_stars_star_persona_versions_persona_version_id",
                table: "stars",
                column: "persona_version_id",
                principalTable: "star_persona_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_stars_star_persona_versions_public_version_id",
                table: "stars",
                column: "public_version_id",
                principalTable: "star_persona_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            // Row-level security (docs/persona-versions.md, docs/cards.md, docs/creation-assistant.md).
            const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";
            const string PublicStar = "star_id IN (SELECT id FROM stars WHERE is_public AND status = 'active')";
            migrationBuilder.Sql($"""
                -- Persona versions are immutable: read and added by the star's owner and admins, never changed or removed
                -- (only the cascade of deleting their star removes them). Players read the version a public star shows.
                ALTER TABLE star_persona_versions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_persona_versions FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_persona_versions_read ON star_persona_versions FOR SELECT USING ({Owned});
                CREATE POLICY star_persona_versions_add ON star_persona_versions FOR INSERT WITH CHECK ({Owned});
                CREATE POLICY star_persona_versions_public ON star_persona_versions FOR SELECT
                    USING (id IN (SELECT public_version_id FROM stars WHERE is_public AND status = 'active'));
                CREATE POLICY star_persona_versions_own_refs ON star_persona_versions AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK ((SELECT app_is_admin()) OR created_by IS NULL OR created_by = (SELECT app_user_id()));
                -- A policy cannot read its own table (PostgreSQL calls that recursion), so the trigger checks that a
                -- rollback's source is a version of the same star, and refuses every change and removal.
                CREATE FUNCTION star_persona_versions_immutable() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            IF NEW.based_on_version_id IS NOT NULL
                               AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.based_on_version_id AND v.star_id = NEW.star_id) THEN
                                RAISE EXCEPTION 'version % is not a version of star %', NEW.based_on_version_id, NEW.star_id USING ERRCODE = '42501';
                            END IF;
                            RETURN NEW;
                        END IF;
                        -- Depth 1 is a statement on this table; deeper is the cascade of deleting the star.
                        IF TG_OP = 'UPDATE' OR pg_trigger_depth() = 1 THEN
                            RAISE EXCEPTION 'persona versions are immutable' USING ERRCODE = '42501';
                        END IF;
                        RETURN OLD;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION star_persona_versions_immutable() FROM PUBLIC;
                CREATE TRIGGER star_persona_versions_immutable BEFORE INSERT OR UPDATE OR DELETE ON star_persona_versions
                    FOR EACH ROW EXECUTE FUNCTION star_persona_versions_immutable();

                -- Reviews: the owner asks (pending, for a version of the same star) and may withdraw; admins decide.
                ALTER TABLE star_reviews ENABLE ROW LEVEL SECURITY;
                ALTER TABLE star_reviews FORCE ROW LEVEL SECURITY;
                CREATE POLICY star_reviews_read ON star_reviews FOR SELECT USING ({Owned});
                CREATE POLICY star_reviews_request ON star_reviews FOR INSERT
                    WITH CHECK ({Owned} AND status = 'pending' AND reviewed_at IS NULL);
                CREATE POLICY star_reviews_withdraw ON star_reviews FOR UPDATE
                    USING ({Owned} AND status = 'pending')
                    WITH CHECK ({Owned} AND status = 'withdrawn' AND reviewed_at IS NULL);
                CREATE POLICY star_reviews_admin ON star_reviews USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                CREATE POLICY star_reviews_own_refs ON star_reviews AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK ((SELECT app_is_admin())
                                OR (requested_by = (SELECT app_user_id())
                                    AND (reviewed_by IS NULL OR reviewed_by = (SELECT app_user_id()))
                                    AND persona_version_id IN (SELECT v.id FROM star_persona_versions v WHERE v.star_id = star_reviews.star_id)));

                -- A star shows only its own persona versions. Invoker's rights on purpose: the versions table forces RLS,
                -- and the writer (the owner, an admin, maintenance) sees the star's own.
                CREATE FUNCTION stars_persona_versions_guard() RETURNS trigger
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
                REVOKE ALL ON FUNCTION stars_persona_versions_guard() FROM PUBLIC;
                CREATE TRIGGER stars_persona_versions_guard BEFORE INSERT OR UPDATE OF persona_version_id, public_version_id ON stars
                    FOR EACH ROW EXECUTE FUNCTION stars_persona_versions_guard();

                -- A conversation and a trace name a version of their own star that the writer may see (the owner's, or
                -- the one the public star shows), checked when it is set: a later approval must not make an old
                -- conversation unwritable, which a policy (checked on every update) would.
                CREATE FUNCTION chat_own_persona_version() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF NEW.persona_version_id IS NOT NULL
                           AND (TG_OP = 'INSERT' OR NEW.persona_version_id IS DISTINCT FROM OLD.persona_version_id OR NEW.star_id IS DISTINCT FROM OLD.star_id)
                           AND NOT EXISTS (SELECT 1 FROM star_persona_versions v WHERE v.id = NEW.persona_version_id AND v.star_id = NEW.star_id) THEN
                            RAISE EXCEPTION 'persona version % is not a version of star %', NEW.persona_version_id, NEW.star_id USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION chat_own_persona_version() FROM PUBLIC;
                CREATE TRIGGER conversations_own_persona_version BEFORE INSERT OR UPDATE OF persona_version_id, star_id ON conversations
                    FOR EACH ROW EXECUTE FUNCTION chat_own_persona_version();
                CREATE TRIGGER chat_traces_own_persona_version BEFORE INSERT OR UPDATE OF persona_version_id, star_id ON chat_traces
                    FOR EACH ROW EXECUTE FUNCTION chat_own_persona_version();

                -- Lorebook entries: the owner's; a public star's are read by its players (chat).
                ALTER TABLE knowledge_lore_entries ENABLE ROW LEVEL SECURITY;
                ALTER TABLE knowledge_lore_entries FORCE ROW LEVEL SECURITY;
                CREATE POLICY knowledge_lore_entries_by_owned_star ON knowledge_lore_entries USING ({Owned}) WITH CHECK ({Owned});
                CREATE POLICY knowledge_lore_entries_public_read ON knowledge_lore_entries FOR SELECT USING ({PublicStar});
                CREATE POLICY knowledge_lore_entries_own_refs ON knowledge_lore_entries AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (knowledge_task_id IS NULL
                                OR knowledge_task_id IN (SELECT t.id FROM knowledge_tasks t WHERE t.star_id = knowledge_lore_entries.star_id));

                -- Creation sessions are their owner's (admins read); the rest hangs off a session.
                ALTER TABLE creation_agent_sessions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE creation_agent_sessions FORCE ROW LEVEL SECURITY;
                CREATE POLICY creation_agent_sessions_owner ON creation_agent_sessions
                    USING (owner_id = (SELECT app_user_id())) WITH CHECK (owner_id = (SELECT app_user_id()));
                CREATE POLICY creation_agent_sessions_admin_read ON creation_agent_sessions FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY creation_agent_sessions_own_refs ON creation_agent_sessions AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK (published_star_id IS NULL OR published_star_id IN (SELECT s.id FROM stars s WHERE s.owner_id = creation_agent_sessions.owner_id));
                ALTER TABLE creation_agent_messages ENABLE ROW LEVEL SECURITY;
                ALTER TABLE creation_agent_messages FORCE ROW LEVEL SECURITY;
                CREATE POLICY creation_agent_messages_by_session ON creation_agent_messages
                    USING (session_id IN (SELECT id FROM creation_agent_sessions))
                    WITH CHECK (session_id IN (SELECT id FROM creation_agent_sessions WHERE owner_id = (SELECT app_user_id())));
                ALTER TABLE creation_draft_cards ENABLE ROW LEVEL SECURITY;
                ALTER TABLE creation_draft_cards FORCE ROW LEVEL SECURITY;
                CREATE POLICY creation_draft_cards_by_session ON creation_draft_cards
                    USING (session_id IN (SELECT id FROM creation_agent_sessions))
                    WITH CHECK (session_id IN (SELECT id FROM creation_agent_sessions WHERE owner_id = (SELECT app_user_id())));
                ALTER TABLE creation_checkpoints ENABLE ROW LEVEL SECURITY;
                ALTER TABLE creation_checkpoints FORCE ROW LEVEL SECURITY;
                CREATE POLICY creation_checkpoints_by_session ON creation_checkpoints
                    USING (session_id IN (SELECT id FROM creation_agent_sessions))
                    WITH CHECK (session_id IN (SELECT id FROM creation_agent_sessions WHERE owner_id = (SELECT app_user_id())));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER stars_persona_versions_guard ON stars;
                DROP FUNCTION stars_persona_versions_guard();
                DROP TRIGGER star_persona_versions_immutable ON star_persona_versions;
                DROP FUNCTION star_persona_versions_immutable();
                DROP TRIGGER conversations_own_persona_version ON conversations;
                DROP TRIGGER chat_traces_own_persona_version ON chat_traces;
                DROP FUNCTION chat_own_persona_version();
                """);
            migrationBuilder.DropForeignKey(
                name: "fk_chat_traces_star_persona_versions_persona_version_id",
                table: "chat_traces");

            migrationBuilder.DropForeignKey(
                name: "fk_conversations_star_persona_versions_persona_version_id",
                table: "conversations");

            migrationBuilder.DropForeignKey(
                name: "fk_stars_star_persona_versions_persona_version_id",
                table: "stars");

            migrationBuilder.DropForeignKey(
                name: "fk_stars_star_persona_versions_public_version_id",
                table: "stars");

            migrationBuilder.DropTable(
                name: "creation_agent_messages");

            migrationBuilder.DropTable(
                name: "creation_checkpoints");

            migrationBuilder.DropTable(
                name: "creation_draft_cards");

            migrationBuilder.DropTable(
                name: "knowledge_lore_entries");

            migrationBuilder.DropTable(
                name: "star_reviews");

            migrationBuilder.DropTable(
                name: "creation_agent_sessions");

            migrationBuilder.DropTable(
                name: "star_persona_versions");

            migrationBuilder.DropIndex(
                name: "ix_stars_persona_version_id",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_stars_public_version_id",
                table: "stars");

            migrationBuilder.DropIndex(
                name: "ix_conversations_persona_version_id",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "ix_chat_traces_persona_version_id",
                table: "chat_traces");

            migrationBuilder.DropColumn(
                name: "alternate_greetings",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "card_extras",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "creator_notes",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "example_dialogues",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "greeting",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "persona_version_id",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "public_version_id",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "scenario",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "system_prompt",
                table: "stars");

            migrationBuilder.DropColumn(
                name: "persona_version_id",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "persona_version_id",
                table: "chat_traces");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:battle_outcome", "a_wins,b_wins,both_bad,tie")
                .Annotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .Annotation("Npgsql:Enum:conversation_status", "active,closed")
                .Annotation("Npgsql:Enum:feedback_status", "in_progress,open,resolved")
                .Annotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .Annotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .Annotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .Annotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .Annotation("Npgsql:Enum:membership_status", "active,ended")
                .Annotation("Npgsql:Enum:membership_tier", "premium,standard")
                .Annotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .Annotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .Annotation("Npgsql:Enum:product_kind", "membership,recharge")
                .Annotation("Npgsql:Enum:profile_redeem_code_mode", "private,public,unique")
                .Annotation("Npgsql:Enum:profile_task_cycle", "daily,once,weekly")
                .Annotation("Npgsql:Enum:profile_task_status", "claimed,completed,in_progress")
                .Annotation("Npgsql:Enum:rating_scope", "all_time,season,trial")
                .Annotation("Npgsql:Enum:skill_auth_type", "header_secret,none")
                .Annotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .Annotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .Annotation("Npgsql:Enum:skill_version_status", "pending_review,published,rejected")
                .Annotation("Npgsql:Enum:star_status", "active,archived,paused")
                .Annotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .Annotation("Npgsql:Enum:training_job_status", "cancelled,failed,queued,running,succeeded")
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .Annotation("Npgsql:Enum:training_phase", "evaluate,prepare,publish,train")
                .Annotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .Annotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .Annotation("Npgsql:Enum:wallet_currency", "balance,points")
                .Annotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .Annotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_revenue,skill_subscription,skill_usage,trial_reward")
                .Annotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .Annotation("Npgsql:PostgresExtension:citext", ",,")
                .Annotation("Npgsql:PostgresExtension:vector", ",,")
                .OldAnnotation("Npgsql:Enum:battle_outcome", "a_wins,b_wins,both_bad,tie")
                .OldAnnotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .OldAnnotation("Npgsql:Enum:conversation_status", "active,closed")
                .OldAnnotation("Npgsql:Enum:creation_draft_kind", "examples,greeting,knowledge_plan,persona")
                .OldAnnotation("Npgsql:Enum:creation_draft_status", "drafted,edited")
                .OldAnnotation("Npgsql:Enum:creation_message_role", "assistant,user")
                .OldAnnotation("Npgsql:Enum:creation_stage", "collecting_anchors,drafting,published,reviewing")
                .OldAnnotation("Npgsql:Enum:feedback_status", "in_progress,open,resolved")
                .OldAnnotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .OldAnnotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .OldAnnotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .OldAnnotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .OldAnnotation("Npgsql:Enum:membership_status", "active,ended")
                .OldAnnotation("Npgsql:Enum:membership_tier", "premium,standard")
                .OldAnnotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .OldAnnotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .OldAnnotation("Npgsql:Enum:persona_version_source", "assistant,create,edit,import,rollback")
                .OldAnnotation("Npgsql:Enum:product_kind", "membership,recharge")
                .OldAnnotation("Npgsql:Enum:profile_redeem_code_mode", "private,public,unique")
                .OldAnnotation("Npgsql:Enum:profile_task_cycle", "daily,once,weekly")
                .OldAnnotation("Npgsql:Enum:profile_task_status", "claimed,completed,in_progress")
                .OldAnnotation("Npgsql:Enum:rating_scope", "all_time,season,trial")
                .OldAnnotation("Npgsql:Enum:skill_auth_type", "header_secret,none")
                .OldAnnotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .OldAnnotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .OldAnnotation("Npgsql:Enum:skill_version_status", "pending_review,published,rejected")
                .OldAnnotation("Npgsql:Enum:star_review_status", "approved,pending,rejected,withdrawn")
                .OldAnnotation("Npgsql:Enum:star_status", "active,archived,paused")
                .OldAnnotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .OldAnnotation("Npgsql:Enum:training_job_status", "cancelled,failed,queued,running,succeeded")
                .OldAnnotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .OldAnnotation("Npgsql:Enum:training_phase", "evaluate,prepare,publish,train")
                .OldAnnotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .OldAnnotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .OldAnnotation("Npgsql:Enum:wallet_currency", "balance,points")
                .OldAnnotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .OldAnnotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_revenue,skill_subscription,skill_usage,trial_reward")
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");
        }
    }
}
