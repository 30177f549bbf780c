using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Market.Dashboard;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Market.Catalog;

namespace StarStudio.Data.Market.Dashboard;

/// <summary>
/// <see cref="IMakerDashboardService"/> as the current skill maker: the maker's own skills, their calls (<c>skill_calls</c>,
/// which the maker reads by <c>maker_id</c>) and the maker's own <c>SkillRevenue</c> ledger rows, bucketed by Beijing day in
/// <see cref="DashboardMath"/>. Row-level security would hide other makers' rows anyway; every query also names the maker.
/// </summary>
internal sealed class MakerDashboardService(StarStudioDb db, TimeProvider clock) : IMakerDashboardService
{
    /// <summary>Reviews shown on the dashboard.</summary>
    public const int RecentReviews = 10;

    public Task<Result<MakerDashboard>> GetAsync(int days, Guid? skillId = null, CancellationToken ct = default)
    {
        if (days is < 1 or > DashboardMath.MaxDays)
        {
            return Task.FromResult(Result<MakerDashboard>.Invalid("Days", "Market.Dashboard.Days.Range", 1, DashboardMath.MaxDays));
        }

        return db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me || !user.IsInRole(RoleNames.SkillMaker))
            {
                return Result<MakerDashboard>.Forbidden();
            }

            var skills = await ctx.Skills.AsNoTracking().Where(s => s.OwnerId == me).OrderBy(s => s.Name)
                .Select(s => new DashboardSkill(s.Id, s.Name, s.Icon, s.Status, s.SubscriberCount, s.CallCount, s.RatingAvg, s.RatingCount))
                .ToListAsync(ct);
            if (skillId is { } only && skills.All(s => s.Id != only))
            {
                return Result<MakerDashboard>.NotFound();
            }

            var ids = skillId is { } one ? [one] : skills.Select(s => s.Id).ToList();
            var refs = ids.Select(id => id.ToString()).ToList();
            var (window, from) = DashboardMath.Window(clock.GetUtcNow(), days);
            var calls = await ctx.SkillCalls.AsNoTracking()
                .Where(c => c.MakerId == me && c.CreatedAt >= from && ids.Contains(c.SkillId))
                .Select(c => new CallSample(c.CreatedAt, c.Success, c.LatencyMs))
                .ToListAsync(ct);
            var revenue = await ctx.WalletLedger.AsNoTracking()
                .Where(l => l.UserId == me && l.SourceType == LedgerSource.SkillRevenue && l.Currency == WalletCurrency.Balance
                    && l.ReferenceType == "skill" && l.CreatedAt >= from && refs.Contains(l.ReferenceId!))
                .Select(l => new RevenueSample(l.CreatedAt, l.AmountDelta))
                .ToListAsync(ct);
            var names = skills.ToDictionary(s => s.Id, s => s.Name);
            var reviews = await SkillCatalogService.Reviews(ctx).Where(r => ids.Contains(r.SkillId))
                .OrderByDescending(r => r.CreatedAt).Take(RecentReviews).ToListAsync(ct);
            return Result<MakerDashboard>.Ok(new MakerDashboard(
                DashboardMath.Daily(window, calls, revenue),
                skills,
                reviews.Select(r => new DashboardReview(r.SkillId, names[r.SkillId], SkillCatalogService.View(r))).ToList(),
                skillId));
        }, ct);
    }
}
