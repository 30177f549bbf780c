using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Subscriptions;

/// <summary>
/// <see cref="ISkillSubscriptionService"/> as the current user (RLS: a star owner reaches their stars' subscriptions).
/// Subscribing inserts the row (the database copies the version's terms and refuses an archived or foreign star) and, for
/// a periodic plan, charges the first period through <c>skill_subscription_charge</c> in the same transaction: a short
/// balance rolls both back.
/// </summary>
internal sealed class SkillSubscriptionService(StarStudioDb db, IOptionsMonitor<MarketCallOptions> options, TimeProvider clock) : ISkillSubscriptionService
{
    private const string Field = "Subscription";

    private sealed class Refused(string field, string code) : Exception(code)
    {
        public FieldError Error { get; } = new(field, code);
    }

    public Task<Result<SubscribeOptions>> GetOptionsAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync<Result<SubscribeOptions>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<SubscribeOptions>.Forbidden();
            }

            var skill = await ctx.Skills.AsNoTracking().Where(s => s.Id == skillId)
                .Select(s => new { s.Id, s.Name, s.Status, s.PublishedVersionId }).SingleOrDefaultAsync(ct);
            if (skill is null)
            {
                return Result<SubscribeOptions>.NotFound();
            }

            var version = skill.PublishedVersionId is { } vid
                ? await ctx.SkillVersions.AsNoTracking().Where(v => v.Id == vid && v.Status == SkillVersionStatus.Published).SingleOrDefaultAsync(ct)
                : null;
            var subscribed = await ctx.SkillSubscriptions.AsNoTracking()
                .Where(x => x.SkillId == skillId && x.OwnerId == me && x.Status == SubscriptionStatus.Active)
                .Select(x => x.StarId).ToListAsync(ct);
            var stars = await ctx.Stars.AsNoTracking().Where(s => s.OwnerId == me).OrderBy(s => s.Name)
                .Select(s => new { s.Id, s.Name, s.Status }).ToListAsync(ct);
            var plans = version is null ? [] : SkillPlans.For(version.PricingType).Select(p => Plan(p, version)).ToList();
            return Result<SubscribeOptions>.Ok(new SubscribeOptions(
                skill.Id, version?.Name ?? skill.Name, version?.Id, version?.Version, version?.PricingType ?? SkillPricingType.Free,
                skill.Status == SkillStatus.Published && version is not null, plans,
                stars.Select(s => new StarOption(s.Id, s.Name, s.Status == StarStatus.Archived, subscribed.Contains(s.Id))).ToList()));
        }, ct);

    public async Task<Result<SkillSubscriptionView>> SubscribeAsync(Guid skillId, Guid starId, string plan, CancellationToken ct = default)
    {
        try
        {
            var id = await db.RunAsync(async (ctx, user) =>
            {
                if (user.UserId is not { } me)
                {
                    throw new Refused(Field, SubscriptionRules.StarNotFoundCode);
                }

                var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == starId && s.OwnerId == me).Select(s => new { s.Status }).SingleOrDefaultAsync(ct)
                    ?? throw new Refused("StarId", SubscriptionRules.StarNotFoundCode);
                if (star.Status == StarStatus.Archived)
                {
                    throw new Refused("StarId", SubscriptionRules.StarArchivedCode);
                }

                var skill = await ctx.Skills.AsNoTracking().Where(s => s.Id == skillId).Select(s => new { s.Status, s.PublishedVersionId }).SingleOrDefaultAsync(ct);
                var version = skill is { Status: SkillStatus.Published, PublishedVersionId: { } vid }
                    ? await ctx.SkillVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vid && v.Status == SkillVersionStatus.Published, ct)
                    : null;
                if (version is null)
                {
                    throw new Refused(Field, SubscriptionRules.SkillUnavailableCode);
                }

                if (!SubscriptionRules.Offers(version.PricingType, plan))
                {
                    throw new Refused("Plan", SubscriptionRules.PlanNotOfferedCode);
                }

                if (await ctx.SkillSubscriptions.AnyAsync(x => x.StarId == starId && x.SkillId == skillId && x.Status == SubscriptionStatus.Active, ct))
                {
                    throw new Refused("StarId", SubscriptionRules.AlreadySubscribedCode);
                }

                var now = clock.GetUtcNow();
                var months = SkillPlans.Months(plan);
                var row = new SkillSubscription
                {
                    Id = Guid.NewGuid(),
                    SkillId = skillId,
                    StarId = starId,
                    OwnerId = me,
                    SkillVersionId = version.Id,
                    Plan = plan,
                    PricingType = version.PricingType,
                    Price = version.Price,
                    PeriodMonths = months,
                    AutoRenew = months > 0,
                    StartedAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                ctx.SkillSubscriptions.Add(row);
                await ctx.SaveChangesAsync(ct);
                if (months > 0 && version.Price > 0)
                {
                    var outcome = await ChargeAsync(ctx, row.Id, 1, now, months, version.Price, options.CurrentValue.PlatformFeePercent, ct);
                    if (outcome == "insufficient")
                    {
                        throw new Refused(Field, WalletRules.InsufficientCode);
                    }

                    if (outcome != "charged")
                    {
                        throw new InvalidOperationException($"Charging the first period of subscription {row.Id} returned '{outcome}'.");
                    }
                }

                await global::StarStudio.Data.Webhooks.WebhookEmitters.EmitSubscriptionAsync(ctx, StarStudio.Core.Webhooks.WebhookEvents.SubscriptionCreated, row.Id, now, ct);
                return row.Id;
            }, ct);
            return await ViewAsync(id, ct);
        }
        catch (Refused r)
        {
            return Result<SkillSubscriptionView>.Invalid([r.Error]);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Result<SkillSubscriptionView>.Invalid("StarId", SubscriptionRules.AlreadySubscribedCode);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            // The guard's last word: the star was archived or the skill unpublished between the checks and the insert.
            return Result<SkillSubscriptionView>.Invalid(Field, SubscriptionRules.SkillUnavailableCode);
        }
    }

    /// <summary>Charges period <paramref name="period"/> (anchored at <paramref name="anchor"/>) through the definer function.</summary>
    internal static async Task<string> ChargeAsync(StarStudioDbContext ctx, Guid subscriptionId, int period, DateTimeOffset anchor, int months, decimal monthlyPrice, decimal feePercent, CancellationToken ct)
    {
        var start = SubscriptionPeriods.Start(anchor, months, period);
        var end = SubscriptionPeriods.End(anchor, months, period);
        var share = SkillMoney.MakerShare(WalletRules.RoundMoney(monthlyPrice * months), feePercent);
        var rows = await ctx.Database.SqlQuery<string>($"SELECT skill_subscription_charge({subscriptionId}, {period}, {start}, {end}, {share}) AS \"Value\"").ToListAsync(ct);
        return rows.Single();
    }

    public Task<IReadOnlyList<SkillSubscriptionView>> ListMineAsync(Guid? starId = null, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<SkillSubscriptionView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var mine = ctx.SkillSubscriptions.AsNoTracking().Where(x => x.OwnerId == me);
            if (starId is { } s)
            {
                mine = mine.Where(x => x.StarId == s);
            }

            var rows = await Views(ctx, mine.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Take(500)).ToListAsync(ct);
            var now = clock.GetUtcNow();
            // The joins do not keep the subquery's order.
            return rows.OrderByDescending(r => r.Sub.CreatedAt).ThenBy(r => r.Sub.Id).Select(r => r.ToView(now)).ToList();
        }, ct);

    public Task<Result<SkillSubscriptionView>> CancelAsync(Guid subscriptionId, CancellationToken ct = default) =>
        ChangeAsync(subscriptionId, (row, now) =>
        {
            if (row.Status != SubscriptionStatus.Active)
            {
                return false;
            }

            row.Status = SubscriptionStatus.Cancelled;
            row.CancelledAt = now;
            row.AutoRenew = false;
            return true;
        }, ct, StarStudio.Core.Webhooks.WebhookEvents.SubscriptionCancelled);

    public Task<Result<SkillSubscriptionView>> SetAutoRenewAsync(Guid subscriptionId, bool autoRenew, CancellationToken ct = default) =>
        ChangeAsync(subscriptionId, (row, _) =>
        {
            if (row.Status != SubscriptionStatus.Active || row.PeriodMonths == 0)
            {
                return false;
            }

            row.AutoRenew = autoRenew;
            return true;
        }, ct);

    private async Task<Result<SkillSubscriptionView>> ChangeAsync(Guid subscriptionId, Func<SkillSubscription, DateTimeOffset, bool> change, CancellationToken ct, string? webhookEvent = null)
    {
        var outcome = await db.RunAsync(async (ctx, user) =>
        {
            var row = await ctx.SkillSubscriptions.SingleOrDefaultAsync(x => x.Id == subscriptionId && x.OwnerId == user.UserId, ct);
            if (row is null)
            {
                return SubscriptionRules.NotFoundCode;
            }

            var now = clock.GetUtcNow();
            if (!change(row, now))
            {
                return SubscriptionRules.NotActiveCode;
            }

            row.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            if (webhookEvent is not null)
            {
                await global::StarStudio.Data.Webhooks.WebhookEmitters.EmitSubscriptionAsync(ctx, webhookEvent, row.Id, now, ct);
            }

            return null;
        }, ct);
        return outcome switch
        {
            null => await ViewAsync(subscriptionId, ct),
            SubscriptionRules.NotFoundCode => Result<SkillSubscriptionView>.NotFound(),
            _ => Result<SkillSubscriptionView>.Invalid(Field, outcome),
        };
    }

    private async Task<Result<SkillSubscriptionView>> ViewAsync(Guid id, CancellationToken ct)
    {
        var view = await db.RunAsync(async (ctx, user) =>
        {
            var row = await Views(ctx, ctx.SkillSubscriptions.AsNoTracking().Where(x => x.Id == id && x.OwnerId == user.UserId)).SingleOrDefaultAsync(ct);
            return row?.ToView(clock.GetUtcNow());
        }, ct);
        return view is null ? Result<SkillSubscriptionView>.NotFound() : Result<SkillSubscriptionView>.Ok(view);
    }

    private sealed record Row(SkillSubscription Sub, string SkillName, string Icon, SkillStatus SkillStatus, string Version, SkillVersionStatus VersionStatus, string StarName)
    {
        public SkillSubscriptionView ToView(DateTimeOffset now) => new(
            Sub.Id, Sub.SkillId, SkillName, Icon, Sub.StarId, StarName, Version, Sub.Plan, Sub.PricingType,
            Sub.PeriodMonths > 0 ? WalletRules.RoundMoney(Sub.Price * Sub.PeriodMonths) : Sub.Price,
            Sub.Status, Sub.AutoRenew, Sub.StartedAt, Sub.CurrentPeriodEnd, Sub.PeriodsCharged, Sub.CancelledAt, Sub.RenewalNotice,
            SubscriptionRules.Callable(Sub.Status, Sub.CurrentPeriodEnd, SkillStatus, VersionStatus, now)
                && (Sub.PricingType != SkillPricingType.Subscription || Sub.PeriodsCharged > 0));
    }

    /// <summary>The subscriptions of <paramref name="subscriptions"/> (filtered and ordered there: EF cannot filter after the projection) with their names.</summary>
    private static IQueryable<Row> Views(StarStudioDbContext ctx, IQueryable<SkillSubscription> subscriptions) =>
        from x in subscriptions
        join s in ctx.Skills on x.SkillId equals s.Id
        join v in ctx.SkillVersions on x.SkillVersionId equals v.Id
        join st in ctx.Stars on x.StarId equals st.Id
        select new Row(x, v.Name, v.Icon, s.Status, v.Version, v.Status, st.Name);

    private static PlanOption Plan(string plan, SkillVersion version)
    {
        var months = SkillPlans.Months(plan);
        return new PlanOption(plan, months > 0 ? SubscriptionRules.PeriodPrice(plan, version.Price) : version.Price, months);
    }
}
