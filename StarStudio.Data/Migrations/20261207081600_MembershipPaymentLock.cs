using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StarStudio.Data.Migrations
{
    /// <summary>
    /// Two membership orders of one user paid at the same time each bought a period, but the user could get only one.
    /// <c>billing_payment_apply</c> locked the user's membership row (<c>FOR UPDATE</c>) for the caller to extend, and a
    /// user without a membership has no row to lock: both payments read "none", both computed a period from now, and
    /// <c>billing_membership_grant</c>'s upsert let the second overwrite the first. A transaction-scoped advisory lock on
    /// the user's membership now comes first, so the second payment waits for the first to commit and extends what it
    /// granted. SQL only; the EF model is unchanged.
    /// </summary>
    [DbContext(typeof(StarStudioDbContext))]
    [Migration("20261207081600_MembershipPaymentLock")]
    public partial class MembershipPaymentLock : Migration
    {
        private const string LockedRead = """
                                PERFORM pg_advisory_xact_lock(hashtextextended('membership:' || o.user_id::text, 0));
                                SELECT * INTO m FROM profile_membership WHERE profile_membership.user_id = o.user_id FOR UPDATE;
            """;

        private const string Read = """
                                SELECT * INTO m FROM profile_membership WHERE profile_membership.user_id = o.user_id FOR UPDATE;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Function(LockedRead));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Function(Read));

        /// <summary>Migration <c>Billing</c>'s function with <paramref name="membershipRead"/> as its membership read.</summary>
        private static string Function(string membershipRead) => $$"""
            CREATE OR REPLACE FUNCTION billing_payment_apply(p_provider text, p_event_id text, p_order_no text, p_amount numeric,
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
            {{membershipRead}}
                    END IF;
                    RETURN QUERY SELECT 'paid'::text, o.id, o.user_id, o.kind::text, o.credit_amount, o.membership_period::text,
                        m.status::text, m.started_at, m.expires_at;
                END
                $$;
            """;
    }
}
