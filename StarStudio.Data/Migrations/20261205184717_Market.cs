using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using StarStudio.Core.Market;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class Market : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The two ledger sources are added by hand, IF NOT EXISTS: PostgreSQL cannot drop an enum label, so Down
            // keeps them, and Up after Down must not add them twice (MigrationRoundTripTests). EF's own statements were
            // these without IF NOT EXISTS.
            migrationBuilder.Sql("""
                ALTER TYPE wallet_ledger_source ADD VALUE IF NOT EXISTS 'skill_revenue' AFTER 'registration';
                ALTER TYPE wallet_ledger_source ADD VALUE IF NOT EXISTS 'skill_subscription' AFTER 'skill_revenue';
                """);

            migrationBuilder.DropIndex(
                name: "ix_skill_subscriptions_star_id_skill_id",
                table: "skill_subscriptions");

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
                .OldAnnotation("Npgsql:Enum:skill_pricing_type", "free,subscription,usage")
                .OldAnnotation("Npgsql:Enum:skill_status", "draft,pending_review,published,suspended")
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

            migrationBuilder.AlterColumn<decimal>(
                name: "price",
                table: "skills",
                type: "numeric(18,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric");

            migrationBuilder.AddColumn<string>(
                name: "auth_header",
                table: "skills",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "auth_secret_protected",
                table: "skills",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<SkillAuthType>(
                name: "auth_type",
                table: "skills",
                type: "skill_auth_type",
                nullable: false,
                defaultValue: SkillAuthType.None);

            migrationBuilder.AddColumn<long>(
                name: "call_count",
                table: "skills",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "category",
                table: "skills",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "other");

            migrationBuilder.AddColumn<string>(
                name: "description_en",
                table: "skills",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "examples",
                table: "skills",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "icon",
                table: "skills",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "🧩");

            migrationBuilder.AddColumn<string>(
                name: "output_schema",
                table: "skills",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "published_at",
                table: "skills",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "published_version_id",
                table: "skills",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "rating_avg",
                table: "skills",
                type: "numeric(3,2)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<int>(
                name: "rating_count",
                table: "skills",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "signing_secret_protected",
                table: "skills",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "subscriber_count",
                table: "skills",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "suspended_reason",
                table: "skills",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "skills",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<bool>(
                name: "auto_renew",
                table: "skill_subscriptions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancelled_at",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "created_at",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "current_period_start",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "owner_id",
                table: "skill_subscriptions",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "period_months",
                table: "skill_subscriptions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "periods_charged",
                table: "skill_subscriptions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<decimal>(
                name: "price",
                table: "skill_subscriptions",
                type: "numeric(18,4)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<SkillPricingType>(
                name: "pricing_type",
                table: "skill_subscriptions",
                type: "skill_pricing_type",
                nullable: false,
                defaultValue: SkillPricingType.Free);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "renewal_failed_at",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "renewal_notice",
                table: "skill_subscriptions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "skill_version_id",
                table: "skill_subscriptions",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "started_at",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "skill_subscriptions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.CreateTable(
                name: "skill_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    skill_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rating = table.Column<short>(type: "smallint", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    maker_reply = table.Column<string>(type: "text", nullable: true),
                    replied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_reviews", x => x.id);
                    table.CheckConstraint("ck_skill_reviews_body", "char_length(body) <= 2000 AND (maker_reply IS NULL OR char_length(maker_reply) <= 2000)");
                    table.CheckConstraint("ck_skill_reviews_rating", "rating BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_skill_reviews_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_reviews_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "skill_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    skill_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    change_log = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    description_en = table.Column<string>(type: "text", nullable: true),
                    category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    icon = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    api_endpoint = table.Column<string>(type: "text", nullable: false),
                    input_schema = table.Column<string>(type: "jsonb", nullable: false),
                    output_schema = table.Column<string>(type: "jsonb", nullable: false),
                    pricing_type = table.Column<SkillPricingType>(type: "skill_pricing_type", nullable: false),
                    price = table.Column<decimal>(type: "numeric(18,4)", nullable: false),
                    examples = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<SkillVersionStatus>(type: "skill_version_status", nullable: false),
                    reject_reason = table.Column<string>(type: "text", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reviewed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: false, defaultValue: ""),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "to_tsvector('simple'::regconfig, search_text)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_versions", x => x.id);
                    table.CheckConstraint("ck_skill_versions_price", "price >= 0");
                    table.ForeignKey(
                        name: "fk_skill_versions_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_versions_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_skill_versions_users_reviewed_by",
                        column: x => x.reviewed_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "skill_calls",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    request_id = table.Column<string>(type: "character varying(160)", maxLength: 160, nullable: false),
                    skill_id = table.Column<Guid>(type: "uuid", nullable: false),
                    skill_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    subscription_id = table.Column<Guid>(type: "uuid", nullable: true),
                    star_id = table.Column<Guid>(type: "uuid", nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    maker_id = table.Column<Guid>(type: "uuid", nullable: false),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    error_code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    http_status = table.Column<int>(type: "integer", nullable: true),
                    latency_ms = table.Column<int>(type: "integer", nullable: false),
                    price = table.Column<decimal>(type: "numeric(18,4)", nullable: false),
                    maker_share = table.Column<decimal>(type: "numeric(18,4)", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skill_calls", x => x.id);
                    table.CheckConstraint("ck_skill_calls_money", "price >= 0 AND maker_share >= 0 AND maker_share <= price AND latency_ms >= 0");
                    table.ForeignKey(
                        name: "fk_skill_calls_skill_subscriptions_subscription_id",
                        column: x => x.subscription_id,
                        principalTable: "skill_subscriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_skill_calls_skill_versions_skill_version_id",
                        column: x => x.skill_version_id,
                        principalTable: "skill_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_calls_skills_skill_id",
                        column: x => x.skill_id,
                        principalTable: "skills",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_calls_stars_star_id",
                        column: x => x.star_id,
                        principalTable: "stars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_skill_calls_users_maker_id",
                        column: x => x.maker_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_skill_calls_users_payer_id",
                        column: x => x.payer_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_skills_published_version_id",
                table: "skills",
                column: "published_version_id");

            migrationBuilder.AddCheckConstraint(
                name: "ck_skills_counts",
                table: "skills",
                sql: "subscriber_count >= 0 AND call_count >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_skills_rating",
                table: "skills",
                sql: "rating_avg BETWEEN 0 AND 5 AND rating_count >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_due",
                table: "skill_subscriptions",
                column: "current_period_end",
                filter: "status = 'active' AND current_period_end IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_owner_id",
                table: "skill_subscriptions",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_skill_version_id",
                table: "skill_subscriptions",
                column: "skill_version_id");

            migrationBuilder.CreateIndex(
                name: "ux_skill_subscriptions_active",
                table: "skill_subscriptions",
                columns: new[] { "star_id", "skill_id" },
                unique: true,
                filter: "status = 'active'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_skill_subscriptions_period",
                table: "skill_subscriptions",
                sql: "period_months >= 0 AND periods_charged >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_skill_subscriptions_price",
                table: "skill_subscriptions",
                sql: "price >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_maker_id_created_at",
                table: "skill_calls",
                columns: new[] { "maker_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_payer_id_created_at",
                table: "skill_calls",
                columns: new[] { "payer_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_request_id",
                table: "skill_calls",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_skill_id_created_at",
                table: "skill_calls",
                columns: new[] { "skill_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_skill_version_id",
                table: "skill_calls",
                column: "skill_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_star_id",
                table: "skill_calls",
                column: "star_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_calls_subscription_id",
                table: "skill_calls",
                column: "subscription_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_reviews_skill_id_created_at",
                table: "skill_reviews",
                columns: new[] { "skill_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_skill_reviews_skill_id_user_id",
                table: "skill_reviews",
                columns: new[] { "skill_id", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_skill_reviews_user_id",
                table: "skill_reviews",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_versions_owner_id",
                table: "skill_versions",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_skill_versions_reviewed_by",
                table: "skill_versions",
                column: "reviewed_by");

            migrationBuilder.CreateIndex(
                name: "ix_skill_versions_search_vector",
                table: "skill_versions",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_skill_versions_skill_id_version",
                table: "skill_versions",
                columns: new[] { "skill_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_skill_versions_status_submitted_at",
                table: "skill_versions",
                columns: new[] { "status", "submitted_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_skill_subscriptions_skill_versions_skill_version_id",
                table: "skill_subscriptions",
                column: "skill_version_id",
                principalTable: "skill_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_skill_subscriptions_users_owner_id",
                table: "skill_subscriptions",
                column: "owner_id",
                principalTable: "users",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_skills_skill_versions_published_version_id",
                table: "skills",
                column: "published_version_id",
                principalTable: "skill_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.Sql($$"""
                -- Who runs a statement: the table owner (the migrator, and SECURITY DEFINER functions, which keep the
                -- counters and move money) and roles acting with its privileges (maintenance) are trusted; the application
                -- role is checked by the guards below.
                CREATE FUNCTION market_is_owner(rel regclass) RETURNS boolean
                    LANGUAGE sql STABLE SET search_path = public, pg_temp
                    AS $f$ SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = rel $f$;

                -- Skills: the maker edits the draft and submits it; the catalog standing (published version, suspension,
                -- ratings, counters) is set by admins and by the owner's functions only.
                ALTER TABLE skills NO FORCE ROW LEVEL SECURITY;
                CREATE FUNCTION skills_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF market_is_owner(TG_RELID) OR (SELECT app_is_admin()) THEN
                            RETURN NEW;
                        END IF;
                        IF TG_OP = 'INSERT' THEN
                            IF NEW.status <> 'draft' OR NEW.published_version_id IS NOT NULL OR NEW.published_at IS NOT NULL
                               OR NEW.suspended_reason IS NOT NULL OR NEW.rating_avg <> 0 OR NEW.rating_count <> 0
                               OR NEW.subscriber_count <> 0 OR NEW.call_count <> 0 THEN
                                RAISE EXCEPTION 'a new skill starts as a draft' USING ERRCODE = '42501';
                            END IF;
                            RETURN NEW;
                        END IF;
                        IF NEW.owner_id IS DISTINCT FROM OLD.owner_id
                           OR NEW.published_version_id IS DISTINCT FROM OLD.published_version_id
                           OR NEW.published_at IS DISTINCT FROM OLD.published_at
                           OR NEW.suspended_reason IS DISTINCT FROM OLD.suspended_reason
                           OR NEW.rating_avg IS DISTINCT FROM OLD.rating_avg OR NEW.rating_count IS DISTINCT FROM OLD.rating_count
                           OR NEW.subscriber_count IS DISTINCT FROM OLD.subscriber_count OR NEW.call_count IS DISTINCT FROM OLD.call_count
                           OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
                            RAISE EXCEPTION 'only admins change a skill''s standing' USING ERRCODE = '42501';
                        END IF;
                        -- The maker submits a never-published draft (draft -> pending_review) or withdraws it; nothing else.
                        IF NEW.status IS DISTINCT FROM OLD.status
                           AND NOT (OLD.status = 'draft' AND NEW.status = 'pending_review')
                           AND NOT (OLD.status = 'pending_review' AND NEW.status = 'draft') THEN
                            RAISE EXCEPTION 'skill status % -> % is an admin''s', OLD.status, NEW.status USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER skills_guard BEFORE INSERT OR UPDATE ON skills FOR EACH ROW EXECUTE FUNCTION skills_guard();

                -- Versions: immutable snapshots. Everyone reads published ones; the maker reads theirs and submits new ones
                -- (pending review) for their own skill, and may withdraw a pending one; admins review (once).
                ALTER TABLE skill_versions ENABLE ROW LEVEL SECURITY;
                ALTER TABLE skill_versions FORCE ROW LEVEL SECURITY;
                CREATE POLICY skill_versions_read ON skill_versions FOR SELECT
                    USING (status = 'published' OR owner_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE POLICY skill_versions_submit ON skill_versions FOR INSERT
                    WITH CHECK ((owner_id = (SELECT app_user_id()) AND status = 'pending_review' AND reviewed_at IS NULL
                                 AND reviewed_by IS NULL AND reject_reason IS NULL
                                 AND skill_id IN (SELECT id FROM skills WHERE owner_id = (SELECT app_user_id())))
                                OR (SELECT app_is_admin()));
                CREATE POLICY skill_versions_review ON skill_versions FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                CREATE POLICY skill_versions_withdraw ON skill_versions FOR DELETE
                    USING ((owner_id = (SELECT app_user_id()) AND status = 'pending_review') OR (SELECT app_is_admin()));
                CREATE FUNCTION skill_versions_immutable() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF (to_jsonb(NEW) - ARRAY['status', 'reject_reason', 'reviewed_at', 'reviewed_by', 'search_vector'])
                           IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'reject_reason', 'reviewed_at', 'reviewed_by', 'search_vector']) THEN
                            RAISE EXCEPTION 'a skill version is immutable; submit a new version' USING ERRCODE = '42501';
                        END IF;
                        IF OLD.status <> 'pending_review' AND NEW.status IS DISTINCT FROM OLD.status THEN
                            RAISE EXCEPTION 'skill version % was reviewed already', OLD.version USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER skill_versions_immutable BEFORE UPDATE ON skill_versions FOR EACH ROW EXECUTE FUNCTION skill_versions_immutable();

                -- Subscriptions (star-scoped policy since RowLevelSecurity): the skill's maker reads them too. A new one takes
                -- its terms from a published version of a published skill for an unarchived star of its owner, and starts
                -- unpaid (functions charge periods); its owner may later only cancel it and switch renewal.
                CREATE POLICY skill_subscriptions_maker_read ON skill_subscriptions FOR SELECT
                    USING (skill_id IN (SELECT id FROM skills WHERE owner_id = (SELECT app_user_id())));
                CREATE FUNCTION skill_subscriptions_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        v record;
                    BEGIN
                        IF market_is_owner(TG_RELID) THEN
                            RETURN NEW;
                        END IF;
                        IF TG_OP = 'INSERT' THEN
                            SELECT sv.pricing_type, sv.price INTO v
                              FROM skill_versions sv JOIN skills s ON s.id = sv.skill_id
                             WHERE sv.id = NEW.skill_version_id AND sv.skill_id = NEW.skill_id
                               AND sv.status = 'published' AND s.status = 'published';
                            IF NOT FOUND THEN
                                RAISE EXCEPTION 'only a published version of a published skill can be subscribed' USING ERRCODE = '42501';
                            END IF;
                            IF NOT EXISTS (SELECT 1 FROM stars st WHERE st.id = NEW.star_id AND st.owner_id = NEW.owner_id AND st.status <> 'archived') THEN
                                RAISE EXCEPTION 'the subscriber must own the star, and it must not be archived' USING ERRCODE = '42501';
                            END IF;
                            NEW.pricing_type := v.pricing_type;
                            NEW.price := v.price;
                            NEW.status := 'active';
                            NEW.periods_charged := 0;
                            NEW.current_period_start := NULL;
                            NEW.current_period_end := NULL;
                            NEW.renewal_failed_at := NULL;
                            NEW.renewal_notice := NULL;
                            NEW.cancelled_at := NULL;
                            RETURN NEW;
                        END IF;
                        IF (to_jsonb(NEW) - ARRAY['status', 'cancelled_at', 'auto_renew', 'updated_at'])
                           IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'cancelled_at', 'auto_renew', 'updated_at'])
                           OR (NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'active' AND NEW.status = 'cancelled')) THEN
                            RAISE EXCEPTION 'a subscription''s owner may only cancel it or switch its renewal' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER skill_subscriptions_guard BEFORE INSERT OR UPDATE ON skill_subscriptions
                    FOR EACH ROW EXECUTE FUNCTION skill_subscriptions_guard();

                -- Counted by difference, not by recounting: the subscriptions table is forced, so even this function sees
                -- only the rows the acting user may see.
                CREATE FUNCTION skill_subscriptions_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        was_active boolean := TG_OP <> 'INSERT' AND OLD.status = 'active';
                        is_active boolean := TG_OP <> 'DELETE' AND NEW.status = 'active';
                    BEGIN
                        IF was_active AND NOT is_active THEN
                            UPDATE skills SET subscriber_count = greatest(subscriber_count - 1, 0) WHERE id = OLD.skill_id;
                        ELSIF is_active AND NOT was_active THEN
                            UPDATE skills SET subscriber_count = subscriber_count + 1 WHERE id = NEW.skill_id;
                        END IF;
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION skill_subscriptions_count() FROM PUBLIC;
                CREATE TRIGGER skill_subscriptions_count AFTER INSERT OR DELETE OR UPDATE OF status ON skill_subscriptions
                    FOR EACH ROW EXECUTE FUNCTION skill_subscriptions_count();

                -- Reviews: everyone who sees the skill reads them; a user writes their own (one per skill, never on their own
                -- skill); the maker's answer goes through skill_review_reply only.
                ALTER TABLE skill_reviews ENABLE ROW LEVEL SECURITY;
                ALTER TABLE skill_reviews FORCE ROW LEVEL SECURITY;
                CREATE POLICY skill_reviews_read ON skill_reviews FOR SELECT
                    USING (skill_id IN (SELECT id FROM skills) OR (SELECT app_is_admin()));
                CREATE POLICY skill_reviews_own ON skill_reviews FOR ALL
                    USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()))
                    WITH CHECK ((user_id = (SELECT app_user_id())
                                 AND skill_id IN (SELECT id FROM skills WHERE status = 'published' AND owner_id <> (SELECT app_user_id())))
                                OR (SELECT app_is_admin()));
                CREATE FUNCTION skill_reviews_guard() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF market_is_owner(TG_RELID) THEN
                            RETURN NEW;
                        END IF;
                        IF TG_OP = 'INSERT' THEN
                            NEW.maker_reply := NULL;
                            NEW.replied_at := NULL;
                        ELSIF NEW.maker_reply IS DISTINCT FROM OLD.maker_reply OR NEW.replied_at IS DISTINCT FROM OLD.replied_at
                              OR NEW.skill_id IS DISTINCT FROM OLD.skill_id OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
                            RAISE EXCEPTION 'a review''s skill, author and answer are not the reviewer''s to change' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $f$;
                CREATE TRIGGER skill_reviews_guard BEFORE INSERT OR UPDATE ON skill_reviews FOR EACH ROW EXECUTE FUNCTION skill_reviews_guard();

                CREATE FUNCTION skill_review_reply(p_review uuid, p_reply text) RETURNS boolean
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        UPDATE skill_reviews r
                           SET maker_reply = NULLIF(btrim(p_reply), ''), replied_at = CASE WHEN NULLIF(btrim(p_reply), '') IS NULL THEN NULL ELSE now() END
                         WHERE r.id = p_review
                           AND r.skill_id IN (SELECT s.id FROM skills s WHERE s.owner_id = (SELECT app_user_id()));
                        RETURN FOUND;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION skill_review_reply(uuid, text) FROM PUBLIC;

                CREATE FUNCTION skill_reviews_rating() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        UPDATE skills s
                           SET rating_count = x.n, rating_avg = COALESCE(round(x.avg, 2), 0)
                          FROM (SELECT count(*)::int AS n, avg(rating) AS avg FROM skill_reviews r
                                 WHERE r.skill_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.skill_id ELSE NEW.skill_id END)) x
                         WHERE s.id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.skill_id ELSE NEW.skill_id END);
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION skill_reviews_rating() FROM PUBLIC;
                CREATE TRIGGER skill_reviews_rating AFTER INSERT OR DELETE OR UPDATE OF rating ON skill_reviews
                    FOR EACH ROW EXECUTE FUNCTION skill_reviews_rating();

                -- Calls: read by who paid and who earned, and admins; written only by the owner's recording function.
                ALTER TABLE skill_calls ENABLE ROW LEVEL SECURITY;
                CREATE POLICY skill_calls_read ON skill_calls FOR SELECT
                    USING (payer_id = (SELECT app_user_id()) OR maker_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
                CREATE FUNCTION skill_calls_count() RETURNS trigger
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF NEW.success THEN
                            UPDATE skills SET call_count = call_count + 1 WHERE id = NEW.skill_id;
                        END IF;
                        RETURN NULL;
                    END
                    $f$;
                REVOKE ALL ON FUNCTION skill_calls_count() FROM PUBLIC;
                CREATE TRIGGER skill_calls_count AFTER INSERT ON skill_calls FOR EACH ROW EXECUTE FUNCTION skill_calls_count();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER skill_calls_count ON skill_calls; DROP FUNCTION skill_calls_count();
                DROP POLICY skill_calls_read ON skill_calls;
                DROP TRIGGER skill_reviews_rating ON skill_reviews; DROP FUNCTION skill_reviews_rating();
                DROP FUNCTION skill_review_reply(uuid, text);
                DROP TRIGGER skill_reviews_guard ON skill_reviews; DROP FUNCTION skill_reviews_guard();
                DROP TRIGGER skill_subscriptions_count ON skill_subscriptions; DROP FUNCTION skill_subscriptions_count();
                DROP TRIGGER skill_subscriptions_guard ON skill_subscriptions; DROP FUNCTION skill_subscriptions_guard();
                DROP POLICY skill_subscriptions_maker_read ON skill_subscriptions;
                DROP TRIGGER skill_versions_immutable ON skill_versions; DROP FUNCTION skill_versions_immutable();
                DROP TRIGGER skills_guard ON skills; DROP FUNCTION skills_guard();
                DROP FUNCTION market_is_owner(regclass);
                ALTER TABLE skills FORCE ROW LEVEL SECURITY;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_skill_subscriptions_skill_versions_skill_version_id",
                table: "skill_subscriptions");

            migrationBuilder.DropForeignKey(
                name: "fk_skill_subscriptions_users_owner_id",
                table: "skill_subscriptions");

            migrationBuilder.DropForeignKey(
                name: "fk_skills_skill_versions_published_version_id",
                table: "skills");

            migrationBuilder.DropTable(
                name: "skill_calls");

            migrationBuilder.DropTable(
                name: "skill_reviews");

            migrationBuilder.DropTable(
                name: "skill_versions");

            migrationBuilder.DropIndex(
                name: "ix_skills_published_version_id",
                table: "skills");

            migrationBuilder.DropCheckConstraint(
                name: "ck_skills_counts",
                table: "skills");

            migrationBuilder.DropCheckConstraint(
                name: "ck_skills_rating",
                table: "skills");

            migrationBuilder.DropIndex(
                name: "ix_skill_subscriptions_due",
                table: "skill_subscriptions");

            migrationBuilder.DropIndex(
                name: "ix_skill_subscriptions_owner_id",
                table: "skill_subscriptions");

            migrationBuilder.DropIndex(
                name: "ix_skill_subscriptions_skill_version_id",
                table: "skill_subscriptions");

            migrationBuilder.DropIndex(
                name: "ux_skill_subscriptions_active",
                table: "skill_subscriptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_skill_subscriptions_period",
                table: "skill_subscriptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_skill_subscriptions_price",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "auth_header",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "auth_secret_protected",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "auth_type",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "call_count",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "category",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "description_en",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "examples",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "icon",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "output_schema",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "published_at",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "published_version_id",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "rating_avg",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "rating_count",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "signing_secret_protected",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "subscriber_count",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "suspended_reason",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "skills");

            migrationBuilder.DropColumn(
                name: "auto_renew",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "created_at",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "current_period_start",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "period_months",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "periods_charged",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "price",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "pricing_type",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "renewal_failed_at",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "renewal_notice",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "skill_version_id",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "started_at",
                table: "skill_subscriptions");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "skill_subscriptions");

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

            migrationBuilder.AlterColumn<decimal>(
                name: "price",
                table: "skills",
                type: "numeric",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,4)");

            migrationBuilder.CreateIndex(
                name: "ix_skill_subscriptions_star_id_skill_id",
                table: "skill_subscriptions",
                columns: new[] { "star_id", "skill_id" });
        }
    }
}
