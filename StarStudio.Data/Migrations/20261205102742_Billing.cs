using System;
using Microsoft.EntityFrameworkCore.Migrations;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Orders;
using StarStudio.Core.Billing.Payments;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Products, orders, membership, payment events and usage billing (docs/billing.md). The webhook and the usage job act as
    /// no user and reach across users only through the SECURITY DEFINER functions below; the tables stay forced, with a
    /// policy for the owner role (the functions' identity) beside the users' and admins' policies.
    /// </summary>
    public partial class Billing : Migration
    {
        private const string Me = "(SELECT app_user_id())";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:conversation_channel", "api,mobile,trial,web")
                .Annotation("Npgsql:Enum:conversation_status", "active,closed")
                .Annotation("Npgsql:Enum:knowledge_source_type", "note,upload,webhook")
                .Annotation("Npgsql:Enum:knowledge_task_status", "completed,failed,pending,processing")
                .Annotation("Npgsql:Enum:magnitude_level", "L1,L2,L3,L4,L5")
                .Annotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .Annotation("Npgsql:Enum:membership_status", "active,ended")
                .Annotation("Npgsql:Enum:membership_tier", "premium,standard")
                .Annotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .Annotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .Annotation("Npgsql:Enum:product_kind", "membership,recharge")
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

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "billed_at",
                table: "usage_records",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "billed_cost",
                table: "usage_records",
                type: "numeric(18,8)",
                precision: 18,
                scale: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "billing_key",
                table: "usage_records",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "price_in_per_1k",
                table: "chat_models",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "price_out_per_1k",
                table: "chat_models",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    kind = table.Column<ProductKind>(type: "product_kind", nullable: false),
                    price = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "CNY"),
                    credit_amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    membership_tier = table.Column<MembershipTier>(type: "membership_tier", nullable: true),
                    membership_period = table.Column<MembershipPeriod>(type: "membership_period", nullable: true),
                    is_listed = table.Column<bool>(type: "boolean", nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                    table.CheckConstraint("ck_products_kind", "(kind = 'recharge' AND credit_amount >= price AND membership_tier IS NULL AND membership_period IS NULL) OR (kind = 'membership' AND credit_amount = 0 AND membership_tier IS NOT NULL AND membership_period IS NOT NULL)");
                    table.CheckConstraint("ck_products_price", "price > 0 AND credit_amount >= 0");
                });

            migrationBuilder.CreateTable(
                name: "profile_membership",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<MembershipStatus>(type: "membership_status", nullable: false),
                    tier = table.Column<MembershipTier>(type: "membership_tier", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_order_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profile_membership", x => x.user_id);
                    table.CheckConstraint("ck_profile_membership_period", "expires_at >= started_at");
                    table.ForeignKey(
                        name: "fk_profile_membership_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_billing_arrears",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_due = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    records = table.Column<int>(type: "integer", nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_billing_arrears", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_usage_billing_arrears_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    order_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<ProductKind>(type: "product_kind", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false, defaultValue: "CNY"),
                    credit_amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    membership_tier = table.Column<MembershipTier>(type: "membership_tier", nullable: true),
                    membership_period = table.Column<MembershipPeriod>(type: "membership_period", nullable: true),
                    status = table.Column<OrderStatus>(type: "order_status", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    refunded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    refund_amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false, defaultValue: 0m),
                    refund_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    payment_channel = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    payment_reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    membership_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                    table.CheckConstraint("ck_orders_amounts", "amount > 0 AND credit_amount >= 0 AND refund_amount >= 0 AND refund_amount <= amount");
                    table.CheckConstraint("ck_orders_status_times", "(status = 'pending' AND paid_at IS NULL AND cancelled_at IS NULL AND refunded_at IS NULL) OR (status = 'paid' AND paid_at IS NOT NULL AND refunded_at IS NULL) OR (status = 'cancelled' AND cancelled_at IS NOT NULL AND paid_at IS NULL) OR (status = 'refunded' AND paid_at IS NOT NULL AND refunded_at IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_orders_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_orders_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payment_events",
                columns: table => new
                {
                    provider = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    event_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<PaymentEventStatus>(type: "payment_event_status", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_events", x => new { x.provider, x.event_id });
                    table.ForeignKey(
                        name: "fk_payment_events_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_unbilled",
                table: "usage_records",
                columns: new[] { "created_at", "id" },
                filter: "billed_at IS NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_chat_models_prices",
                table: "chat_models",
                sql: "price_in_per_1k >= 0 AND price_out_per_1k >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_no",
                table: "orders",
                column: "order_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_product_id",
                table: "orders",
                column: "product_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_status_created_at",
                table: "orders",
                columns: new[] { "status", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_orders_user_id_created_at",
                table: "orders",
                columns: new[] { "user_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_payment_events_order_id",
                table: "payment_events",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_products_is_listed_sort_order",
                table: "products",
                columns: new[] { "is_listed", "sort_order" });

            // Row-level security, the SECURITY DEFINER functions of payments and usage billing, seed products (docs/billing.md).
            migrationBuilder.Sql($"""
                -- Prices that admins kept in a model's default parameters move to the new columns (the owner is held to
                -- chat_models' policies too, so they are lifted for this one statement of the migration's transaction).
                ALTER TABLE chat_models NO FORCE ROW LEVEL SECURITY;
                UPDATE chat_models SET
                    price_in_per_1k = CASE WHEN default_params ->> 'price_in_per_1k' ~ '^[0-9]+(\.[0-9]+)?$' THEN (default_params ->> 'price_in_per_1k')::numeric(18,6) ELSE 0 END,
                    price_out_per_1k = CASE WHEN default_params ->> 'price_out_per_1k' ~ '^[0-9]+(\.[0-9]+)?$' THEN (default_params ->> 'price_out_per_1k')::numeric(18,6) ELSE 0 END
                    WHERE default_params ?| ARRAY['price_in_per_1k', 'price_out_per_1k'];
                ALTER TABLE chat_models FORCE ROW LEVEL SECURITY;

                -- A few products to start with (admins edit them under /admin/products).
                INSERT INTO products (name, description, kind, price, credit_amount, membership_tier, membership_period, is_listed, sort_order) VALUES
                    ('充值 ¥10', '到账 ¥10 余额', 'recharge', 10, 10, NULL, NULL, true, 10),
                    ('充值 ¥50', '到账 ¥52 余额（赠 ¥2）', 'recharge', 50, 52, NULL, NULL, true, 20),
                    ('充值 ¥100', '到账 ¥108 余额（赠 ¥8）', 'recharge', 100, 108, NULL, NULL, true, 30),
                    ('星光会员 · 月卡', '聊天限速 ×2，用量 9 折，一个月', 'membership', 18, 0, 'standard', 'monthly', true, 40),
                    ('星光会员 · 年卡', '聊天限速 ×2，用量 9 折，一年', 'membership', 168, 0, 'standard', 'yearly', true, 50),
                    ('星耀会员 · 月卡', '聊天限速 ×5，用量 8 折，一个月', 'membership', 38, 0, 'premium', 'monthly', true, 60);

                -- Products: everyone reads (the service lists the listed ones); admins write.
                ALTER TABLE products ENABLE ROW LEVEL SECURITY;
                ALTER TABLE products FORCE ROW LEVEL SECURITY;
                CREATE POLICY products_read ON products FOR SELECT USING (true);
                CREATE POLICY products_write ON products FOR ALL USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- Orders: a user reads their own and creates them pending, at the product's current terms; a user only
                -- cancels a pending one. Admins read all and refund. Paying is the webhook's, through billing_payment_apply.
                ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
                ALTER TABLE orders FORCE ROW LEVEL SECURITY;
                CREATE POLICY orders_read ON orders FOR SELECT USING (user_id = {Me} OR (SELECT app_is_admin()));
                CREATE POLICY orders_create ON orders FOR INSERT
                    WITH CHECK (user_id = {Me} AND status = 'pending' AND refund_amount = 0
                        AND payment_channel IS NULL AND payment_reference IS NULL AND membership_expires_at IS NULL
                        AND EXISTS (SELECT 1 FROM products p WHERE p.id = orders.product_id AND p.is_listed
                            AND p.kind = orders.kind AND p.price = orders.amount AND p.currency = orders.currency
                            AND p.credit_amount = orders.credit_amount
                            AND p.membership_tier IS NOT DISTINCT FROM orders.membership_tier
                            AND p.membership_period IS NOT DISTINCT FROM orders.membership_period));
                CREATE POLICY orders_cancel ON orders FOR UPDATE
                    USING (user_id = {Me} AND status = 'pending')
                    WITH CHECK (user_id = {Me} AND status IN ('pending', 'cancelled') AND payment_reference IS NULL);
                CREATE POLICY orders_admin ON orders FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));
                -- What an order bought never changes after it was placed, whoever updates it.
                CREATE TRIGGER orders_keep_terms BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION app_keep_columns(
                    'user_id', 'product_id', 'order_no', 'kind', 'amount', 'currency', 'credit_amount', 'membership_tier', 'membership_period', 'created_at');

                -- Membership: read by its user and admins; admins end it on a refund; granted by billing_membership_grant.
                ALTER TABLE profile_membership ENABLE ROW LEVEL SECURITY;
                ALTER TABLE profile_membership FORCE ROW LEVEL SECURITY;
                CREATE POLICY profile_membership_read ON profile_membership FOR SELECT USING (user_id = {Me} OR (SELECT app_is_admin()));
                CREATE POLICY profile_membership_admin ON profile_membership FOR UPDATE
                    USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()));

                -- Payment events: read by the order's user and admins; written by billing_payment_apply only.
                ALTER TABLE payment_events ENABLE ROW LEVEL SECURITY;
                ALTER TABLE payment_events FORCE ROW LEVEL SECURITY;
                CREATE POLICY payment_events_read ON payment_events FOR SELECT USING (user_id = {Me} OR (SELECT app_is_admin()));

                -- Arrears: read by the owner and admins; written by usage billing only.
                ALTER TABLE usage_billing_arrears ENABLE ROW LEVEL SECURITY;
                ALTER TABLE usage_billing_arrears FORCE ROW LEVEL SECURITY;
                CREATE POLICY usage_billing_arrears_read ON usage_billing_arrears FOR SELECT USING (user_id = {Me} OR (SELECT app_is_admin()));

                -- The SECURITY DEFINER functions below run as this role (the owner), which FORCE ROW LEVEL SECURITY
                -- holds to the policies too: these policies are the owner's alone (never the app role's), so the tables
                -- stay forced and only the functions reach across users.
                DO $$
                BEGIN
                    EXECUTE format('CREATE POLICY orders_definer ON orders TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY profile_membership_definer ON profile_membership TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY payment_events_definer ON payment_events TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY usage_billing_arrears_definer ON usage_billing_arrears TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY usage_records_billing ON usage_records FOR SELECT TO %I USING (true)', current_user);
                    EXECUTE format('CREATE POLICY usage_records_billing_mark ON usage_records FOR UPDATE TO %I USING (true) WITH CHECK (true)', current_user);
                END
                $$;

                -- A gateway's event, applied once: the event id is stored (a replay books nothing), the order is locked,
                -- its amount and currency must match, a declined payment leaves it pending, and a paid one moves it
                -- pending → paid. Returns what the caller books in the same transaction (the ledger credit or the
                -- membership, whose current row is locked here). The caller rolls back on any refusal.
                CREATE FUNCTION billing_payment_apply(p_provider text, p_event_id text, p_order_no text, p_amount numeric,
                        p_currency text, p_status text, p_now timestamptz)
                    RETURNS TABLE (outcome text, order_id uuid, user_id uuid, kind text, credit_amount numeric, membership_period text,
                        current_status text, current_started_at timestamptz, current_expires_at timestamptz)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    #variable_conflict use_column
                    DECLARE
                        o orders%ROWTYPE;
                        m profile_membership%ROWTYPE;
                    BEGIN
                        SELECT * INTO o FROM orders WHERE orders.order_no = p_order_no FOR UPDATE;
                        IF NOT FOUND THEN
                            RETURN QUERY SELECT 'not_found'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::numeric, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
                            RETURN;
                        END IF;
                        IF o.amount <> p_amount OR o.currency <> p_currency THEN
                            RETURN QUERY SELECT 'mismatch'::text, o.id, o.user_id, NULL::text, NULL::numeric, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
                            RETURN;
                        END IF;
                        INSERT INTO payment_events (provider, event_id, order_id, user_id, status, amount, currency, received_at)
                            VALUES (p_provider, p_event_id, o.id, o.user_id, p_status::payment_event_status, p_amount, p_currency, p_now)
                            ON CONFLICT DO NOTHING;
                        IF NOT FOUND THEN
                            RETURN QUERY SELECT 'replayed'::text, o.id, o.user_id, NULL::text, NULL::numeric, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
                            RETURN;
                        END IF;
                        IF p_status <> 'paid' OR o.status <> 'pending' THEN
                            RETURN QUERY SELECT (CASE WHEN p_status <> 'paid' THEN 'declined' WHEN o.status = 'paid' THEN 'already_paid' ELSE 'not_payable' END)::text,
                                o.id, o.user_id, NULL::text, NULL::numeric, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
                            RETURN;
                        END IF;
                        UPDATE orders SET status = 'paid', paid_at = p_now, updated_at = p_now,
                            payment_channel = p_provider, payment_reference = p_event_id
                            WHERE orders.id = o.id;
                        IF o.kind = 'membership' THEN
                            SELECT * INTO m FROM profile_membership WHERE profile_membership.user_id = o.user_id FOR UPDATE;
                        END IF;
                        RETURN QUERY SELECT 'paid'::text, o.id, o.user_id, o.kind::text, o.credit_amount, o.membership_period::text,
                            m.status::text, m.started_at, m.expires_at;
                    END
                    $$;

                -- Grants the membership a paid membership order bought, once per order (membership_expires_at records it).
                -- The caller computes the dates (MembershipRules.Extend) from the row billing_payment_apply locked.
                CREATE FUNCTION billing_membership_grant(p_order_id uuid, p_started timestamptz, p_expires timestamptz, p_now timestamptz)
                    RETURNS boolean
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    DECLARE
                        o orders%ROWTYPE;
                    BEGIN
                        SELECT * INTO o FROM orders WHERE id = p_order_id FOR UPDATE;
                        IF NOT FOUND OR o.status <> 'paid' OR o.kind <> 'membership' OR o.membership_expires_at IS NOT NULL
                                OR p_expires <= p_now OR p_started > p_now THEN
                            RETURN false;
                        END IF;
                        INSERT INTO profile_membership (user_id, status, tier, started_at, expires_at, updated_at, last_order_id)
                            VALUES (o.user_id, 'active', o.membership_tier, p_started, p_expires, p_now, o.id)
                            ON CONFLICT (user_id) DO UPDATE SET status = 'active', tier = excluded.tier, started_at = excluded.started_at,
                                expires_at = excluded.expires_at, updated_at = excluded.updated_at, last_order_id = excluded.last_order_id;
                        UPDATE orders SET membership_expires_at = p_expires WHERE id = o.id;
                        RETURN true;
                    END
                    $$;

                -- Usage billing runs as no user: the unbilled records of every owner, oldest first, with their model's prices.
                CREATE FUNCTION usage_billing_due(p_limit integer, p_skip_owners uuid[])
                    RETURNS TABLE (id uuid, owner_id uuid, tokens_in integer, tokens_out integer, price_in numeric, price_out numeric, default_params text)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                        SELECT u.id, s.owner_id, u.tokens_in, u.tokens_out, m.price_in_per_1k, m.price_out_per_1k, m.default_params::text
                        FROM usage_records u
                        JOIN stars s ON s.id = u.star_id
                        LEFT JOIN llm_providers p ON p.name = u.provider
                        LEFT JOIN chat_models m ON m.provider_id = p.id AND m.model_id = u.model
                        WHERE u.billed_at IS NULL AND s.owner_id <> ALL (p_skip_owners)
                        ORDER BY u.created_at, u.id
                        LIMIT LEAST(GREATEST(p_limit, 1), 1000)
                    $$;

                -- Marks one owner's batch billed; only records still unbilled count, so a concurrent run (which waits on
                -- these row locks) marks none of them again. The caller commits only when every record was marked.
                CREATE FUNCTION usage_billing_mark(p_owner uuid, p_ids uuid[], p_costs numeric[], p_key text, p_now timestamptz)
                    RETURNS integer
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    DECLARE
                        n integer;
                    BEGIN
                        UPDATE usage_records u SET billed_at = p_now, billed_cost = c.cost, billing_key = NULLIF(p_key, '')
                            FROM unnest(p_ids, p_costs) AS c(id, cost)
                            WHERE u.id = c.id AND u.billed_at IS NULL
                              AND u.star_id IN (SELECT s.id FROM stars s WHERE s.owner_id = p_owner);
                        GET DIAGNOSTICS n = ROW_COUNT;
                        RETURN n;
                    END
                    $$;

                -- An owner whose balance could not cover a batch (p_amount > 0), or no longer (p_amount = 0).
                CREATE FUNCTION usage_billing_arrears_set(p_owner uuid, p_amount numeric, p_records integer, p_now timestamptz)
                    RETURNS void
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    BEGIN
                        IF p_amount <= 0 THEN
                            DELETE FROM usage_billing_arrears WHERE user_id = p_owner;
                        ELSE
                            INSERT INTO usage_billing_arrears (user_id, amount_due, records, since, updated_at)
                                VALUES (p_owner, p_amount, p_records, p_now, p_now)
                                ON CONFLICT (user_id) DO UPDATE SET amount_due = excluded.amount_due, records = excluded.records, updated_at = excluded.updated_at;
                        END IF;
                    END
                    $$;

                REVOKE ALL ON FUNCTION billing_payment_apply(text, text, text, numeric, text, text, timestamptz) FROM PUBLIC;
                REVOKE ALL ON FUNCTION billing_membership_grant(uuid, timestamptz, timestamptz, timestamptz) FROM PUBLIC;
                REVOKE ALL ON FUNCTION usage_billing_due(integer, uuid[]) FROM PUBLIC;
                REVOKE ALL ON FUNCTION usage_billing_mark(uuid, uuid[], numeric[], text, timestamptz) FROM PUBLIC;
                REVOKE ALL ON FUNCTION usage_billing_arrears_set(uuid, numeric, integer, timestamptz) FROM PUBLIC;

                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION usage_billing_arrears_set(uuid, numeric, integer, timestamptz);
                DROP FUNCTION usage_billing_mark(uuid, uuid[], numeric[], text, timestamptz);
                DROP FUNCTION usage_billing_due(integer, uuid[]);
                DROP FUNCTION billing_membership_grant(uuid, timestamptz, timestamptz, timestamptz);
                DROP FUNCTION billing_payment_apply(text, text, text, numeric, text, text, timestamptz);
                DROP POLICY usage_records_billing_mark ON usage_records;
                DROP POLICY usage_records_billing ON usage_records;
                """);

            migrationBuilder.DropTable(
                name: "payment_events");

            migrationBuilder.DropTable(
                name: "profile_membership");

            migrationBuilder.DropTable(
                name: "usage_billing_arrears");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "products");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_unbilled",
                table: "usage_records");

            migrationBuilder.DropCheckConstraint(
                name: "ck_chat_models_prices",
                table: "chat_models");

            migrationBuilder.DropColumn(
                name: "billed_at",
                table: "usage_records");

            migrationBuilder.DropColumn(
                name: "billed_cost",
                table: "usage_records");

            migrationBuilder.DropColumn(
                name: "billing_key",
                table: "usage_records");

            migrationBuilder.DropColumn(
                name: "price_in_per_1k",
                table: "chat_models");

            migrationBuilder.DropColumn(
                name: "price_out_per_1k",
                table: "chat_models");

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
                .OldAnnotation("Npgsql:Enum:membership_period", "monthly,yearly")
                .OldAnnotation("Npgsql:Enum:membership_status", "active,ended")
                .OldAnnotation("Npgsql:Enum:membership_tier", "premium,standard")
                .OldAnnotation("Npgsql:Enum:order_status", "cancelled,paid,pending,refunded")
                .OldAnnotation("Npgsql:Enum:payment_event_status", "declined,paid")
                .OldAnnotation("Npgsql:Enum:product_kind", "membership,recharge")
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
