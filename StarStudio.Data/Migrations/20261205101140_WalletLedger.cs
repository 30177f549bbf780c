using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using StarStudio.Core.Billing;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>The wallet (docs/wallet.md, <see cref="Billing.WalletSchema"/>): tables, constraints, RLS and the booking functions.</summary>
    public partial class WalletLedger : Migration
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
                .OldAnnotation("Npgsql:Enum:webhook_status", "active,disabled,paused")
                .OldAnnotation("Npgsql:PostgresExtension:citext", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.CreateTable(
                name: "profile_wallet_ledger",
                columns: table => new
                {
                    wallet_ledger_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<WalletCurrency>(type: "wallet_currency", nullable: false),
                    amount_delta = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    balance_before = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    balance_after = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    source_type = table.Column<LedgerSource>(type: "wallet_ledger_source", nullable: false),
                    reference_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    reference_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_wallet_ledger", x => x.wallet_ledger_id);
                    table.UniqueConstraint("ak_profile_wallet_ledger_seq", x => x.seq);
                    table.CheckConstraint("ck_profile_wallet_ledger_amount", "amount_delta <> 0");
                    table.CheckConstraint("ck_profile_wallet_ledger_chain", "balance_after = balance_before + amount_delta");
                    table.CheckConstraint("ck_profile_wallet_ledger_not_negative", "balance_after >= 0");
                    table.CheckConstraint("ck_profile_wallet_ledger_whole_points", "currency <> 'points' OR amount_delta = trunc(amount_delta)");
                    table.ForeignKey(
                        name: "fk_profile_wallet_ledger_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_balance",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    points = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    balance = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false, defaultValue: 0m),
                    frozen_balance = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false, defaultValue: 0m),
                    currency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "CNY"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_balance", x => x.user_id);
                    table.CheckConstraint("ck_user_balance_balance", "balance >= 0");
                    table.CheckConstraint("ck_user_balance_frozen", "frozen_balance >= 0 AND frozen_balance <= balance");
                    table.CheckConstraint("ck_user_balance_points", "points >= 0");
                    table.ForeignKey(
                        name: "fk_user_balance_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "wallet_holds",
                columns: table => new
                {
                    hold_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    status = table.Column<WalletHoldStatus>(type: "wallet_hold_status", nullable: false),
                    settled_amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    ledger_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reference_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    reference_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_holds", x => x.hold_id);
                    table.CheckConstraint("ck_wallet_holds_amount", "amount > 0");
                    table.CheckConstraint("ck_wallet_holds_settled", "settled_amount IS NULL OR (settled_amount >= 0 AND settled_amount <= amount)");
                    table.ForeignKey(
                        name: "fk_wallet_holds_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_profile_wallet_ledger_user_id_currency_seq",
                table: "profile_wallet_ledger",
                columns: new[] { "user_id", "currency", "seq" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_wallet_holds_user_id_status",
                table: "wallet_holds",
                columns: new[] { "user_id", "status" });

            migrationBuilder.Sql(WalletSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(WalletSqlDown);

            migrationBuilder.DropTable(
                name: "profile_wallet_ledger");

            migrationBuilder.DropTable(
                name: "user_balance");

            migrationBuilder.DropTable(
                name: "wallet_holds");

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
        }

        private const string WalletSql = """
            -- Reads: a user's own wallet, ledger and holds; admins all. No write policies: the app role writes nothing here.
            ALTER TABLE user_balance ENABLE ROW LEVEL SECURITY;
            CREATE POLICY user_balance_read ON user_balance FOR SELECT
                USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
            ALTER TABLE profile_wallet_ledger ENABLE ROW LEVEL SECURITY;
            CREATE POLICY profile_wallet_ledger_read ON profile_wallet_ledger FOR SELECT
                USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));
            ALTER TABLE wallet_holds ENABLE ROW LEVEL SECURITY;
            CREATE POLICY wallet_holds_read ON wallet_holds FOR SELECT
                USING (user_id = (SELECT app_user_id()) OR (SELECT app_is_admin()));

            -- The last booked value of a user's currency (0 before the first row).
            CREATE FUNCTION wallet_last_balance(p_user uuid, p_currency wallet_currency) RETURNS numeric
                LANGUAGE sql STABLE SET search_path = public, pg_temp
                AS $$
                    SELECT COALESCE((SELECT l.balance_after FROM profile_wallet_ledger l
                        WHERE l.user_id = p_user AND l.currency = p_currency ORDER BY l.seq DESC LIMIT 1), 0)
                $$;

            -- Each row continues its currency's chain.
            CREATE FUNCTION wallet_ledger_chain() RETURNS trigger
                LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $$
                BEGIN
                    IF NEW.balance_before <> wallet_last_balance(NEW.user_id, NEW.currency) THEN
                        RAISE EXCEPTION 'profile_wallet_ledger: % does not continue the % chain of %', NEW.wallet_ledger_id, NEW.currency, NEW.user_id
                            USING ERRCODE = '23514';
                    END IF;
                    RETURN NEW;
                END
                $$;
            CREATE TRIGGER profile_wallet_ledger_chain BEFORE INSERT ON profile_wallet_ledger
                FOR EACH ROW EXECUTE FUNCTION wallet_ledger_chain();

            -- Booked rows are history: never changed.
            CREATE FUNCTION wallet_ledger_immutable() RETURNS trigger
                LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $$
                BEGIN
                    RAISE EXCEPTION 'profile_wallet_ledger rows cannot be changed; book a reversing row' USING ERRCODE = '42501';
                END
                $$;
            CREATE TRIGGER profile_wallet_ledger_immutable BEFORE UPDATE ON profile_wallet_ledger
                FOR EACH ROW EXECUTE FUNCTION wallet_ledger_immutable();

            -- At commit, the wallet columns equal the ends of their chains.
            CREATE FUNCTION wallet_balance_matches_ledger() RETURNS trigger
                LANGUAGE plpgsql SET search_path = public, pg_temp
                AS $$
                DECLARE
                    w user_balance%ROWTYPE;
                BEGIN
                    SELECT * INTO w FROM user_balance b WHERE b.user_id = NEW.user_id;
                    IF NOT FOUND THEN
                        RETURN NULL;
                    END IF;
                    IF w.points <> wallet_last_balance(w.user_id, 'points') OR w.balance <> wallet_last_balance(w.user_id, 'balance') THEN
                        RAISE EXCEPTION 'user_balance of % does not match its ledger', w.user_id USING ERRCODE = '23514';
                    END IF;
                    RETURN NULL;
                END
                $$;
            CREATE CONSTRAINT TRIGGER user_balance_matches_ledger AFTER INSERT OR UPDATE ON user_balance
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wallet_balance_matches_ledger();

            -- The result every wallet function returns.
            CREATE TYPE wallet_result AS (
                outcome text, wallet_ledger_id text, seq bigint, user_id uuid, currency text, amount numeric,
                balance_before numeric, balance_after numeric, source_type text, reference_type text, reference_id text,
                memo text, created_at timestamptz);

            CREATE FUNCTION wallet_result_of(p_outcome text, l profile_wallet_ledger) RETURNS wallet_result
                LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp
                AS $$
                    SELECT ROW(p_outcome, l.wallet_ledger_id, l.seq, l.user_id, l.currency::text, l.amount_delta,
                        l.balance_before, l.balance_after, l.source_type::text, l.reference_type, l.reference_id, l.memo,
                        l.created_at)::wallet_result
                $$;

            -- Books one change, replays a key, or says why not. Locks the user's wallet row first, so postings of one user
            -- run one at a time and a duplicate key always finds the first row. Admin adjustments and refunds need an admin.
            CREATE FUNCTION wallet_post(p_key text, p_user uuid, p_currency text, p_amount numeric, p_source text,
                    p_reference_type text, p_reference_id text, p_memo text) RETURNS SETOF wallet_result
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    v_currency wallet_currency := p_currency::wallet_currency;
                    v_source wallet_ledger_source := p_source::wallet_ledger_source;
                    v_before numeric;
                    v_frozen numeric;
                    v_after numeric;
                    r profile_wallet_ledger%ROWTYPE;
                BEGIN
                    IF p_key IS NULL OR length(p_key) = 0 OR length(p_key) > 200 THEN
                        RAISE EXCEPTION 'wallet_post: the key must have 1 to 200 characters' USING ERRCODE = '22023';
                    END IF;
                    IF p_amount IS NULL OR p_amount = 0 OR abs(p_amount) > 1000000000 OR p_amount <> round(p_amount, 4) THEN
                        RAISE EXCEPTION 'wallet_post: invalid amount %', p_amount USING ERRCODE = '22023';
                    END IF;
                    IF v_source IN ('admin_adjustment', 'refund') AND NOT app_is_admin() THEN
                        RAISE EXCEPTION 'wallet_post: % needs an admin', v_source USING ERRCODE = '42501';
                    END IF;

                    INSERT INTO user_balance (user_id) VALUES (p_user) ON CONFLICT (user_id) DO NOTHING;
                    SELECT CASE WHEN v_currency = 'points' THEN b.points::numeric ELSE b.balance END, b.frozen_balance
                        INTO v_before, v_frozen
                        FROM user_balance b WHERE b.user_id = p_user FOR UPDATE;

                    SELECT * INTO r FROM profile_wallet_ledger l WHERE l.wallet_ledger_id = p_key;
                    IF FOUND THEN
                        IF r.user_id = p_user AND r.currency = v_currency AND r.amount_delta = p_amount THEN
                            RETURN NEXT wallet_result_of('replayed', r);
                        ELSE
                            RETURN NEXT ROW('key_conflict', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        END IF;
                        RETURN;
                    END IF;

                    v_after := v_before + p_amount;
                    IF v_after < 0 OR (v_currency = 'balance' AND p_amount < 0 AND v_after < v_frozen) THEN
                        RETURN NEXT ROW('insufficient', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        RETURN;
                    END IF;

                    IF v_currency = 'points' THEN
                        UPDATE user_balance b SET points = v_after, updated_at = now() WHERE b.user_id = p_user;
                    ELSE
                        UPDATE user_balance b SET balance = v_after, updated_at = now() WHERE b.user_id = p_user;
                    END IF;
                    INSERT INTO profile_wallet_ledger (wallet_ledger_id, user_id, currency, amount_delta, balance_before,
                            balance_after, source_type, reference_type, reference_id, memo, created_by)
                        VALUES (p_key, p_user, v_currency, p_amount, v_before, v_after, v_source, p_reference_type,
                            p_reference_id, p_memo, app_user_id())
                        RETURNING * INTO r;
                    RETURN NEXT wallet_result_of('posted', r);
                END
                $$;

            -- Freezes part of the available balance for a pending charge.
            CREATE FUNCTION wallet_freeze(p_key text, p_user uuid, p_amount numeric, p_reference_type text, p_reference_id text)
                    RETURNS SETOF wallet_result
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    w user_balance%ROWTYPE;
                    h wallet_holds%ROWTYPE;
                BEGIN
                    IF p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000 OR p_amount <> round(p_amount, 4) THEN
                        RAISE EXCEPTION 'wallet_freeze: invalid amount %', p_amount USING ERRCODE = '22023';
                    END IF;
                    INSERT INTO user_balance (user_id) VALUES (p_user) ON CONFLICT (user_id) DO NOTHING;
                    SELECT * INTO w FROM user_balance b WHERE b.user_id = p_user FOR UPDATE;
                    SELECT * INTO h FROM wallet_holds x WHERE x.hold_id = p_key;
                    IF FOUND THEN
                        RETURN NEXT ROW(CASE WHEN h.user_id = p_user AND h.amount = p_amount THEN 'replayed' ELSE 'key_conflict' END,
                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        RETURN;
                    END IF;
                    IF w.balance - w.frozen_balance < p_amount THEN
                        RETURN NEXT ROW('insufficient', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        RETURN;
                    END IF;
                    UPDATE user_balance b SET frozen_balance = b.frozen_balance + p_amount, updated_at = now() WHERE b.user_id = p_user;
                    INSERT INTO wallet_holds (hold_id, user_id, amount, status, reference_type, reference_id)
                        VALUES (p_key, p_user, p_amount, 'held', p_reference_type, p_reference_id);
                    RETURN NEXT ROW('posted', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                END
                $$;

            -- Books the charge of a hold (at most what it holds) and unfreezes all of it.
            CREATE FUNCTION wallet_settle(p_key text, p_amount numeric, p_source text, p_memo text) RETURNS SETOF wallet_result
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    v_user uuid;
                    h wallet_holds%ROWTYPE;
                    r profile_wallet_ledger%ROWTYPE;
                    res wallet_result;
                BEGIN
                    SELECT x.user_id INTO v_user FROM wallet_holds x WHERE x.hold_id = p_key;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'wallet_settle: no hold %', p_key USING ERRCODE = 'P0002';
                    END IF;
                    PERFORM 1 FROM user_balance b WHERE b.user_id = v_user FOR UPDATE;
                    SELECT * INTO h FROM wallet_holds x WHERE x.hold_id = p_key FOR UPDATE;
                    IF h.status = 'settled' THEN
                        SELECT * INTO r FROM profile_wallet_ledger l WHERE l.wallet_ledger_id = h.ledger_id;
                        IF h.settled_amount = p_amount THEN
                            RETURN NEXT wallet_result_of('replayed', r);
                        ELSE
                            RETURN NEXT ROW('key_conflict', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        END IF;
                        RETURN;
                    ELSIF h.status = 'released' THEN
                        RETURN NEXT ROW('key_conflict', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                        RETURN;
                    END IF;
                    IF p_amount IS NULL OR p_amount <= 0 OR p_amount > h.amount THEN
                        RAISE EXCEPTION 'wallet_settle: % is not between 0 and the held %', p_amount, h.amount USING ERRCODE = '22023';
                    END IF;
                    UPDATE user_balance b SET frozen_balance = b.frozen_balance - h.amount, updated_at = now() WHERE b.user_id = h.user_id;
                    SELECT * INTO res FROM wallet_post(p_key || ':settle', h.user_id, 'balance', -p_amount, p_source,
                        h.reference_type, h.reference_id, p_memo);
                    IF res.outcome NOT IN ('posted', 'replayed') THEN
                        -- Cannot happen while the hold froze the money; refuse loudly rather than book half.
                        RAISE EXCEPTION 'wallet_settle: the charge of % was refused (%)', p_key, res.outcome USING ERRCODE = '23514';
                    END IF;
                    UPDATE wallet_holds x SET status = 'settled', settled_amount = p_amount, ledger_id = res.wallet_ledger_id,
                        resolved_at = now() WHERE x.hold_id = p_key;
                    RETURN NEXT res;
                END
                $$;

            -- Unfreezes a hold without a charge.
            CREATE FUNCTION wallet_release(p_key text) RETURNS SETOF wallet_result
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                AS $$
                DECLARE
                    v_user uuid;
                    h wallet_holds%ROWTYPE;
                BEGIN
                    SELECT x.user_id INTO v_user FROM wallet_holds x WHERE x.hold_id = p_key;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'wallet_release: no hold %', p_key USING ERRCODE = 'P0002';
                    END IF;
                    PERFORM 1 FROM user_balance b WHERE b.user_id = v_user FOR UPDATE;
                    SELECT * INTO h FROM wallet_holds x WHERE x.hold_id = p_key FOR UPDATE;
                    IF h.status = 'held' THEN
                        UPDATE user_balance b SET frozen_balance = b.frozen_balance - h.amount, updated_at = now() WHERE b.user_id = h.user_id;
                        UPDATE wallet_holds x SET status = 'released', resolved_at = now() WHERE x.hold_id = p_key;
                    END IF;
                    RETURN NEXT ROW(CASE h.status WHEN 'held' THEN 'posted' WHEN 'released' THEN 'replayed' ELSE 'key_conflict' END,
                        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::wallet_result;
                END
                $$;

            -- Wallets that differ from the sum of their ledger (always empty; tests and the benchmark call it). Invoker's
            -- rights: a user audits their own wallet, an admin (or the maintenance role) all.
            CREATE FUNCTION wallet_audit() RETURNS TABLE (user_id uuid, currency text, wallet numeric, ledger_sum numeric)
                LANGUAGE sql STABLE SET search_path = public, pg_temp
                AS $$
                    WITH sums AS (
                        SELECT l.user_id, l.currency, sum(l.amount_delta) AS total FROM profile_wallet_ledger l GROUP BY 1, 2)
                    SELECT b.user_id, c.currency::text,
                           CASE c.currency WHEN 'points' THEN b.points::numeric ELSE b.balance END,
                           COALESCE(s.total, 0)
                    FROM user_balance b
                    CROSS JOIN (VALUES ('points'::wallet_currency), ('balance'::wallet_currency)) AS c(currency)
                    LEFT JOIN sums s ON s.user_id = b.user_id AND s.currency = c.currency
                    WHERE COALESCE(s.total, 0) <> CASE c.currency WHEN 'points' THEN b.points::numeric ELSE b.balance END
                $$;

            REVOKE ALL ON FUNCTION wallet_post(text, uuid, text, numeric, text, text, text, text) FROM PUBLIC;
            REVOKE ALL ON FUNCTION wallet_freeze(text, uuid, numeric, text, text) FROM PUBLIC;
            REVOKE ALL ON FUNCTION wallet_settle(text, numeric, text, text) FROM PUBLIC;
            REVOKE ALL ON FUNCTION wallet_release(text) FROM PUBLIC;
            """;

        private const string WalletSqlDown = """
            DROP FUNCTION wallet_audit();
            DROP FUNCTION wallet_release(text);
            DROP FUNCTION wallet_settle(text, numeric, text, text);
            DROP FUNCTION wallet_freeze(text, uuid, numeric, text, text);
            DROP FUNCTION wallet_post(text, uuid, text, numeric, text, text, text, text);
            DROP FUNCTION wallet_result_of(text, profile_wallet_ledger);
            DROP TYPE wallet_result;
            DROP TRIGGER user_balance_matches_ledger ON user_balance;
            DROP FUNCTION wallet_balance_matches_ledger();
            DROP TRIGGER profile_wallet_ledger_immutable ON profile_wallet_ledger;
            DROP FUNCTION wallet_ledger_immutable();
            DROP TRIGGER profile_wallet_ledger_chain ON profile_wallet_ledger;
            DROP FUNCTION wallet_ledger_chain();
            DROP FUNCTION wallet_last_balance(uuid, wallet_currency);
            """;
    }
}
