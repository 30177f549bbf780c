using System;
using Microsoft.EntityFrameworkCore.Migrations;
using StarStudio.Core.Growth;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class Growth : Migration
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
                .OldAnnotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .OldAnnotation("Npgsql:Enum:conversation_status", "active,closed")
                .OldAnnotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .OldAnnotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .OldAnnotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
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

            migrationBuilder.CreateTable(
                name: "profile_invite_code",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invite_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    metadata_json = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_invite_code", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_profile_invite_code_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "profile_redeem_code",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mode = table.Column<RedeemCodeMode>(type: "profile_redeem_code_mode", nullable: false),
                    reward_points = table.Column<long>(type: "bigint", nullable: false),
                    max_uses = table.Column<int>(type: "integer", nullable: false),
                    global_used_count = table.Column<int>(type: "integer", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    allowed_user_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false, defaultValueSql: "'{}'"),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    batch_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_redeem_code", x => x.code);
                    table.CheckConstraint("ck_profile_redeem_code_reward", "reward_points >= 1");
                    table.CheckConstraint("ck_profile_redeem_code_unique_once", "mode <> 'unique' OR max_uses = 1");
                    table.CheckConstraint("ck_profile_redeem_code_uses", "global_used_count >= 0 AND global_used_count <= max_uses");
                });

            migrationBuilder.CreateTable(
                name: "profile_referral_relation",
                columns: table => new
                {
                    invitee_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    inviter_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invite_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    inviter_reward_granted = table.Column<bool>(type: "boolean", nullable: false),
                    invitee_reward_granted = table.Column<bool>(type: "boolean", nullable: false),
                    bound_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_referral_relation", x => x.invitee_user_id);
                    table.ForeignKey(
                        name: "fk_profile_referral_relation_asp_net_users_invitee_user_id",
                        column: x => x.invitee_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_profile_referral_relation_asp_net_users_inviter_user_id",
                        column: x => x.inviter_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "profile_task_config",
                columns: table => new
                {
                    task_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title_zh = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    title_en = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    description = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    event_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    cycle = table.Column<TaskCycle>(type: "profile_task_cycle", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    reward_points = table.Column<long>(type: "bigint", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_by = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_task_config", x => x.task_id);
                    table.CheckConstraint("ck_profile_task_config_reward", "reward_points >= 1");
                    table.CheckConstraint("ck_profile_task_config_threshold", "threshold >= 1");
                });

            migrationBuilder.CreateTable(
                name: "profile_task_reward_claim",
                columns: table => new
                {
                    claim_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    day_key = table.Column<int>(type: "integer", nullable: false),
                    reward_points = table.Column<long>(type: "bigint", nullable: false),
                    wallet_ledger_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_task_reward_claim", x => x.claim_id);
                    table.ForeignKey(
                        name: "fk_profile_task_reward_claim_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "profile_redeem_code_usage",
                columns: table => new
                {
                    usage_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_granted = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_redeem_code_usage", x => x.usage_id);
                    table.ForeignKey(
                        name: "fk_profile_redeem_code_usage_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_profile_redeem_code_usage_profile_redeem_code_code",
                        column: x => x.code,
                        principalTable: "profile_redeem_code",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "profile_task_progress",
                columns: table => new
                {
                    progress_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    day_key = table.Column<int>(type: "integer", nullable: false),
                    progress_count = table.Column<int>(type: "integer", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<TaskProgressStatus>(type: "profile_task_status", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_task_progress", x => x.progress_id);
                    table.ForeignKey(
                        name: "fk_profile_task_progress_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_profile_task_progress_profile_task_config_task_id",
                        column: x => x.task_id,
                        principalTable: "profile_task_config",
                        principalColumn: "task_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_profile_invite_code_invite_code",
                table: "profile_invite_code",
                column: "invite_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_profile_redeem_code_batch_id",
                table: "profile_redeem_code",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_profile_redeem_code_created_at",
                table: "profile_redeem_code",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_profile_redeem_code_usage_code_user_id",
                table: "profile_redeem_code_usage",
                columns: new[] { "code", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_profile_redeem_code_usage_user_id",
                table: "profile_redeem_code_usage",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_profile_referral_relation_inviter_user_id_bound_at",
                table: "profile_referral_relation",
                columns: new[] { "inviter_user_id", "bound_at" });

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_config_event_key",
                table: "profile_task_config",
                column: "event_key");

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_progress_task_id",
                table: "profile_task_progress",
                column: "task_id");

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_progress_user_id_task_id_day_key",
                table: "profile_task_progress",
                columns: new[] { "user_id", "task_id", "day_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_profile_task_reward_claim_user_id_task_id_day_key",
                table: "profile_task_reward_claim",
                columns: new[] { "user_id", "task_id", "day_key" },
                unique: true);

            // Default tasks (seed 003's daily_login and friends), before RLS exists: the owner runs this without a user.
            migrationBuilder.Sql("""
                INSERT INTO profile_task_config (task_id, title_zh, title_en, description, event_key, cycle, threshold, reward_points, enabled, sort_order)
                VALUES
                    ('daily_login', '每日登录', 'Daily sign-in', '登录智星工坊', 'sign_in', 'daily', 1, 5, true, 10),
                    ('daily_chat', '与智星对话', 'Chat with a star', '得到 3 次智星的回答', 'chat_message', 'daily', 3, 10, true, 20),
                    ('daily_rate', '评价回答', 'Rate an answer', '为一次对话打分', 'rate_answer', 'daily', 1, 5, true, 30),
                    ('daily_knowledge', '添加知识', 'Add knowledge', '为你的智星上传文档或写一篇笔记', 'add_knowledge', 'daily', 1, 10, true, 40),
                    ('weekly_trial', '参加试炼', 'Enter a trial', '本周让智星参加一次试炼', 'enter_trial', 'weekly', 1, 30, true, 50);
                """);

            migrationBuilder.Sql($"""
                -- Task configs: everyone reads; admins write.
                ALTER TABLE profile_task_config ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_task_config_read ON profile_task_config FOR SELECT USING (true);
                CREATE POLICY profile_task_config_insert ON profile_task_config FOR INSERT WITH CHECK ({Admin});
                CREATE POLICY profile_task_config_update ON profile_task_config FOR UPDATE USING ({Admin}) WITH CHECK ({Admin});
                CREATE POLICY profile_task_config_delete ON profile_task_config FOR DELETE USING ({Admin});

                -- Progress: its user counts it; admins read. Claims: written once by their user, never changed.
                ALTER TABLE profile_task_progress ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_task_progress_read ON profile_task_progress FOR SELECT USING (user_id = {Me} OR {Admin});
                CREATE POLICY profile_task_progress_insert ON profile_task_progress FOR INSERT WITH CHECK (user_id = {Me});
                CREATE POLICY profile_task_progress_update ON profile_task_progress FOR UPDATE USING (user_id = {Me}) WITH CHECK (user_id = {Me});
                ALTER TABLE profile_task_reward_claim ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_task_reward_claim_read ON profile_task_reward_claim FOR SELECT USING (user_id = {Me} OR {Admin});
                CREATE POLICY profile_task_reward_claim_insert ON profile_task_reward_claim FOR INSERT WITH CHECK (user_id = {Me});

                -- Redeem codes are secrets: admins see them all; a user sees (and may lock and count) only the code the
                -- transaction names in app.redeem_code, i.e. the one they typed.
                ALTER TABLE profile_redeem_code ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_redeem_code_read ON profile_redeem_code FOR SELECT USING ({Admin} OR code = {TypedCode});
                CREATE POLICY profile_redeem_code_count ON profile_redeem_code FOR UPDATE
                    USING ({Admin} OR code = {TypedCode}) WITH CHECK ({Admin} OR code = {TypedCode});
                CREATE POLICY profile_redeem_code_insert ON profile_redeem_code FOR INSERT WITH CHECK ({Admin});
                CREATE POLICY profile_redeem_code_delete ON profile_redeem_code FOR DELETE USING ({Admin});

                -- A policy cannot compare old and new values: this lets a non-admin change one thing, the use count, by one.
                CREATE FUNCTION profile_redeem_code_count_only() RETURNS trigger
                    LANGUAGE plpgsql SET search_path = public, pg_temp
                    AS $$
                    BEGIN
                        IF NOT app_is_admin() AND (NEW.global_used_count <> OLD.global_used_count + 1
                            OR (to_jsonb(NEW) - 'global_used_count' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'global_used_count' - 'updated_at')) THEN
                            RAISE EXCEPTION 'a redemption only adds one use to a redeem code' USING ERRCODE = '42501';
                        END IF;
                        RETURN NEW;
                    END
                    $$;
                CREATE TRIGGER profile_redeem_code_count_only BEFORE UPDATE ON profile_redeem_code
                    FOR EACH ROW EXECUTE FUNCTION profile_redeem_code_count_only();

                ALTER TABLE profile_redeem_code_usage ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_redeem_code_usage_read ON profile_redeem_code_usage FOR SELECT USING (user_id = {Me} OR {Admin});
                CREATE POLICY profile_redeem_code_usage_insert ON profile_redeem_code_usage FOR INSERT
                    WITH CHECK (user_id = {Me} AND code IN (SELECT c.code FROM profile_redeem_code c));

                -- Invite codes: their user reads and creates theirs; anyone may look up the one code the transaction names.
                ALTER TABLE profile_invite_code ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_invite_code_read ON profile_invite_code FOR SELECT
                    USING (user_id = {Me} OR {Admin} OR invite_code = NULLIF(current_setting('app.invite_code', true), ''));
                CREATE POLICY profile_invite_code_insert ON profile_invite_code FOR INSERT WITH CHECK (user_id = {Me});
                CREATE POLICY profile_invite_code_admin ON profile_invite_code FOR UPDATE USING ({Admin}) WITH CHECK ({Admin});
                CREATE POLICY profile_invite_code_delete ON profile_invite_code FOR DELETE USING ({Admin});

                -- Referrals: both sides read; the invitee binds, naming the inviter's code (which must be the inviter's and
                -- older than the invitee's account); never changed.
                ALTER TABLE profile_referral_relation ENABLE ROW LEVEL SECURITY;
                CREATE POLICY profile_referral_relation_read ON profile_referral_relation FOR SELECT
                    USING (invitee_user_id = {Me} OR inviter_user_id = {Me} OR {Admin});
                CREATE POLICY profile_referral_relation_bind ON profile_referral_relation FOR INSERT
                    WITH CHECK (invitee_user_id = {Me} AND inviter_user_id <> {Me}
                        AND EXISTS (SELECT 1 FROM profile_invite_code i
                            WHERE i.invite_code = profile_referral_relation.invite_code AND i.user_id = profile_referral_relation.inviter_user_id
                              AND i.created_at <= (SELECT u.created_at FROM users u WHERE u.id = {Me})));

                ALTER TABLE profile_task_config FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_task_progress FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_task_reward_claim FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_redeem_code FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_redeem_code_usage FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_invite_code FORCE ROW LEVEL SECURITY;
                ALTER TABLE profile_referral_relation FORCE ROW LEVEL SECURITY;
                """);

            // Existing accounts (the demo's and real ones) get the registration points once; wallet_post replays a key
            // that was booked before. The wallet tables are not forced (WalletSchema.NotForced), so the owner may book.
            migrationBuilder.Sql(RegistrationBackfillSql);
        }

        /// <summary>Books the registration points of every account that lacks them (a booked key replays).</summary>
        public const string RegistrationBackfillSql = """
            SELECT count(*) FROM users u,
                LATERAL wallet_post('new-user-registration:' || u.id, u.id, 'points', 10, 'registration', 'user', u.id::text, NULL) p;
            """;

        private const string Me = "(SELECT app_user_id())";
        private const string Admin = "(SELECT app_is_admin())";
        private const string TypedCode = "NULLIF(current_setting('app.redeem_code', true), '')";

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Registration points booked by Up stay: ledger rows never change, and they are owed either way.
            migrationBuilder.Sql("DROP TRIGGER profile_redeem_code_count_only ON profile_redeem_code; DROP FUNCTION profile_redeem_code_count_only();");

            migrationBuilder.DropTable(
                name: "profile_redeem_code_usage");

            migrationBuilder.DropTable(
                name: "profile_referral_relation");

            // After the referrals: their bind policy reads profile_invite_code.
            migrationBuilder.DropTable(
                name: "profile_invite_code");

            migrationBuilder.DropTable(
                name: "profile_task_progress");

            migrationBuilder.DropTable(
                name: "profile_task_reward_claim");

            migrationBuilder.DropTable(
                name: "profile_redeem_code");

            migrationBuilder.DropTable(
                name: "profile_task_config");

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
                .Annotation("Npgsql:Enum:wallet_currency", "balance,points")
                .Annotation("Npgsql:Enum:wallet_hold_status", "held,released,settled")
                .Annotation("Npgsql:Enum:wallet_ledger_source", "admin_adjustment,daily_task,model_usage,recharge,redeem_code,referral,refund,registration,skill_usage,trial_reward")
                .Annotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .Annotation("Npgsql:PostgresExtension:citext", ",,")
                .Annotation("Npgsql:PostgresExtension:vector", ",,")
                .OldAnnotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .OldAnnotation("Npgsql:Enum:conversation_status", "active,closed")
                .OldAnnotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .OldAnnotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .OldAnnotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
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
        }
    }
}
