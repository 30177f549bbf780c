using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Skills in chat and subscriptions (issue 12, docs/market-calls.md): the SECURITY DEFINER functions that list a star's
    /// callable skills for whoever may chat with it, hold/record/charge a call once per request id, charge a subscription
    /// period (payer debit, maker credit, period moved, in one transaction) and let the renewal job find and expire due
    /// subscriptions. The functions run as the owner, whom FORCE ROW LEVEL SECURITY holds to the policies too: two
    /// policies of the owner's own (never the app role's) let them read versions and subscriptions across users. SQL only.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261205200300_MarketCalls")]
    public partial class MarketCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    EXECUTE format('CREATE POLICY skill_subscriptions_definer ON skill_subscriptions TO %I USING (true) WITH CHECK (true)', current_user);
                    EXECUTE format('CREATE POLICY skill_versions_definer ON skill_versions FOR SELECT TO %I USING (true)', current_user);
                END
                $$;

                -- Whether the acting user may chat with the star: its owner (any status but archived), anyone on a public
                -- active star (the rule of conversations_start), or an admin.
                CREATE FUNCTION skill_chat_allowed(p_star uuid) RETURNS boolean
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                        SELECT EXISTS (SELECT 1 FROM stars st
                            WHERE st.id = p_star AND st.status <> 'archived'
                              AND (st.owner_id = app_user_id() OR (st.is_public AND st.status = 'active') OR app_is_admin()))
                    $f$;

                -- Whether a subscription may be called now (SubscriptionRules.Callable): active and inside its paid period
                -- (or without periods), or cancelled and still inside it; a subscription plan only once a period is paid;
                -- skill and version published.
                CREATE FUNCTION skill_subscription_callable(x skill_subscriptions, p_skill_status skill_status, p_version_status skill_version_status)
                    RETURNS boolean
                    LANGUAGE sql STABLE SET search_path = public, pg_temp
                    AS $f$
                        SELECT p_skill_status = 'published' AND p_version_status = 'published'
                           AND (x.pricing_type <> 'subscription' OR (x.period_months > 0 AND x.periods_charged > 0))
                           AND ((x.status = 'active' AND (x.current_period_end IS NULL OR x.current_period_end > now()))
                                OR (x.status = 'cancelled' AND x.current_period_end > now()))
                    $f$;

                -- The star's callable skills for the chat, whoever chats (a player on a public star included). Returns the
                -- protected secrets for the server to call with; never the owner's wallet.
                CREATE FUNCTION skill_chat_tools(p_star uuid)
                    RETURNS TABLE (subscription_id uuid, skill_id uuid, version_id uuid, version text, name text, description text,
                                   description_en text, input_schema text, output_schema text, examples text, api_endpoint text,
                                   pricing_type text, price numeric, payer_id uuid, maker_id uuid, auth_type text, auth_header text,
                                   auth_secret_protected text, signing_secret_protected text)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                        SELECT x.id, x.skill_id, v.id, v.version::text, v.name::text, v.description, v.description_en, v.input_schema::text,
                               v.output_schema::text, v.examples::text, v.api_endpoint, x.pricing_type::text, x.price, x.owner_id, s.owner_id,
                               s.auth_type::text, s.auth_header::text, s.auth_secret_protected, s.signing_secret_protected
                          FROM skill_subscriptions x
                          JOIN skills s ON s.id = x.skill_id
                          JOIN skill_versions v ON v.id = x.skill_version_id
                         WHERE x.star_id = p_star AND skill_chat_allowed(p_star)
                           AND skill_subscription_callable(x, s.status, v.status)
                         ORDER BY x.created_at, x.id
                    $f$;

                -- Before a call: a request id seen before is a replay (nothing is sent or charged again); a subscription no
                -- longer callable is refused; a metered call freezes its price on the payer's balance under
                -- skill-call:{request id} (insufficient: refused, nothing held). The hold commits without waiting for the WAL
                -- flush (this transaction only): a crash can lose a hold, never a charge (the record then finds no hold and
                -- books the call free), and the call is spared one of its two flushes.
                CREATE FUNCTION skill_call_begin(p_request_id text, p_subscription uuid)
                    RETURNS TABLE (outcome text, price numeric)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        x skill_subscriptions%ROWTYPE;
                        r wallet_result;
                    BEGIN
                        IF p_request_id IS NULL OR length(p_request_id) = 0 OR length(p_request_id) > 160 THEN
                            RAISE EXCEPTION 'skill_call_begin: the request id must have 1 to 160 characters' USING ERRCODE = '22023';
                        END IF;
                        PERFORM set_config('synchronous_commit', 'off', true);
                        IF EXISTS (SELECT 1 FROM skill_calls c WHERE c.request_id = p_request_id) THEN
                            RETURN QUERY SELECT 'replayed'::text, 0::numeric;
                            RETURN;
                        END IF;
                        SELECT sub.* INTO x FROM skill_subscriptions sub
                          JOIN skills s ON s.id = sub.skill_id
                          JOIN skill_versions v ON v.id = sub.skill_version_id
                         WHERE sub.id = p_subscription AND skill_chat_allowed(sub.star_id)
                           AND skill_subscription_callable(sub, s.status, v.status);
                        IF NOT FOUND THEN
                            RETURN QUERY SELECT 'not_callable'::text, 0::numeric;
                            RETURN;
                        END IF;
                        IF x.pricing_type = 'usage' AND x.price > 0 THEN
                            SELECT * INTO r FROM wallet_freeze('skill-call:' || p_request_id, x.owner_id, x.price, 'skill', x.skill_id::text);
                            IF r.outcome = 'insufficient' THEN
                                RETURN QUERY SELECT 'insufficient'::text, x.price;
                                RETURN;
                            ELSIF r.outcome NOT IN ('posted', 'replayed') THEN
                                RAISE EXCEPTION 'skill_call_begin: hold % refused (%)', p_request_id, r.outcome USING ERRCODE = '23514';
                            END IF;
                            RETURN QUERY SELECT 'ok'::text, x.price;
                            RETURN;
                        END IF;
                        RETURN QUERY SELECT 'ok'::text, 0::numeric;
                    END
                    $f$;

                -- After a call: one skill_calls row per request id (a replay records nothing and returns the first row's
                -- money). A successful metered call settles its hold (payer debit skill-call:{id}:settle, source skill_usage)
                -- and credits the maker (skill-call:{id}:maker, skill_revenue); a failed one releases the hold (no charge).
                CREATE FUNCTION skill_call_record(p_request_id text, p_subscription uuid, p_conversation uuid, p_success boolean,
                        p_error_code text, p_http_status integer, p_latency_ms integer, p_maker_share numeric)
                    RETURNS TABLE (recorded boolean, price numeric, maker_share numeric)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        x skill_subscriptions%ROWTYPE;
                        v_maker uuid;
                        v_hold boolean;
                        v_price numeric := 0;
                        v_share numeric := 0;
                        v_id uuid;
                        r wallet_result;
                    BEGIN
                        SELECT sub.* INTO x FROM skill_subscriptions sub WHERE sub.id = p_subscription AND skill_chat_allowed(sub.star_id);
                        IF NOT FOUND THEN
                            RAISE EXCEPTION 'skill_call_record: no subscription % the caller may use', p_subscription USING ERRCODE = '42501';
                        END IF;
                        SELECT s.owner_id INTO v_maker FROM skills s WHERE s.id = x.skill_id;
                        v_hold := x.pricing_type = 'usage' AND x.price > 0
                            AND EXISTS (SELECT 1 FROM wallet_holds h WHERE h.hold_id = 'skill-call:' || p_request_id AND h.status = 'held');
                        IF p_success AND v_hold THEN
                            v_price := x.price;
                            v_share := LEAST(GREATEST(COALESCE(p_maker_share, 0), 0), v_price);
                        END IF;
                        INSERT INTO skill_calls (request_id, skill_id, skill_version_id, subscription_id, star_id, conversation_id, payer_id,
                                maker_id, success, error_code, http_status, latency_ms, price, maker_share)
                            VALUES (p_request_id, x.skill_id, x.skill_version_id, x.id, x.star_id, p_conversation, x.owner_id, v_maker,
                                p_success, CASE WHEN p_success THEN NULL ELSE left(p_error_code, 60) END, p_http_status,
                                GREATEST(COALESCE(p_latency_ms, 0), 0), v_price, v_share)
                            ON CONFLICT (request_id) DO NOTHING
                            RETURNING id INTO v_id;
                        IF v_id IS NULL THEN
                            RETURN QUERY SELECT false, c.price, c.maker_share FROM skill_calls c WHERE c.request_id = p_request_id;
                            RETURN;
                        END IF;
                        IF v_hold THEN
                            IF v_price > 0 THEN
                                PERFORM wallet_settle('skill-call:' || p_request_id, v_price, 'skill_usage', 'skill call ' || x.skill_id);
                                IF v_share > 0 THEN
                                    SELECT * INTO r FROM wallet_post('skill-call:' || p_request_id || ':maker', v_maker, 'balance', v_share,
                                        'skill_revenue', 'skill', x.skill_id::text, 'skill call ' || x.skill_id);
                                    IF r.outcome NOT IN ('posted', 'replayed') THEN
                                        RAISE EXCEPTION 'skill_call_record: maker credit refused (%)', r.outcome USING ERRCODE = '23514';
                                    END IF;
                                END IF;
                            ELSE
                                PERFORM wallet_release('skill-call:' || p_request_id);
                            END IF;
                        END IF;
                        RETURN QUERY SELECT true, v_price, v_share;
                    END
                    $f$;

                -- Charges period p_period of a subscription plan: the payer's debit skill-sub:{id}:{n} (skill_subscription),
                -- the maker's credit skill-sub:{id}:{n}:maker (skill_revenue) and the period move, together. Idempotent: a
                -- period already charged returns 'already'; a short balance books nothing ('insufficient'). Called by the
                -- subscription's owner (the first period) or by the renewal job (no user).
                CREATE FUNCTION skill_subscription_charge(p_subscription uuid, p_period integer, p_start timestamptz, p_end timestamptz,
                        p_maker_share numeric)
                    RETURNS text
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        x skill_subscriptions%ROWTYPE;
                        v_maker uuid;
                        v_amount numeric;
                        v_key text;
                        r wallet_result;
                    BEGIN
                        SELECT * INTO x FROM skill_subscriptions sub WHERE sub.id = p_subscription FOR UPDATE;
                        IF NOT FOUND THEN
                            RETURN 'not_found';
                        END IF;
                        IF app_user_id() IS NOT NULL AND app_user_id() IS DISTINCT FROM x.owner_id THEN
                            RAISE EXCEPTION 'skill_subscription_charge: not the subscriber' USING ERRCODE = '42501';
                        END IF;
                        IF x.periods_charged >= p_period THEN
                            RETURN 'already';
                        END IF;
                        IF p_period <> x.periods_charged + 1 OR x.status <> 'active' OR x.pricing_type <> 'subscription'
                           OR x.period_months <= 0 OR x.price <= 0 OR p_end <= p_start THEN
                            RETURN 'refused';
                        END IF;
                        -- The caller computes the period (months from the start date, SubscriptionPeriods); the database still
                        -- refuses a period longer than the plan's (a few days' slack for month ends) or one starting later than
                        -- tomorrow, so no caller buys more time than it pays for.
                        IF p_end > p_start + make_interval(months => x.period_months) + interval '4 days'
                           OR p_start > now() + interval '1 day' THEN
                            RETURN 'refused';
                        END IF;
                        SELECT s.owner_id INTO v_maker FROM skills s WHERE s.id = x.skill_id;
                        v_amount := round(x.price * x.period_months, 4);
                        v_key := 'skill-sub:' || x.id || ':' || p_period;
                        SELECT * INTO r FROM wallet_post(v_key, x.owner_id, 'balance', -v_amount, 'skill_subscription', 'skill',
                            x.skill_id::text, 'skill subscription ' || x.id || ' period ' || p_period);
                        IF r.outcome = 'insufficient' THEN
                            RETURN 'insufficient';
                        ELSIF r.outcome NOT IN ('posted', 'replayed') THEN
                            RAISE EXCEPTION 'skill_subscription_charge: % refused (%)', v_key, r.outcome USING ERRCODE = '23514';
                        END IF;
                        IF COALESCE(p_maker_share, 0) > 0 THEN
                            SELECT * INTO r FROM wallet_post(v_key || ':maker', v_maker, 'balance', LEAST(p_maker_share, v_amount), 'skill_revenue',
                                'skill', x.skill_id::text, 'skill subscription ' || x.id || ' period ' || p_period);
                            IF r.outcome NOT IN ('posted', 'replayed') THEN
                                RAISE EXCEPTION 'skill_subscription_charge: maker credit refused (%)', r.outcome USING ERRCODE = '23514';
                            END IF;
                        END IF;
                        UPDATE skill_subscriptions sub SET periods_charged = p_period, current_period_start = p_start, current_period_end = p_end,
                               renewal_failed_at = NULL, renewal_notice = NULL, updated_at = now()
                         WHERE sub.id = x.id;
                        RETURN 'charged';
                    END
                    $f$;

                -- The renewal job's scan (no user only): subscriptions whose paid period has ended.
                CREATE FUNCTION skill_subscriptions_due(p_now timestamptz, p_limit integer)
                    RETURNS TABLE (id uuid, owner_id uuid, skill_id uuid, status text, auto_renew boolean, price numeric, period_months integer,
                                   periods_charged integer, started_at timestamptz, current_period_end timestamptz, skill_status text)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF app_user_id() IS NOT NULL THEN
                            RAISE EXCEPTION 'skill_subscriptions_due is the renewal job''s' USING ERRCODE = '42501';
                        END IF;
                        RETURN QUERY
                            SELECT x.id, x.owner_id, x.skill_id, x.status::text, x.auto_renew, x.price, x.period_months, x.periods_charged,
                                   x.started_at, x.current_period_end, s.status::text
                              FROM skill_subscriptions x JOIN skills s ON s.id = x.skill_id
                             WHERE x.status IN ('active', 'cancelled') AND x.current_period_end IS NOT NULL AND x.current_period_end <= p_now
                             ORDER BY x.current_period_end, x.id
                             LIMIT LEAST(GREATEST(p_limit, 1), 1000);
                    END
                    $f$;

                -- Expires a due subscription with a notice (a resource key); p_balance_short also stamps renewal_failed_at.
                CREATE FUNCTION skill_subscription_expire(p_subscription uuid, p_now timestamptz, p_notice text, p_balance_short boolean)
                    RETURNS boolean
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    BEGIN
                        IF app_user_id() IS NOT NULL THEN
                            RAISE EXCEPTION 'skill_subscription_expire is the renewal job''s' USING ERRCODE = '42501';
                        END IF;
                        UPDATE skill_subscriptions x SET status = 'expired', renewal_notice = left(p_notice, 500),
                               renewal_failed_at = CASE WHEN p_balance_short THEN p_now ELSE x.renewal_failed_at END, updated_at = p_now
                         WHERE x.id = p_subscription AND x.status IN ('active', 'cancelled')
                           AND x.current_period_end IS NOT NULL AND x.current_period_end <= p_now;
                        RETURN FOUND;
                    END
                    $f$;

                -- Holds of metered calls whose process died between the hold and the record (no skill_calls row): released
                -- by the renewal job after p_older_than, so no money stays frozen.
                CREATE FUNCTION skill_call_release_stale(p_older_than interval) RETURNS integer
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $f$
                    DECLARE
                        h record;
                        n integer := 0;
                    BEGIN
                        IF app_user_id() IS NOT NULL THEN
                            RAISE EXCEPTION 'skill_call_release_stale is the renewal job''s' USING ERRCODE = '42501';
                        END IF;
                        FOR h IN SELECT w.hold_id FROM wallet_holds w
                                  WHERE w.hold_id LIKE 'skill-call:%' AND w.status = 'held' AND w.created_at < now() - p_older_than
                                    AND NOT EXISTS (SELECT 1 FROM skill_calls c WHERE 'skill-call:' || c.request_id = w.hold_id)
                        LOOP
                            PERFORM wallet_release(h.hold_id);
                            n := n + 1;
                        END LOOP;
                        RETURN n;
                    END
                    $f$;

                REVOKE ALL ON FUNCTION skill_chat_allowed(uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_chat_tools(uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_call_begin(text, uuid) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_call_record(text, uuid, uuid, boolean, text, integer, integer, numeric) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_subscription_charge(uuid, integer, timestamptz, timestamptz, numeric) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_subscriptions_due(timestamptz, integer) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_subscription_expire(uuid, timestamptz, text, boolean) FROM PUBLIC;
                REVOKE ALL ON FUNCTION skill_call_release_stale(interval) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION skill_call_release_stale(interval);
                DROP FUNCTION skill_subscription_expire(uuid, timestamptz, text, boolean);
                DROP FUNCTION skill_subscriptions_due(timestamptz, integer);
                DROP FUNCTION skill_subscription_charge(uuid, integer, timestamptz, timestamptz, numeric);
                DROP FUNCTION skill_call_record(text, uuid, uuid, boolean, text, integer, integer, numeric);
                DROP FUNCTION skill_call_begin(text, uuid);
                DROP FUNCTION skill_chat_tools(uuid);
                DROP FUNCTION skill_subscription_callable(skill_subscriptions, skill_status, skill_version_status);
                DROP FUNCTION skill_chat_allowed(uuid);
                DROP POLICY skill_versions_definer ON skill_versions;
                DROP POLICY skill_subscriptions_definer ON skill_subscriptions;
                """);
        }
    }
}
