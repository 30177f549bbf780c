using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class Training : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                .OldAnnotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .OldAnnotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .OldAnnotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .OldAnnotation("Npgsql:Enum:wallet_currency", "balance,points")
                .OldAnnotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .OldAnnotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_revenue,skill_subscription,skill_usage,trial_reward")
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.AddColumn<Guid>(
                name: "created_by",
                table: "star_model_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "dataset_id",
                table: "star_model_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "served_model_id",
                table: "star_model_versions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "trainer_id",
                table: "star_model_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "training_job_id",
                table: "star_model_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "evidence",
                table: "magnitude_history",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "report_uri",
                table: "magnitude_history",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "trigger",
                table: "magnitude_history",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "nightly");

            migrationBuilder.AddColumn<int>(
                name: "citation_count",
                table: "chat_traces",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<float>(
                name: "copied_share",
                table: "chat_traces",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "model_version_id",
                table: "chat_traces",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "answer_feedback",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rating = table.Column<short>(type: "smallint", nullable: false),
                    labels = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'::text[]"),
                    prompt = table.Column<string>(type: "text", nullable: false),
                    answer = table.Column<string>(type: "text", nullable: false),
                    model_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_answer_feedback", x => x.id);
                    table.CheckConstraint("ck_answer_feedback_rating", "rating BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_answer_feedback_chat_traces_trace_id",
                        column: x => x.trace_id,
                        principalTable: "chat_traces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_answer_feedback_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_answer_feedback_star_model_versions_model_version_id",
                        column: x => x.model_version_id,
                        principalTable: "star_model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_answer_feedback_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trainers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    base_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    api_key_protected = table.Column<string>(type: "text", nullable: true),
                    methods = table.Column<List<TrainingMethod>>(type: "training_method[]", nullable: false),
                    base_model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    serving_provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trainers", x => x.id);
                    table.ForeignKey(
                        name: "fk_trainers_llm_providers_serving_provider_id",
                        column: x => x.serving_provider_id,
                        principalTable: "llm_providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "training_datasets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    filters = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    counts = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    manifest_uri = table.Column<string>(type: "text", nullable: false),
                    data_span = table.Column<NpgsqlRange<DateTime>>(type: "tstzrange", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_training_datasets", x => x.id);
                    table.ForeignKey(
                        name: "fk_training_datasets_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_training_datasets_users_created_by",
                        column: x => x.created_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "training_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    method = table.Column<TrainingMethod>(type: "training_method", nullable: false),
                    trainer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<TrainingJobStatus>(type: "training_job_status", nullable: false),
                    phase = table.Column<TrainingJobPhase>(type: "training_phase", nullable: true),
                    progress = table.Column<short>(type: "smallint", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    external_job_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    base_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    model_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    metrics = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    interrupted_runs = table.Column<int>(type: "integer", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    enqueued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_training_jobs", x => x.id);
                    table.CheckConstraint("ck_training_jobs_progress", "progress BETWEEN 0 AND 100");
                    table.ForeignKey(
                        name: "fk_training_jobs_star_model_versions_base_version_id",
                        column: x => x.base_version_id,
                        principalTable: "star_model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_training_jobs_star_model_versions_model_version_id",
                        column: x => x.model_version_id,
                        principalTable: "star_model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_training_jobs_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_training_jobs_trainers_trainer_id",
                        column: x => x.trainer_id,
                        principalTable: "trainers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_training_jobs_training_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "training_datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_training_jobs_users_created_by",
                        column: x => x.created_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_star_model_versions_created_by",
                table: "star_model_versions",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_star_model_versions_dataset_id",
                table: "star_model_versions",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_star_model_versions_star_id_version_name",
                table: "star_model_versions",
                columns: new[] { "star_id", "version_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_star_model_versions_trainer_id",
                table: "star_model_versions",
                column: "trainer_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_traces_model_version_id",
                table: "chat_traces",
                column: "model_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_answer_feedback_conversation_id",
                table: "answer_feedback",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_answer_feedback_message_id",
                table: "answer_feedback",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_answer_feedback_model_version_id",
                table: "answer_feedback",
                column: "model_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_answer_feedback_star_id_created_at",
                table: "answer_feedback",
                columns: new[] { "star_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_answer_feedback_trace_id",
                table: "answer_feedback",
                column: "trace_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trainers_name",
                table: "trainers",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trainers_serving_provider_id",
                table: "trainers",
                column: "serving_provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_training_datasets_created_by",
                table: "training_datasets",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_training_datasets_star_id_created_at",
                table: "training_datasets",
                columns: new[] { "star_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_base_version_id",
                table: "training_jobs",
                column: "base_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_created_by",
                table: "training_jobs",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_dataset_id",
                table: "training_jobs",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_lease_until",
                table: "training_jobs",
                column: "lease_until",
                filter: "status IN ('queued', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_model_version_id",
                table: "training_jobs",
                column: "model_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_star_id_created_at",
                table: "training_jobs",
                columns: new[] { "star_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_training_jobs_trainer_id",
                table: "training_jobs",
                column: "trainer_id");

            migrationBuilder.CreateIndex(
                name: "ux_training_jobs_one_active_per_star",
                table: "training_jobs",
                column: "star_id",
                unique: true,
                filter: "status IN ('queued', 'running')");

            migrationBuilder.AddForeignKey(
                name: "fk_chat_traces_star_model_versions_model_version_id",
                table: "chat_traces",
                column: "model_version_id",
                principalTable: "star_model_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_star_model_versions_trainers_trainer_id",
                table: "star_model_versions",
                column: "trainer_id",
                principalTable: "trainers",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_star_model_versions_training_datasets_dataset_id",
                table: "star_model_versions",
                column: "dataset_id",
                principalTable: "training_datasets",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_star_model_versions_users_created_by",
                table: "star_model_versions",
                column: "created_by",
                principalTable: "users",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            // Row-level security (docs/training.md): datasets and jobs are their star owner's (and admins'); answer ratings
            // are their rater's, readable by the star's owner; the active version and the magnitude of a public star are
            // readable by everyone, because its answers are made with the one and its badge shows the other.
            const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";
            const string PublicStar = "star_id IN (SELECT id FROM stars WHERE is_public AND status = 'active')";
            migrationBuilder.Sql($"""
                ALTER TABLE training_datasets ENABLE ROW LEVEL SECURITY;
                ALTER TABLE training_datasets FORCE ROW LEVEL SECURITY;
                CREATE POLICY training_datasets_by_owned_star ON training_datasets USING ({Owned}) WITH CHECK ({Owned});

                ALTER TABLE training_jobs ENABLE ROW LEVEL SECURITY;
                ALTER TABLE training_jobs FORCE ROW LEVEL SECURITY;
                CREATE POLICY training_jobs_by_owned_star ON training_jobs USING ({Owned}) WITH CHECK ({Owned});

                -- Owners pick a trainer by name when they train; the API key is Data-Protection ciphertext. Admins write.
                ALTER TABLE trainers ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trainers FORCE ROW LEVEL SECURITY;
                CREATE POLICY trainers_read ON trainers FOR SELECT USING ((SELECT app_user_id()) IS NOT NULL);
                CREATE POLICY trainers_admin ON trainers USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                ALTER TABLE answer_feedback ENABLE ROW LEVEL SECURITY;
                ALTER TABLE answer_feedback FORCE ROW LEVEL SECURITY;
                CREATE POLICY answer_feedback_read ON answer_feedback FOR SELECT
                    USING (user_id = (SELECT app_user_id()) OR {Owned});
                -- The rater names a generation (trace) of their own conversation with the star, and the version that wrote
                -- it. Definer: a player cannot read traces (they hold the star's prompt), so the policy cannot join them.
                CREATE FUNCTION answer_feedback_names_own_trace(p_trace uuid, p_conversation uuid, p_star uuid, p_version uuid) RETURNS boolean
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                        SELECT EXISTS (SELECT 1 FROM chat_traces t
                            WHERE t.id = p_trace AND t.conversation_id = p_conversation AND t.star_id = p_star
                              AND t.model_version_id IS NOT DISTINCT FROM p_version
                              AND t.user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
                    $f$;
                REVOKE ALL ON FUNCTION answer_feedback_names_own_trace(uuid, uuid, uuid, uuid) FROM PUBLIC;
                CREATE POLICY answer_feedback_rate ON answer_feedback FOR INSERT
                    WITH CHECK (user_id = (SELECT app_user_id())
                                AND answer_feedback_names_own_trace(trace_id, conversation_id, star_id, model_version_id));
                CREATE POLICY answer_feedback_rerate ON answer_feedback FOR UPDATE
                    USING (user_id = (SELECT app_user_id()))
                    WITH CHECK (user_id = (SELECT app_user_id())
                                AND answer_feedback_names_own_trace(trace_id, conversation_id, star_id, model_version_id));

                -- Foreign keys are checked past the policies: these keep every reference on the writer's own star and
                -- every author column the writer's own (the knowledge tables' pattern).
                CREATE POLICY star_model_versions_own_refs ON star_model_versions AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK ((SELECT app_is_admin())
                                OR ((created_by IS NULL OR created_by = (SELECT app_user_id()))
                                    AND (dataset_id IS NULL OR dataset_id IN (SELECT d.id FROM training_datasets d WHERE d.star_id = star_model_versions.star_id))));
                CREATE POLICY training_datasets_own_refs ON training_datasets AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK ((SELECT app_is_admin()) OR created_by = (SELECT app_user_id()));
                CREATE POLICY training_jobs_own_refs ON training_jobs AS RESTRICTIVE FOR ALL USING (true)
                    WITH CHECK ((SELECT app_is_admin())
                                OR (created_by = (SELECT app_user_id())
                                    AND dataset_id IN (SELECT d.id FROM training_datasets d WHERE d.star_id = training_jobs.star_id)
                                    AND (base_version_id IS NULL OR base_version_id IN (SELECT v.id FROM star_model_versions v WHERE v.star_id = training_jobs.star_id))
                                    AND (model_version_id IS NULL OR model_version_id IN (SELECT v.id FROM star_model_versions v WHERE v.star_id = training_jobs.star_id))));

                CREATE POLICY star_model_versions_public_current ON star_model_versions FOR SELECT
                    USING (id IN (SELECT current_model_version FROM stars WHERE is_public AND status = 'active'));
                CREATE POLICY magnitude_history_public_read ON magnitude_history FOR SELECT USING ({PublicStar});

                -- A star runs only one of its own versions: activating another star's version (or another owner's) fails here
                -- even when a caller skips the service. Invoker's rights on purpose: the versions table forces RLS on its owner
                -- too, so a definer would see nothing; the writer (the star's owner, an admin, maintenance) sees the star's own.
                CREATE FUNCTION stars_own_model_version() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF NEW.current_model_version IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM star_model_versions v WHERE v.id = NEW.current_model_version AND v.star_id = NEW.id) THEN
                            RAISE EXCEPTION 'model version % is not a version of star %', NEW.current_model_version, NEW.id USING ERRCODE = '23503';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION stars_own_model_version() FROM PUBLIC;
                CREATE TRIGGER stars_own_model_version BEFORE INSERT OR UPDATE OF current_model_version ON stars
                    FOR EACH ROW EXECUTE FUNCTION stars_own_model_version();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP POLICY answer_feedback_rate ON answer_feedback;
                DROP POLICY answer_feedback_rerate ON answer_feedback;
                DROP FUNCTION answer_feedback_names_own_trace(uuid, uuid, uuid, uuid);
                DROP TRIGGER stars_own_model_version ON stars;
                DROP FUNCTION stars_own_model_version();
                DROP POLICY magnitude_history_public_read ON magnitude_history;
                DROP POLICY star_model_versions_public_current ON star_model_versions;
                DROP POLICY star_model_versions_own_refs ON star_model_versions;
                """);
            migrationBuilder.DropForeignKey(
                name: "fk_chat_traces_star_model_versions_model_version_id",
                table: "chat_traces");

            migrationBuilder.DropForeignKey(
                name: "fk_star_model_versions_trainers_trainer_id",
                table: "star_model_versions");

            migrationBuilder.DropForeignKey(
                name: "fk_star_model_versions_training_datasets_dataset_id",
                table: "star_model_versions");

            migrationBuilder.DropForeignKey(
                name: "fk_star_model_versions_users_created_by",
                table: "star_model_versions");

            migrationBuilder.DropTable(
                name: "answer_feedback");

            migrationBuilder.DropTable(
                name: "training_jobs");

            migrationBuilder.DropTable(
                name: "trainers");

            migrationBuilder.DropTable(
                name: "training_datasets");

            migrationBuilder.DropIndex(
                name: "ix_star_model_versions_created_by",
                table: "star_model_versions");

            migrationBuilder.DropIndex(
                name: "ix_star_model_versions_dataset_id",
                table: "star_model_versions");

            migrationBuilder.DropIndex(
                name: "ix_star_model_versions_star_id_version_name",
                table: "star_model_versions");

            migrationBuilder.DropIndex(
                name: "ix_star_model_versions_trainer_id",
                table: "star_model_versions");

            migrationBuilder.DropIndex(
                name: "ix_chat_traces_model_version_id",
                table: "chat_traces");

            migrationBuilder.DropColumn(
                name: "created_by",
                table: "star_model_versions");

            migrationBuilder.DropColumn(
                name: "dataset_id",
                table: "star_model_versions");

            migrationBuilder.DropColumn(
                name: "served_model_id",
                table: "star_model_versions");

            migrationBuilder.DropColumn(
                name: "trainer_id",
                table: "star_model_versions");

            migrationBuilder.DropColumn(
                name: "training_job_id",
                table: "star_model_versions");

            migrationBuilder.DropColumn(
                name: "evidence",
                table: "magnitude_history");

            migrationBuilder.DropColumn(
                name: "report_uri",
                table: "magnitude_history");

            migrationBuilder.DropColumn(
                name: "trigger",
                table: "magnitude_history");

            migrationBuilder.DropColumn(
                name: "citation_count",
                table: "chat_traces");

            migrationBuilder.DropColumn(
                name: "copied_share",
                table: "chat_traces");

            migrationBuilder.DropColumn(
                name: "model_version_id",
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
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
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
        }
    }
}
