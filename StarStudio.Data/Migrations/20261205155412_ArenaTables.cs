using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using StarStudio.Core.Arena;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// The arena of issue 11: seasons, trial windows/rubric/limits, judges, entry drafts, entry results, rubric scores, blind
    /// battles and rating history, with their row-level security (docs/arena.md).
    /// </summary>
    public partial class ArenaTables : Migration
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
                .Annotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .Annotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .Annotation("Npgsql:Enum:star_status", "active,archived,paused")
                .Annotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .Annotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .Annotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .Annotation("Npgsql:Enum:wallet_currency", "balance,points")
                .Annotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .Annotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_usage,trial_reward")
                .Annotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .Annotation("Npgsql:PostgresExtension:citext", ",,")
                .Annotation("Npgsql:PostgresExtension:vector", ",,")
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
                .OldAnnotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .OldAnnotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .OldAnnotation("Npgsql:Enum:star_status", "active,archived,paused")
                .OldAnnotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .OldAnnotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .OldAnnotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .OldAnnotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .OldAnnotation("Npgsql:Enum:wallet_currency", "balance,points")
                .OldAnnotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .OldAnnotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_usage,trial_reward")
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.AddColumn<int>(
                name: "battles",
                table: "trial_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "draft_id",
                table: "trial_entries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "owner_id",
                table: "trial_entries",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "rank_best",
                table: "trial_entries",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "rank_worst",
                table: "trial_entries",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "rating",
                table: "trial_entries",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "rating_high",
                table: "trial_entries",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "rating_low",
                table: "trial_entries",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "rating_style_controlled",
                table: "trial_entries",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "rubric_mean",
                table: "trial_entries",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "schema_valid",
                table: "trial_entries",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<decimal>(
                name: "score_high",
                table: "trial_entries",
                type: "numeric(5,2)",
                precision: 5,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "score_low",
                table: "trial_entries",
                type: "numeric(5,2)",
                precision: 5,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "star_name",
                table: "trial_entries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "style_headers",
                table: "trial_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "style_length",
                table: "trial_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "style_list_items",
                table: "trial_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "prompt",
                table: "star_trials",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<bool>(
                name: "auto_open",
                table: "star_trials",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "decisive_votes",
                table: "star_trials",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ends_at",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "finished_at",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "left_wins",
                table: "star_trials",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_entries_per_owner",
                table: "star_trials",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "max_regenerations",
                table: "star_trials",
                type: "integer",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "opens_at",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "rubric",
                table: "star_trials",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "scored_at",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "submit_until",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "star_trials",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.CreateTable(
                name: "trial_battles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    voter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_a = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_b = table.Column<Guid>(type: "uuid", nullable: false),
                    pair_low = table.Column<Guid>(type: "uuid", nullable: false, computedColumnSql: "LEAST(entry_a, entry_b)", stored: true),
                    pair_high = table.Column<Guid>(type: "uuid", nullable: false, computedColumnSql: "GREATEST(entry_a, entry_b)", stored: true),
                    outcome = table.Column<BattleOutcome>(type: "battle_outcome", nullable: true),
                    shown_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    voted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_battles", x => x.id);
                    table.CheckConstraint("ck_trial_battles_voted", "(outcome IS NULL) = (voted_at IS NULL)");
                    table.ForeignKey(
                        name: "fk_trial_battles_asp_net_users_voter_id",
                        column: x => x.voter_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_battles_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_battles_trial_entries_entry_a",
                        column: x => x.entry_a,
                        principalTable: "trial_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_battles_trial_entries_entry_b",
                        column: x => x.entry_b,
                        principalTable: "trial_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_entry_drafts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    response_uri = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    schema_valid = table.Column<bool>(type: "boolean", nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    provider = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_entry_drafts", x => x.id);
                    table.ForeignKey(
                        name: "fk_trial_entry_drafts_asp_net_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_entry_drafts_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_trial_entry_drafts_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_entry_drafts_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_judges",
                columns: table => new
                {
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_judges", x => new { x.trial_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_trial_judges_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_judges_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_rating_history",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    scope = table.Column<RatingScope>(type: "rating_scope", nullable: false),
                    scope_id = table.Column<Guid>(type: "uuid", nullable: true),
                    star_id = table.Column<Guid>(type: "uuid", nullable: false),
                    star_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rating = table.Column<double>(type: "double precision", nullable: false),
                    lower = table.Column<double>(type: "double precision", nullable: false),
                    upper = table.Column<double>(type: "double precision", nullable: false),
                    votes = table.Column<int>(type: "integer", nullable: false),
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_rating_history", x => x.id);
                    table.ForeignKey(
                        name: "fk_trial_rating_history_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_rating_history_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_rubric_scores",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    trial_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    judge_id = table.Column<Guid>(type: "uuid", nullable: false),
                    criterion = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    score = table.Column<short>(type: "smallint", nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_rubric_scores", x => x.id);
                    table.CheckConstraint("ck_trial_rubric_scores_score", "score BETWEEN 1 AND 10");
                    table.ForeignKey(
                        name: "fk_trial_rubric_scores_asp_net_users_judge_id",
                        column: x => x.judge_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_rubric_scores_star_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "star_trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trial_rubric_scores_trial_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "trial_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trial_seasons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    rules = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    reward_table = table.Column<List<long>>(type: "bigint[]", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trial_seasons", x => x.id);
                    table.ForeignKey(
                        name: "fk_trial_seasons_asp_net_users_created_by",
                        column: x => x.created_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_draft_id",
                table: "trial_entries",
                column: "draft_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_owner_id",
                table: "trial_entries",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entries_trial_id_owner_id",
                table: "trial_entries",
                columns: new[] { "trial_id", "owner_id" });

            migrationBuilder.CreateIndex(
                name: "ix_star_trials_status_ends_at",
                table: "star_trials",
                columns: new[] { "status", "ends_at" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_star_trials_limits",
                table: "star_trials",
                sql: "max_entries_per_owner BETWEEN 1 AND 100 AND max_regenerations BETWEEN 0 AND 20");

            migrationBuilder.AddCheckConstraint(
                name: "ck_star_trials_window",
                table: "star_trials",
                sql: "opens_at <= submit_until AND submit_until <= ends_at");

            migrationBuilder.CreateIndex(
                name: "ix_trial_battles_entry_a",
                table: "trial_battles",
                column: "entry_a");

            migrationBuilder.CreateIndex(
                name: "ix_trial_battles_entry_b",
                table: "trial_battles",
                column: "entry_b");

            migrationBuilder.CreateIndex(
                name: "ix_trial_battles_trial_id_pair_low_pair_high",
                table: "trial_battles",
                columns: new[] { "trial_id", "pair_low", "pair_high" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_battles_trial_id_voter_id_pair_low_pair_high",
                table: "trial_battles",
                columns: new[] { "trial_id", "voter_id", "pair_low", "pair_high" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trial_battles_voter_id_voted_at",
                table: "trial_battles",
                columns: new[] { "voter_id", "voted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_entry_drafts_conversation_id",
                table: "trial_entry_drafts",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entry_drafts_owner_id",
                table: "trial_entry_drafts",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entry_drafts_star_id",
                table: "trial_entry_drafts",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_entry_drafts_trial_id_star_id_attempt",
                table: "trial_entry_drafts",
                columns: new[] { "trial_id", "star_id", "attempt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trial_judges_user_id",
                table: "trial_judges",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_rating_history_scope_scope_id_recorded_at",
                table: "trial_rating_history",
                columns: new[] { "scope", "scope_id", "recorded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_rating_history_star_id_scope",
                table: "trial_rating_history",
                columns: new[] { "star_id", "scope" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_rating_history_trial_id",
                table: "trial_rating_history",
                column: "trial_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_rubric_scores_entry_id_judge_id_criterion",
                table: "trial_rubric_scores",
                columns: new[] { "entry_id", "judge_id", "criterion" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trial_rubric_scores_judge_id",
                table: "trial_rubric_scores",
                column: "judge_id");

            migrationBuilder.CreateIndex(
                name: "ix_trial_rubric_scores_trial_id_judge_id",
                table: "trial_rubric_scores",
                columns: new[] { "trial_id", "judge_id" });

            migrationBuilder.CreateIndex(
                name: "ix_trial_seasons_created_by",
                table: "trial_seasons",
                column: "created_by");

            migrationBuilder.CreateIndex(
                name: "ix_trial_seasons_starts_at",
                table: "trial_seasons",
                column: "starts_at");

            migrationBuilder.AddForeignKey(
                name: "fk_star_trials_trial_seasons_season_id",
                table: "star_trials",
                column: "season_id",
                principalTable: "trial_seasons",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_trial_entries_asp_net_users_owner_id",
                table: "trial_entries",
                column: "owner_id",
                principalTable: "users",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_trial_entries_trial_entry_drafts_draft_id",
                table: "trial_entries",
                column: "draft_id",
                principalTable: "trial_entry_drafts",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            const string Owned = "star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))";
            migrationBuilder.Sql($$"""
                -- Seasons and rating history: everyone reads (the leaderboards are public); admins write (scoring acts
                -- as the trial's creator, an admin).
                ALTER TABLE trial_seasons ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_seasons FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_seasons_read ON trial_seasons FOR SELECT USING (true);
                CREATE POLICY trial_seasons_admin ON trial_seasons FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                ALTER TABLE trial_rating_history ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_rating_history FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_rating_history_read ON trial_rating_history FOR SELECT USING (true);
                CREATE POLICY trial_rating_history_admin ON trial_rating_history FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- Judges: a judge sees that they judge; admins appoint.
                ALTER TABLE trial_judges ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_judges FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_judges_read ON trial_judges FOR SELECT
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY trial_judges_admin ON trial_judges FOR ALL
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- Drafts: the star's owner writes them (as themself, for a visible trial) and reads them; admins read.
                -- Never updated or deleted (a star's deletion cascades past the policies).
                ALTER TABLE trial_entry_drafts ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_entry_drafts FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_entry_drafts_read ON trial_entry_drafts FOR SELECT USING ({{Owned}});
                CREATE POLICY trial_entry_drafts_insert ON trial_entry_drafts FOR INSERT
                    WITH CHECK (owner_id = (SELECT app_user_id())
                        AND star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()))
                        AND trial_id IN (SELECT id FROM star_trials));

                -- Entries: as before the star's owner (trial_entries_by_owned_star) and admins; now also everyone reads
                -- the entries of a published trial once its submission window has closed (the leaderboard, battles).
                -- An owner enters as the star's owner and without results; results (score, rank, rating, reward) are
                -- written by scoring (an admin) only; owners never update or delete an entry.
                CREATE POLICY trial_entries_public_read ON trial_entries FOR SELECT
                    USING (trial_id IN (SELECT id FROM star_trials WHERE status <> 'draft' AND submit_until <= now()));
                CREATE POLICY trial_entries_entered_as_owner ON trial_entries AS RESTRICTIVE FOR INSERT
                    WITH CHECK ((SELECT app_is_admin()) OR (owner_id = (SELECT app_user_id())
                        AND star_id IN (SELECT id FROM stars WHERE owner_id = (SELECT app_user_id()))
                        AND score IS NULL AND rank IS NULL AND reward_points = 0 AND rating IS NULL AND battles = 0));
                CREATE POLICY trial_entries_results_by_admin ON trial_entries AS RESTRICTIVE FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                CREATE POLICY trial_entries_removed_by_admin ON trial_entries AS RESTRICTIVE FOR DELETE
                    USING ((SELECT app_is_admin()));

                -- Rubric scores: a judge of the trial writes and reads their own, on an entry of that trial; admins read
                -- all; an entry's owner reads its scores once the trial has finished.
                ALTER TABLE trial_rubric_scores ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_rubric_scores FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_rubric_scores_judge ON trial_rubric_scores FOR ALL
                    USING (judge_id = (SELECT app_user_id())
                        AND trial_id IN (SELECT trial_id FROM trial_judges WHERE user_id = (SELECT app_user_id())))
                    WITH CHECK (judge_id = (SELECT app_user_id())
                        AND trial_id IN (SELECT trial_id FROM trial_judges WHERE user_id = (SELECT app_user_id()))
                        AND entry_id IN (SELECT e.id FROM trial_entries e WHERE e.trial_id = trial_rubric_scores.trial_id));
                CREATE POLICY trial_rubric_scores_admin_read ON trial_rubric_scores FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY trial_rubric_scores_owner_read ON trial_rubric_scores FOR SELECT
                    USING (entry_id IN (SELECT id FROM trial_entries WHERE owner_id = (SELECT app_user_id()))
                        AND trial_id IN (SELECT id FROM star_trials WHERE status = 'finished'));

                -- Battles: the voter's own, on two entries of the trial; admins read all (scoring). What was shown never
                -- changes; only the vote is filled in.
                ALTER TABLE trial_battles ENABLE ROW LEVEL SECURITY;
                ALTER TABLE trial_battles FORCE ROW LEVEL SECURITY;
                CREATE POLICY trial_battles_voter ON trial_battles FOR ALL
                    USING (voter_id = (SELECT app_user_id()))
                    WITH CHECK (voter_id = (SELECT app_user_id())
                        AND entry_a IN (SELECT e.id FROM trial_entries e WHERE e.trial_id = trial_battles.trial_id)
                        AND entry_b IN (SELECT e.id FROM trial_entries e WHERE e.trial_id = trial_battles.trial_id));
                CREATE POLICY trial_battles_admin_read ON trial_battles FOR SELECT USING ((SELECT app_is_admin()));
                CREATE TRIGGER trial_battles_keep_what_was_shown BEFORE UPDATE ON trial_battles
                    FOR EACH ROW EXECUTE FUNCTION app_keep_columns('id', 'trial_id', 'voter_id', 'entry_a', 'entry_b', 'pair_low', 'pair_high', 'shown_at');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP POLICY trial_entries_public_read ON trial_entries;
                DROP POLICY trial_entries_entered_as_owner ON trial_entries;
                DROP POLICY trial_entries_results_by_admin ON trial_entries;
                DROP POLICY trial_entries_removed_by_admin ON trial_entries;
                """);
            migrationBuilder.DropForeignKey(
                name: "fk_star_trials_trial_seasons_season_id",
                table: "star_trials");

            migrationBuilder.DropForeignKey(
                name: "fk_trial_entries_asp_net_users_owner_id",
                table: "trial_entries");

            migrationBuilder.DropForeignKey(
                name: "fk_trial_entries_trial_entry_drafts_draft_id",
                table: "trial_entries");

            migrationBuilder.DropTable(
                name: "trial_battles");

            migrationBuilder.DropTable(
                name: "trial_entry_drafts");

            // Before trial_judges: its judge policy reads trial_judges.
            migrationBuilder.DropTable(
                name: "trial_rubric_scores");

            migrationBuilder.DropTable(
                name: "trial_judges");

            migrationBuilder.DropTable(
                name: "trial_rating_history");

            migrationBuilder.DropTable(
                name: "trial_seasons");

            migrationBuilder.DropIndex(
                name: "ix_trial_entries_draft_id",
                table: "trial_entries");

            migrationBuilder.DropIndex(
                name: "ix_trial_entries_owner_id",
                table: "trial_entries");

            migrationBuilder.DropIndex(
                name: "ix_trial_entries_trial_id_owner_id",
                table: "trial_entries");

            migrationBuilder.DropIndex(
                name: "ix_star_trials_status_ends_at",
                table: "star_trials");

            migrationBuilder.DropCheckConstraint(
                name: "ck_star_trials_limits",
                table: "star_trials");

            migrationBuilder.DropCheckConstraint(
                name: "ck_star_trials_window",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "battles",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "draft_id",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rank_best",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rank_worst",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rating",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rating_high",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rating_low",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rating_style_controlled",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "rubric_mean",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "schema_valid",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "score_high",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "score_low",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "star_name",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "style_headers",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "style_length",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "style_list_items",
                table: "trial_entries");

            migrationBuilder.DropColumn(
                name: "auto_open",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "decisive_votes",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "ends_at",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "finished_at",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "left_wins",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "max_entries_per_owner",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "max_regenerations",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "opens_at",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "rubric",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "scored_at",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "submit_until",
                table: "star_trials");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "star_trials");

            migrationBuilder.AlterDatabase()
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
                .Annotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .Annotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .Annotation("Npgsql:Enum:star_status", "active,archived,paused")
                .Annotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .Annotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .Annotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .Annotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .Annotation("Npgsql:Enum:wallet_currency", "balance,points")
                .Annotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .Annotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_usage,trial_reward")
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
                .OldAnnotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .OldAnnotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
                .OldAnnotation("Npgsql:Enum:star_status", "active,archived,paused")
                .OldAnnotation("Npgsql:Enum:subscription_status", "active,cancelled,expired")
                .OldAnnotation("Npgsql:Enum:training_method", "dpo,qlora,sft")
                .OldAnnotation("Npgsql:Enum:trial_status", "draft,finished,ongoing")
                .OldAnnotation("Npgsql:Enum:user_role", "admin,skill_maker,star_owner")
                .OldAnnotation("Npgsql:Enum:wallet_currency", "balance,points")
                .OldAnnotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .OldAnnotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_usage,trial_reward")
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.AlterColumn<string>(
                name: "prompt",
                table: "star_trials",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(8000)",
                oldMaxLength: 8000);
        }
    }
}
