using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;
using Pgvector;
using StarStudio.Core.Arena;
using StarStudio.Core.Chat;
using StarStudio.Core.Growth;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Market;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .Annotation("Npgsql:Enum:conversation_status", "active,closed")
                .Annotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .Annotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .Annotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .Annotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .Annotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .Annotation("Npgsql:Enum:star_status", "active,archived,paused")
                .Annotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .Annotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .Annotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .Annotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .Annotation("Npgsql:PostgresExtension:citext", ",,")
                .Annotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    avatar_url = table.Column<string>(type: "text", nullable: true),
                    role = table.Column<UserRole>(type: "user_role", nullable: true),
                    preferences = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "citext", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_claims_asp_net_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "skills",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    api_endpoint = table.Column<string>(type: "text", nullable: false),
                    schema = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    pricing_type = table.Column<SkillPricingType>(type: "skill_pricing_type", nullable: false),
                    price = table.Column<decimal>(type: "numeric", nullable: false),
                    status = table.Column<SkillStatus>(type: "skill_status", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skills", x => x.id);
                    table.CheckConstraint("ck_skills_price", "price >= 0");
                    table.ForeignKey(
                        name: "fk_skills_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "star_trials",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    season_id = table.Column<Guid>(type: "uuid", nullable: true),
                    title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    prompt = table.Column<string>(type: "text", nullable: false),
                    answer_schema = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    status = table.Column<TrialStatus>(type: "trial_status", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_trials", x => x.id);
                    table.ForeignKey(
                        name: "fk_star_trials_asp_net_users_created_by",
                        column: x => x.created_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_claims_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_user_logins_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_roles",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_user_roles_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_tokens",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_user_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhooks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    url = table.Column<string>(type: "text", nullable: false),
                    event_types = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    secret = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<WebhookStatus>(type: "webhook_status", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhooks", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhooks_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversation_feedback",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rating = table.Column<short>(type: "smallint", nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true),
                    labels = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversation_feedback", x => x.id);
                    table.CheckConstraint("ck_conversation_feedback_rating", "rating BETWEEN 1 AND 5");
                });

            migrationBuilder.CreateTable(
                name: "conversation_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversation_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<ConversationChannel>(type: "conversation_channel", nullable: false),
                    status = table.Column<ConversationStatus>(type: "conversation_status", nullable: false),
                    feedback_score = table.Column<short>(type: "smallint", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                    table.CheckConstraint("ck_conversations_feedback_score", "feedback_score BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_conversations_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_chunks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_chunks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_tasks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_type = table.Column<KnowledgeSourceType>(type: "knowledge_source_type", nullable: false),
                    status = table.Column<KnowledgeTaskStatus>(type: "knowledge_task_status", nullable: false),
                    payload_uri = table.Column<string>(type: "text", nullable: true),
                    chunk_count = table.Column<int>(type: "integer", nullable: false),
                    embedding_index = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_knowledge_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "magnitude_history",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    depth = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    originality = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    consistency = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    utility = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    overall = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    level = table.Column<MagnitudeLevel>(type: "magnitude_level", nullable: false),
                    evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_magnitude_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "skill_subscriptions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    skill_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<SubscriptionStatus>(type: "subscription_status", nullable: false),
                    current_period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_subscriptions", x => x.id);
                    table.ForeignKey(
                        name: "fk_skill_subscriptions_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "star_embeddings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    chunk_id = table.Column<Guid>(type: "uuid", nullable: false),
                    embedding = table.Column<Vector>(type: "vector(1536)", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_embeddings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "star_model_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    artifact_uri = table.Column<string>(type: "text", nullable: true),
                    training_method = table.Column<TrainingMethod>(type: "training_method", nullable: false),
                    training_data_span = table.Column<NpgsqlRange<DateTime>>(type: "tstzrange", nullable: true),
                    metrics = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_star_model_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stars",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    domain = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    persona = table.Column<string>(type: "text", nullable: false),
                    tone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<StarStatus>(type: "star_status", nullable: false),
                    current_model_version = table.Column<Guid>(type: "uuid", nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    avatar_key = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stars", x => x.id);
                    table.ForeignKey(
                        name: "fk_stars_star_model_versions_current_model_version",
                        column: x => x.current_model_version,
                        principalTable: "star_model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_stars_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "training_logs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_training_logs", x => x.id);
                    table.ForeignKey(
                        name: "fk_training_logs_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    response_uri = table.Column<string>(type: "text", nullable: true),
                    score = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    rank = table.Column<int>(type: "integer", nullable: true),
                    reward_points = table.Column<int>(type: "integer", nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_trial_entries_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_entries_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "roles",
                columns: new[] { "id", "concurrency_stamp", "name", "normalized_name" },
                values: new object[,]
                {
                    { new Guid("6f1c2a10-0000-4000-8000-000000000001"), "6f1c2a10-0000-4000-8000-000000000001", "star_owner", "STAR_OWNER" },
                    { new Guid("6f1c2a10-0000-4000-8000-000000000002"), "6f1c2a10-0000-4000-8000-000000000002", "skill_maker", "SKILL_MAKER" },
                    { new Guid("6f1c2a10-0000-4000-8000-000000000003"), "6f1c2a10-0000-4000-8000-000000000003", "admin", "ADMIN" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversation_feedback_conversation_id",
                table: "conversation_feedback",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversation_messages_conversation_id_created_at_id",
                table: "conversation_messages",
                columns: new[] { "conversation_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_star_id_created_at",
                table: "conversations",
                columns: new[] { "star_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_user_id_created_at",
                table: "conversations",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_chunks_star_id_task_id_seq",
                table: "knowledge_chunks",
                columns: new[] { "star_id", "task_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_chunks_task_id",
                table: "knowledge_chunks",
                column: "task_id");

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_tasks_star_id_created_at",
                table: "knowledge_tasks",
                columns: new[] { "star_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_knowledge_tasks_status",
                table: "knowledge_tasks",
                column: "status",
                filter: "status IN ('pending', 'processing')");

            migrationBuilder.CreateIndex(
                name: "ix_magnitude_history_star_id_evaluated_at",
                table: "magnitude_history",
                columns: new[] { "star_id", "evaluated_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_role_claims_role_id",
                table: "role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_skill_id",
                table: "skill_subscriptions",
                column: "skill_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_star_id_skill_id",
                table: "skill_subscriptions",
                columns: new[] { "star_id", "skill_id" });

            migrationBuilder.CreateIndex(
                name: "ix_skills_owner_id",
                table: "skills",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_skills_status_created_at",
                table: "skills",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_chunk_id",
                table: "star_embeddings",
                column: "chunk_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_embedding",
                table: "star_embeddings",
                column: "embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "vector_cosine_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_star_embeddings_star_id",
                table: "star_embeddings",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_model_versions_star_id_created_at",
                table: "star_model_versions",
                columns: new[] { "star_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_star_trials_created_by",
                table: "star_trials",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_star_trials_season_id_status",
                table: "star_trials",
                columns: new[] { "season_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_stars_current_model_version",
                table: "stars",
                column: "current_model_version");

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

            migrationBuilder.CreateIndex(
                name: "ix_stars_tags",
                table: "stars",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_training_logs_job_id_created_at_id",
                table: "training_logs",
                columns: new[] { "job_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_training_logs_star_id",
                table: "training_logs",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_star_id",
                table: "trial_entries",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_trial_id_score",
                table: "trial_entries",
                columns: new[] { "trial_id", "score" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_trial_id_star_id",
                table: "trial_entries",
                columns: new[] { "trial_id", "star_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_claims_user_id",
                table: "user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_logins_user_id",
                table: "user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_roles_role_id",
                table: "user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "ix_users_email",
                table: "users",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "users",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_webhooks_owner_id",
                table: "webhooks",
                column: "owner_id");

            migrationBuilder.AddForeignKey(
                name: "fk_conversation_feedback_conversations_conversation_id",
                table: "conversation_feedback",
                column: "conversation_id",
                principalTable: "conversations",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_conversation_messages_conversations_conversation_id",
                table: "conversation_messages",
                column: "conversation_id",
                principalTable: "conversations",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_conversations_stars_star_id",
                table: "conversations",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_knowledge_chunks_knowledge_tasks_task_id",
                table: "knowledge_chunks",
                column: "task_id",
                principalTable: "knowledge_tasks",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_knowledge_chunks_stars_star_id",
                table: "knowledge_chunks",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_knowledge_tasks_stars_star_id",
                table: "knowledge_tasks",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_magnitude_history_stars_star_id",
                table: "magnitude_history",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_skill_subscriptions_stars_star_id",
                table: "skill_subscriptions",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_star_embeddings_stars_star_id",
                table: "star_embeddings",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_star_model_versions_stars_star_id",
                table: "star_model_versions",
                column: "star_id",
                principalTable: "stars",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_stars_users_owner_id",
                table: "stars");

            migrationBuilder.DropForeignKey(
                name: "fk_star_model_versions_stars_star_id",
                table: "star_model_versions");

            migrationBuilder.DropTable(
                name: "conversation_feedback");

            migrationBuilder.DropTable(
                name: "conversation_messages");

            migrationBuilder.DropTable(
                name: "knowledge_chunks");

            migrationBuilder.DropTable(
                name: "magnitude_history");

            migrationBuilder.DropTable(
                name: "role_claims");

            migrationBuilder.DropTable(
                name: "skill_subscriptions");

            migrationBuilder.DropTable(
                name: "star_embeddings");

            migrationBuilder.DropTable(
                name: "training_logs");

            migrationBuilder.DropTable(
                name: "trial_entries");

            migrationBuilder.DropTable(
                name: "user_claims");

            migrationBuilder.DropTable(
                name: "user_logins");

            migrationBuilder.DropTable(
                name: "user_roles");

            migrationBuilder.DropTable(
                name: "user_tokens");

            migrationBuilder.DropTable(
                name: "webhooks");

            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "knowledge_tasks");

            migrationBuilder.DropTable(
                name: "skills");

            migrationBuilder.DropTable(
                name: "star_trials");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "stars");

            migrationBuilder.DropTable(
                name: "star_model_versions");

            // The generated Down left Up's enum types behind, so Up could not run again (MigrationRoundTripTests). The
            // extensions stay: Up creates them IF NOT EXISTS.
            migrationBuilder.Sql("""
                DROP TYPE conversation_channel, conversation_status, knowledge_source_type, knowledge_task_status,
                    magnitude_level, skill_pricing_type, skill_status, star_status, subscription_status, training_method,
                    trial_status, user_role, webhook_status;
                """);
        }
    }
}
