using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>
/// Invite codes and referrals as the current user. Another user's invite code is visible only when named in the
/// transaction (<c>app.invite_code</c>), and the database accepts a referral only for the owner of that code.
/// </summary>
internal sealed class InviteService(StarStudioDb db, TimeProvider clock, StarStudio.Core.Configs.ISystemConfigs? configs = null) : IInviteService
{
    public Task<Result<string>> GetMyCodeAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<string>.Forbidden();
            }

            for (var attempt = 0; attempt < 5; attempt++)
            {
                var existing = await ctx.InviteCodes.AsNoTracking().Where(c => c.UserId == me).Select(c => c.Code).FirstOrDefaultAsync(ct);
                if (existing is not null)
                {
                    return Result<string>.Ok(existing);
                }

                // Lazily created; two tabs at once or a code collision insert nothing and the loop reads or retries.
                var now = clock.GetUtcNow();
                await ctx.Database.ExecuteSqlAsync($"""
                    INSERT INTO profile_invite_code (user_id, invite_code, created_at, updated_at)
                    VALUES ({me}, {InviteRules.Generate()}, {now}, {now})
                    ON CONFLICT DO NOTHING
                    """, ct);
            }

            throw new InvalidOperationException("Could not create an invite code after 5 attempts.");
        }, ct);

    public async Task<Result<ReferralView>> BindAsync(string code, CancellationToken ct = default)
    {
        if (RedeemCodeRules.Read(code, InviteRules.Empty, InviteRules.Unknown, out var normalized) is { } refused)
        {
            return Result<ReferralView>.Invalid("Code", refused);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<ReferralView>.Forbidden();
            }

            await ctx.Database.ExecuteSqlAsync($"SELECT set_config('app.invite_code', {normalized}, true)", ct);
            var invite = await ctx.InviteCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized, ct);
            if (invite is null)
            {
                return Result<ReferralView>.Invalid("Code", InviteRules.Unknown);
            }

            var now = clock.GetUtcNow();
            var createdAt = await ctx.Users.AsNoTracking().Where(u => u.Id == me).Select(u => u.CreatedAt).FirstAsync(ct);
            var bound = await ctx.ReferralRelations.AnyAsync(r => r.InviteeUserId == me, ct);
            if (InviteRules.Refusal(invite, me, createdAt, bound, now) is { } refusal)
            {
                return Result<ReferralView>.Invalid("Code", refusal);
            }

            var tx = ctx.Database.CurrentTransaction!;
            await tx.CreateSavepointAsync("bind", ct);
            // The invitee is the key: a concurrent second binding inserts nothing.
            var inserted = await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO profile_referral_relation (invitee_user_id, inviter_user_id, invite_code, inviter_reward_granted, invitee_reward_granted, bound_at)
                VALUES ({me}, {invite.UserId}, {normalized}, true, true, {now})
                ON CONFLICT DO NOTHING
                """, ct);
            if (inserted == 0)
            {
                return Result<ReferralView>.Invalid("Code", InviteRules.AlreadyBound);
            }

            var settings = await SystemConfigReader.SnapshotAsync(configs, ctx, ct);
            var inviterPoints = settings.Int64(InviteRules.InviterPointsConfig);
            var inviteePoints = settings.Int64(InviteRules.InviteePointsConfig);
            foreach (var posting in new[]
            {
                new LedgerPosting(InviteRules.InviterKey(me), invite.UserId, WalletCurrency.Points, inviterPoints, LedgerSource.Referral, "referral", me.ToString()),
                new LedgerPosting(InviteRules.InviteeKey(me), me, WalletCurrency.Points, inviteePoints, LedgerSource.Referral, "referral", me.ToString()),
            })
            {
                var booked = await WalletPostings.PostAsync(ctx, posting, ct);
                if (!booked.Booked)
                {
                    await tx.RollbackToSavepointAsync("bind", ct);
                    return Result<ReferralView>.Invalid("Code", booked.ErrorCode!);
                }
            }

            var name = await ctx.Users.AsNoTracking().Where(u => u.Id == invite.UserId).Select(u => u.DisplayName).FirstAsync(ct);
            return Result<ReferralView>.Ok(new ReferralView(invite.UserId, name, normalized, now));
        }, ct);
    }

    public Task<Result<ReferralView?>> GetMyInviterAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<ReferralView?>.Forbidden();
            }

            var view = await ctx.ReferralRelations.AsNoTracking().Where(r => r.InviteeUserId == me)
                .Join(ctx.Users, r => r.InviterUserId, u => u.Id, (r, u) => new ReferralView(u.Id, u.DisplayName, r.InviteCode, r.BoundAt))
                .FirstOrDefaultAsync(ct);
            return Result<ReferralView?>.Ok(view);
        }, ct);

    public Task<Result<IReadOnlyList<ReferralView>>> ListReferralsAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<IReadOnlyList<ReferralView>>.Forbidden();
            }

            IReadOnlyList<ReferralView> list = await (
                from r in ctx.ReferralRelations.AsNoTracking()
                where r.InviterUserId == me
                join u in ctx.Users on r.InviteeUserId equals u.Id
                orderby r.BoundAt descending
                select new ReferralView(u.Id, u.DisplayName, r.InviteCode, r.BoundAt)).Take(500).ToListAsync(ct);
            return Result<IReadOnlyList<ReferralView>>.Ok(list);
        }, ct);
}
