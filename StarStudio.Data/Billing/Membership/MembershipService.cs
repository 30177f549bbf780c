using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing.Membership;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Billing.Membership;

/// <summary>The current user's membership (RLS: a user reads only their own row).</summary>
internal sealed class MembershipService(StarStudioDb db, TimeProvider clock) : IMembershipService
{
    public Task<MembershipView> GetMineAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return MembershipView.None;
            }

            var m = await ctx.ProfileMemberships.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == me, ct);
            if (m is null)
            {
                return MembershipView.None;
            }

            var active = MembershipRules.IsActive(m, clock.GetUtcNow());
            return new MembershipView(m.Tier, m.Status, m.StartedAt, m.ExpiresAt, active, active ? MembershipBenefits.For(m.Tier) : MembershipBenefits.None);
        }, ct);

    public async Task<MembershipBenefits> GetMyBenefitsAsync(CancellationToken ct = default) => (await GetMineAsync(ct)).Benefits;
}

/// <summary>Benefits read inside another feature's transaction (the chat's rate limit, usage billing).</summary>
internal static class MembershipBenefitsQuery
{
    /// <summary>The benefits of <paramref name="userId"/> at <paramref name="now"/>; the caller's RLS must let it read that row.</summary>
    public static async Task<MembershipBenefits> ForAsync(StarStudioDbContext ctx, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var m = await ctx.ProfileMemberships.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        return MembershipRules.IsActive(m, now) ? MembershipBenefits.For(m!.Tier) : MembershipBenefits.None;
    }
}
