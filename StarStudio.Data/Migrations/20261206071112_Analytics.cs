using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>Analytics (issue 16, docs/analytics.md): tracking events, the date dimension, daily roll-ups and their functions.</summary>
    public partial class Analytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analytics_daily_user",
                columns: table => new
                {
                    day_key = table.Column<int>(type: "integer", nullable: false),
                    event_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_daily_user", x => new { x.day_key, x.event_key, x.user_id });
                });

            migrationBuilder.CreateTable(
                name: "analytics_date_dimension",
                columns: table => new
                {
                    date_key = table.Column<int>(type: "integer", nullable: false),
                    calendar_date = table.Column<DateOnly>(type: "date", nullable: false),
                    weekday = table.Column<short>(type: "smallint", nullable: false),
                    iso_week_key = table.Column<int>(type: "integer", nullable: false),
                    week_start_date_key = table.Column<int>(type: "integer", nullable: false),
                    week_end_date_key = table.Column<int>(type: "integer", nullable: false),
                    month_key = table.Column<int>(type: "integer", nullable: false),
                    month_start_date_key = table.Column<int>(type: "integer", nullable: false),
                    month_end_date_key = table.Column<int>(type: "integer", nullable: false),
                    quarter_key = table.Column<int>(type: "integer", nullable: false),
                    quarter_start_date_key = table.Column<int>(type: "integer", nullable: false),
                    quarter_end_date_key = table.Column<int>(type: "integer", nullable: false),
                    year_key = table.Column<int>(type: "integer", nullable: false),
                    year_start_date_key = table.Column<int>(type: "integer", nullable: false),
                    year_end_date_key = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_date_dimension", x => x.date_key);
                });

            migrationBuilder.CreateTable(
                name: "analytics_metric",
                columns: table => new
                {
                    metric_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    grain = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    period_key = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<decimal>(type: "numeric(20,4)", precision: 20, scale: 4, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_metric", x => new { x.metric_key, x.grain, x.period_key });
                    table.CheckConstraint("ck_analytics_metric_grain", "grain IN ('day', 'week', 'month')");
                });

            migrationBuilder.CreateTable(
                name: "tracking_daily_stat",
                columns: table => new
                {
                    day_key = table.Column<int>(type: "integer", nullable: false),
                    event_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scope_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scope_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    first_occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_daily_stat", x => new { x.day_key, x.event_key, x.scope_kind, x.scope_id });
                });

            migrationBuilder.CreateTable(
                name: "tracking_event",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scope_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scope_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    day_key = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    module_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    metadata = table.Column<JsonDocument>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_event", x => x.event_id);
                    table.CheckConstraint("ck_tracking_event_key", "event_key ~ '^[a-z0-9_]+(\\.[a-z0-9_]+)+$'");
                    table.CheckConstraint("ck_tracking_event_scope", "scope_kind IN ('site', 'star', 'module', 'user')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_calendar_date",
                table: "analytics_date_dimension",
                column: "calendar_date",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_iso_week_key",
                table: "analytics_date_dimension",
                column: "iso_week_key");

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_month_key",
                table: "analytics_date_dimension",
                column: "month_key");

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_quarter_key",
                table: "analytics_date_dimension",
                column: "quarter_key");

            migrationBuilder.CreateIndex(
                name: "ix_analytics_date_dimension_year_key",
                table: "analytics_date_dimension",
                column: "year_key");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_daily_stat_event_key_day_key",
                table: "tracking_daily_stat",
                columns: new[] { "event_key", "day_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_daily_stat_scope_kind_scope_id_day_key",
                table: "tracking_daily_stat",
                columns: new[] { "scope_kind", "scope_id", "day_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_event_day_key_event_key",
                table: "tracking_event",
                columns: new[] { "day_key", "event_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_event_scope_kind_scope_id_day_key",
                table: "tracking_event",
                columns: new[] { "scope_kind", "scope_id", "day_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_event_user_id_occurred_at",
                table: "tracking_event",
                columns: new[] { "user_id", "occurred_at" },
                filter: "user_id IS NOT NULL");

            migrationBuilder.Sql("""
                -- Analytics (issue 16, docs/analytics.md). Admins read every analytics table; nobody else does. The application
                -- role has no INSERT, UPDATE, DELETE or TRUNCATE grant on them (DatabaseMigrator): events are appended by
                -- tracking_event_append (the writer, as no signed-in user), everything else is written by analytics_rollup
                -- (the job, or an admin's "update now").
                ALTER TABLE tracking_event ENABLE ROW LEVEL SECURITY;
                ALTER TABLE tracking_event FORCE ROW LEVEL SECURITY;
                ALTER TABLE tracking_daily_stat ENABLE ROW LEVEL SECURITY;
                ALTER TABLE tracking_daily_stat FORCE ROW LEVEL SECURITY;
                ALTER TABLE analytics_date_dimension ENABLE ROW LEVEL SECURITY;
                ALTER TABLE analytics_date_dimension FORCE ROW LEVEL SECURITY;
                ALTER TABLE analytics_metric ENABLE ROW LEVEL SECURITY;
                ALTER TABLE analytics_metric FORCE ROW LEVEL SECURITY;
                ALTER TABLE analytics_daily_user ENABLE ROW LEVEL SECURITY;
                ALTER TABLE analytics_daily_user FORCE ROW LEVEL SECURITY;
                CREATE POLICY tracking_event_admin_read ON tracking_event FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY tracking_daily_stat_admin_read ON tracking_daily_stat FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY analytics_date_dimension_admin_read ON analytics_date_dimension FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY analytics_metric_admin_read ON analytics_metric FOR SELECT USING ((SELECT app_is_admin()));
                CREATE POLICY analytics_daily_user_admin_read ON analytics_daily_user FOR SELECT USING ((SELECT app_is_admin()));
                DO $do$ BEGIN
                    EXECUTE format('CREATE POLICY tracking_event_definer ON tracking_event TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY tracking_daily_stat_definer ON tracking_daily_stat TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY analytics_date_dimension_definer ON analytics_date_dimension TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY analytics_metric_definer ON analytics_metric TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY analytics_daily_user_definer ON analytics_daily_user TO %I USING (true) WITH CHECK (true)', current_user);
                END $do$;

                -- The roll-up reads these tables by day.
                CREATE INDEX IF NOT EXISTS ix_analytics_src_users_created_at ON users (created_at);
                CREATE INDEX IF NOT EXISTS ix_analytics_src_orders_paid_at ON orders (paid_at) WHERE paid_at IS NOT NULL;
                CREATE INDEX IF NOT EXISTS ix_analytics_src_orders_refunded_at ON orders (refunded_at) WHERE refunded_at IS NOT NULL;
                CREATE INDEX IF NOT EXISTS ix_analytics_src_ledger_created_at ON profile_wallet_ledger (created_at);
                CREATE INDEX IF NOT EXISTS ix_analytics_src_usage_created_at ON usage_records (created_at);

                -- Seed 003's day bucket: floor((occurred_at + 8h) / 1d), Beijing business days since 1970-01-01
                -- (AnalyticsCalendar.DayKey). The epoch of a timestamptz does not depend on the session's time zone.
                CREATE FUNCTION analytics_day_key(p_at timestamptz) RETURNS integer
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT floor((extract(epoch FROM p_at) + 28800) / 86400)::integer $f$;
                CREATE FUNCTION analytics_day_start(p_day integer) RETURNS timestamptz
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT to_timestamp(p_day::bigint * 86400 - 28800) $f$;

                -- Seed 003's ensure/seed of the date dimension: fills the days p_from..p_to (at most 3660), keeping rows that exist.
                -- Same values as AnalyticsCalendar.For (a test compares them).
                CREATE FUNCTION analytics_date_ensure(p_from integer, p_to integer) RETURNS integer
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_count integer;
                BEGIN
                    IF p_to < p_from THEN
                        RETURN 0;
                    END IF;
                    IF p_to - p_from + 1 > 3660 THEN
                        RAISE EXCEPTION 'the date dimension is seeded at most 3660 days at a time' USING ERRCODE = '22023';
                    END IF;
                    INSERT INTO analytics_date_dimension AS x (date_key, calendar_date, weekday, iso_week_key, week_start_date_key, week_end_date_key,
                        month_key, month_start_date_key, month_end_date_key, quarter_key, quarter_start_date_key, quarter_end_date_key,
                        year_key, year_start_date_key, year_end_date_key, created_at, updated_at)
                    SELECT k, d, extract(isodow FROM d)::smallint,
                           extract(isoyear FROM d)::integer * 100 + extract(week FROM d)::integer,
                           k - extract(isodow FROM d)::integer + 1, k - extract(isodow FROM d)::integer + 7,
                           extract(year FROM d)::integer * 100 + extract(month FROM d)::integer,
                           date_trunc('month', d::timestamp)::date - date '1970-01-01',
                           (date_trunc('month', d::timestamp) + interval '1 month')::date - date '1970-01-01' - 1,
                           extract(year FROM d)::integer * 10 + extract(quarter FROM d)::integer,
                           date_trunc('quarter', d::timestamp)::date - date '1970-01-01',
                           (date_trunc('quarter', d::timestamp) + interval '3 months')::date - date '1970-01-01' - 1,
                           extract(year FROM d)::integer,
                           date_trunc('year', d::timestamp)::date - date '1970-01-01',
                           (date_trunc('year', d::timestamp) + interval '1 year')::date - date '1970-01-01' - 1,
                           now(), now()
                    FROM generate_series(p_from, p_to) AS k, LATERAL (SELECT date '1970-01-01' + k AS d) AS c
                    WHERE NOT EXISTS (SELECT 1 FROM analytics_date_dimension e WHERE e.date_key = k)
                    ON CONFLICT (date_key) DO NOTHING;
                    GET DIAGNOSTICS v_count = ROW_COUNT;
                    RETURN v_count;
                END
                $f$;

                -- The writer's batch insert: one multi-row INSERT from arrays; a known event id is skipped (idempotent). Only
                -- outside a user's transaction (the writer's own connection), so no user can forge or inflate events.
                CREATE FUNCTION tracking_event_append(p_ids uuid[], p_keys text[], p_scope_kinds text[], p_scope_ids text[], p_users uuid[],
                                                      p_owners uuid[], p_modules text[], p_metadata jsonb[], p_at timestamptz[]) RETURNS integer
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_count integer;
                    v_from integer;
                    v_to integer;
                BEGIN
                    IF app_user_id() IS NOT NULL THEN
                        RAISE EXCEPTION 'tracking events are written by the analytics writer, not in a user''s transaction' USING ERRCODE = '42501';
                    END IF;
                    SELECT min(analytics_day_key(a)), max(analytics_day_key(a)) INTO v_from, v_to FROM unnest(p_at) AS a;
                    IF v_from IS NULL THEN
                        RETURN 0;
                    END IF;
                    IF v_to - v_from < 3660 THEN
                        PERFORM analytics_date_ensure(v_from, v_to);
                    END IF;
                    INSERT INTO tracking_event (event_id, event_key, scope_kind, scope_id, day_key, user_id, owner_user_id, module_key, metadata, occurred_at)
                    SELECT t.i, t.k, t.sk, t.si, analytics_day_key(t.a), t.u, t.o, t.m, coalesce(t.md, '{}'::jsonb), t.a
                    FROM unnest(p_ids, p_keys, p_scope_kinds, p_scope_ids, p_users, p_owners, p_modules, p_metadata, p_at) AS t(i, k, sk, si, u, o, m, md, a)
                    ON CONFLICT (event_id) DO NOTHING;
                    GET DIAGNOSTICS v_count = ROW_COUNT;
                    RETURN v_count;
                END
                $f$;

                -- The roll-up of the days p_from..p_to, replacing what earlier runs wrote for them (idempotent): events per key,
                -- scope and day (tracking_daily_stat); who was active (analytics_daily_user); the dashboard's day metrics from the
                -- events and from users, orders, the wallet ledger and usage_records; and the distinct-user metrics of every ISO
                -- week and month those days touch. For the job (no signed-in user) and admins. Returns the metric rows written.
                CREATE FUNCTION analytics_rollup(p_from integer, p_to integer) RETURNS integer
                    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                DECLARE
                    v_start timestamptz := analytics_day_start(p_from);
                    v_end timestamptz := analytics_day_start(p_to + 1);
                    v_rows integer := 0;
                    v_n integer;
                    v_weeks integer[];
                    v_months integer[];
                BEGIN
                    IF app_user_id() IS NOT NULL AND NOT app_is_admin() THEN
                        RAISE EXCEPTION 'analytics_rollup is for the analytics job and admins' USING ERRCODE = '42501';
                    END IF;
                    IF p_to < p_from THEN
                        RETURN 0;
                    END IF;
                    IF p_to - p_from + 1 > 3660 THEN
                        RAISE EXCEPTION 'analytics_rollup rolls at most 3660 days at a time' USING ERRCODE = '22023';
                    END IF;
                    -- One roll-up at a time (the job and an admin's button): the second waits, then replaces the same rows.
                    PERFORM pg_advisory_xact_lock(hashtext('analytics_rollup'));
                    PERFORM analytics_date_ensure(p_from, p_to);

                    DELETE FROM tracking_daily_stat WHERE day_key BETWEEN p_from AND p_to;
                    INSERT INTO tracking_daily_stat (day_key, event_key, scope_kind, scope_id, count, first_occurred_at, last_occurred_at, updated_at)
                    SELECT e.day_key, e.event_key, e.scope_kind, e.scope_id, count(*), min(e.occurred_at), max(e.occurred_at), now()
                    FROM tracking_event e WHERE e.day_key BETWEEN p_from AND p_to
                    GROUP BY e.day_key, e.event_key, e.scope_kind, e.scope_id;

                    DELETE FROM analytics_daily_user WHERE day_key BETWEEN p_from AND p_to;
                    WITH u AS MATERIALIZED (
                        SELECT e.day_key, e.user_id, bool_or(e.event_key = 'trial.entered') AS trial
                        FROM tracking_event e WHERE e.day_key BETWEEN p_from AND p_to AND e.user_id IS NOT NULL
                        GROUP BY e.day_key, e.user_id)
                    INSERT INTO analytics_daily_user (day_key, event_key, user_id)
                    SELECT u.day_key, '*', u.user_id FROM u
                    UNION ALL
                    SELECT u.day_key, 'trial.entered', u.user_id FROM u WHERE u.trial;

                    DELETE FROM analytics_metric WHERE grain = 'day' AND period_key BETWEEN p_from AND p_to;
                    INSERT INTO analytics_metric (metric_key, grain, period_key, value, updated_at)
                    SELECT x.metric, 'day', x.day_key, x.value, now() FROM (
                        SELECT s.day_key, m.metric, sum(s.count)::numeric AS value
                        FROM tracking_daily_stat s
                        JOIN (VALUES ('user.signed_in', 'sign_ins'), ('chat.conversation_started', 'conversations'),
                                     ('chat.message_answered', 'messages'), ('rating.given', 'ratings'),
                                     ('knowledge.uploaded', 'knowledge_uploads'), ('trial.entered', 'trial_entries')) AS m(event_key, metric)
                            ON m.event_key = s.event_key
                        WHERE s.day_key BETWEEN p_from AND p_to
                        GROUP BY s.day_key, m.metric
                        UNION ALL
                        SELECT e.day_key, 'knowledge_mb',
                               sum(CASE WHEN jsonb_typeof(e.metadata -> 'bytes') = 'number' THEN (e.metadata ->> 'bytes')::numeric ELSE 0 END) / 1048576
                        FROM tracking_event e WHERE e.day_key BETWEEN p_from AND p_to AND e.event_key = 'knowledge.uploaded'
                        GROUP BY e.day_key
                        UNION ALL
                        SELECT u.day_key, CASE u.event_key WHEN '*' THEN 'active_users' ELSE 'trial_participants' END, count(*)
                        FROM analytics_daily_user u WHERE u.day_key BETWEEN p_from AND p_to
                        GROUP BY u.day_key, u.event_key
                        UNION ALL
                        SELECT analytics_day_key(n.created_at), 'new_users', count(*)
                        FROM users n WHERE n.created_at >= v_start AND n.created_at < v_end GROUP BY 1
                        UNION ALL
                        SELECT analytics_day_key(o.paid_at), 'revenue', sum(o.amount)
                        FROM orders o WHERE o.paid_at >= v_start AND o.paid_at < v_end GROUP BY 1
                        UNION ALL
                        SELECT analytics_day_key(o.refunded_at), 'refunds', sum(o.refund_amount)
                        FROM orders o WHERE o.refunded_at >= v_start AND o.refunded_at < v_end GROUP BY 1
                        UNION ALL
                        SELECT l.d, p.k, p.v FROM (
                            SELECT analytics_day_key(w.created_at) AS d,
                                   sum(w.amount_delta) FILTER (WHERE w.amount_delta > 0) AS issued,
                                   -sum(w.amount_delta) FILTER (WHERE w.amount_delta < 0) AS spent
                            FROM profile_wallet_ledger w
                            WHERE w.currency = 'points' AND w.created_at >= v_start AND w.created_at < v_end GROUP BY 1) AS l
                        CROSS JOIN LATERAL (VALUES ('points_issued', l.issued::numeric), ('points_spent', l.spent::numeric)) AS p(k, v)
                        UNION ALL
                        SELECT r.d, p.k, p.v FROM (
                            SELECT analytics_day_key(ur.created_at) AS d, count(*)::numeric AS n, sum(ur.tokens_in)::numeric / 1000 AS ti,
                                   sum(ur.tokens_out)::numeric / 1000 AS tout, sum(ur.cost)::numeric AS c
                            FROM usage_records ur WHERE ur.created_at >= v_start AND ur.created_at < v_end GROUP BY 1) AS r
                        CROSS JOIN LATERAL (VALUES ('model_requests', r.n), ('model_tokens_in_k', r.ti), ('model_tokens_out_k', r.tout),
                                                   ('model_cost', r.c)) AS p(k, v)
                    ) AS x
                    WHERE x.value IS NOT NULL AND x.value <> 0;
                    GET DIAGNOSTICS v_n = ROW_COUNT;
                    v_rows := v_rows + v_n;
                    -- The watermark: every day this run covered, also days with nothing to count (the job resumes after it).
                    INSERT INTO analytics_metric (metric_key, grain, period_key, value, updated_at)
                    SELECT 'rolled_up', 'day', k, 1, now() FROM generate_series(p_from, p_to) AS k;

                    SELECT array_agg(DISTINCT d.iso_week_key), array_agg(DISTINCT d.month_key) INTO v_weeks, v_months
                    FROM analytics_date_dimension d WHERE d.date_key BETWEEN p_from AND p_to;
                    DELETE FROM analytics_metric
                    WHERE metric_key IN ('active_users', 'trial_participants')
                      AND ((grain = 'week' AND period_key = ANY (v_weeks)) OR (grain = 'month' AND period_key = ANY (v_months)));
                    INSERT INTO analytics_metric (metric_key, grain, period_key, value, updated_at)
                    SELECT CASE u.event_key WHEN '*' THEN 'active_users' ELSE 'trial_participants' END, 'week', d.iso_week_key, count(DISTINCT u.user_id), now()
                    FROM analytics_date_dimension d JOIN analytics_daily_user u ON u.day_key = d.date_key
                    WHERE d.iso_week_key = ANY (v_weeks)
                    GROUP BY u.event_key, d.iso_week_key
                    UNION ALL
                    SELECT CASE u.event_key WHEN '*' THEN 'active_users' ELSE 'trial_participants' END, 'month', d.month_key, count(DISTINCT u.user_id), now()
                    FROM analytics_date_dimension d JOIN analytics_daily_user u ON u.day_key = d.date_key
                    WHERE d.month_key = ANY (v_months)
                    GROUP BY u.event_key, d.month_key;
                    GET DIAGNOSTICS v_n = ROW_COUNT;
                    RETURN v_rows + v_n;
                END
                $f$;

                -- The job's bookkeeping (it runs as no signed-in user, so it cannot read the admin-only tables itself).
                CREATE FUNCTION analytics_last_rolled_day() RETURNS integer
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$ SELECT max(period_key) FROM analytics_metric WHERE metric_key = 'rolled_up' AND grain = 'day' $f$;
                CREATE FUNCTION analytics_first_event_day() RETURNS integer
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                AS $f$
                    SELECT least((SELECT min(day_key) FROM tracking_event),
                                 analytics_day_key((SELECT min(created_at) FROM users)),
                                 analytics_day_key((SELECT min(paid_at) FROM orders WHERE paid_at IS NOT NULL)),
                                 analytics_day_key((SELECT min(created_at) FROM profile_wallet_ledger)),
                                 analytics_day_key((SELECT min(created_at) FROM usage_records)))
                $f$;
                -- When the roll-up last wrote; as the caller (row-level security: admins only).
                CREATE FUNCTION analytics_rolled_up_at() RETURNS timestamptz
                    LANGUAGE sql STABLE SET search_path = public, pg_temp
                AS $f$ SELECT max(updated_at) FROM analytics_metric WHERE metric_key = 'rolled_up' AND grain = 'day' $f$;

                REVOKE ALL ON FUNCTION analytics_date_ensure(integer, integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION tracking_event_append(uuid[], text[], text[], text[], uuid[], uuid[], text[], jsonb[], timestamptz[]) FROM PUBLIC;
                REVOKE ALL ON FUNCTION analytics_rollup(integer, integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION analytics_last_rolled_day() FROM PUBLIC;
                REVOKE ALL ON FUNCTION analytics_first_event_day() FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION analytics_rolled_up_at();
                DROP FUNCTION analytics_first_event_day();
                DROP FUNCTION analytics_last_rolled_day();
                DROP FUNCTION analytics_rollup(integer, integer);
                DROP FUNCTION tracking_event_append(uuid[], text[], text[], text[], uuid[], uuid[], text[], jsonb[], timestamptz[]);
                DROP FUNCTION analytics_date_ensure(integer, integer);
                DROP FUNCTION analytics_day_start(integer);
                DROP FUNCTION analytics_day_key(timestamptz);
                DROP INDEX IF EXISTS ix_analytics_src_users_created_at;
                DROP INDEX IF EXISTS ix_analytics_src_orders_paid_at;
                DROP INDEX IF EXISTS ix_analytics_src_orders_refunded_at;
                DROP INDEX IF EXISTS ix_analytics_src_ledger_created_at;
                DROP INDEX IF EXISTS ix_analytics_src_usage_created_at;
                """);

            migrationBuilder.DropTable(
                name: "analytics_daily_user");

            migrationBuilder.DropTable(
                name: "analytics_date_dimension");

            migrationBuilder.DropTable(
                name: "analytics_metric");

            migrationBuilder.DropTable(
                name: "tracking_daily_stat");

            migrationBuilder.DropTable(
                name: "tracking_event");
        }
    }
}
