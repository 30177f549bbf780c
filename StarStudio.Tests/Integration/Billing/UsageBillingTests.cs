using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Billing;
using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Billing.Usage;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Billing;
using StarStudio.Data.Billing.Usage;

namespace StarStudio.Tests.Integration.Billing;

/// <summary>The usage billing job on the real PostgreSQL: prices by model, charges the star owner once, arrears, discount.</summary>
public sealed class UsageBillingTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private UsageBilling Billing() => new(pg.AppContextFactory(), TimeProvider.System, NullLogger<UsageBilling>.Instance);

    /// <summary>A star owner with a star, a player, and a model priced 0.002 per 1k input and 0.004 per 1k output tokens.</summary>
    private async Task<(UserContext Owner, Guid Star, Guid Player, string Provider, string Model)> ArrangeAsync(decimal priceIn = 0.002m, decimal priceOut = 0.004m)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var player = await pg.CreateUserAsync();
        var star = Guid.NewGuid();
        var provider = "prov-" + Guid.NewGuid().ToString("N")[..8];
        var model = "model-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "d", Persona = "p", Tone = "t", IsPublic = true, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        var providerId = Guid.NewGuid();
        db.LlmProviders.Add(new LlmProvider { Id = providerId, Name = provider, BaseUrl = "http://127.0.0.1:1", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        db.ChatModels.Add(new ChatModel { Id = Guid.NewGuid(), ProviderId = providerId, ModelId = model, DisplayName = model, PriceInPer1K = priceIn, PriceOutPer1K = priceOut, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return (owner, star, player.UserId!.Value, provider, model);
    }

    private async Task<List<Guid>> UsageAsync(Guid star, Guid player, string provider, string model, int count, int tokensIn = 500, int tokensOut = 250)
    {
        await using var db = pg.OwnerContext();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        db.UsageRecords.AddRange(ids.Select((id, i) => new UsageRecord
        {
            Id = id, RequestId = $"{id}:0", UserId = player, StarId = star, Provider = provider, Model = model,
            TokensIn = tokensIn, TokensOut = tokensOut, CreatedAt = at.AddMilliseconds(i),
        }));
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task RechargeAsync(UserContext owner, decimal amount)
    {
        var id = owner.UserId!.Value;
        var booked = await pg.Db(owner).RunAsync((db, _) => WalletPostings.PostAsync(db, new LedgerPosting($"test-recharge:{Guid.NewGuid()}", id, WalletCurrency.Balance, amount, LedgerSource.Recharge)));
        Assert.True(booked.Booked);
    }

    private async Task<(decimal Balance, List<decimal> Debits, int Unbilled, UsageBillingArrears? Arrears)> StateAsync(Guid owner, IEnumerable<Guid> records)
    {
        await using var db = pg.OwnerContext();
        var ids = records.ToList();
        var balance = await db.UserBalances.Where(b => b.UserId == owner).Select(b => (decimal?)b.Balance).SingleOrDefaultAsync() ?? 0m;
        var debits = await db.WalletLedger.Where(l => l.UserId == owner && l.SourceType == LedgerSource.ModelUsage).OrderBy(l => l.Seq).Select(l => l.AmountDelta).ToListAsync();
        var unbilled = await db.UsageRecords.CountAsync(u => ids.Contains(u.Id) && u.BilledAt == null);
        var arrears = await db.UsageBillingArrears.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == owner);
        return (balance, debits, unbilled, arrears);
    }

    [Fact]
    public async Task RunTwice_ChargesTheStarOwnerOnce()
    {
        var (owner, star, player, provider, model) = await ArrangeAsync();
        var records = await UsageAsync(star, player, provider, model, 3); // each 500 in + 250 out = 0.001 + 0.001 = 0.002
        await RechargeAsync(owner, 10m);

        var first = await Billing().ChargePendingUsageAsync();
        var second = await Billing().ChargePendingUsageAsync();

        Assert.True(first.Records >= 3);
        Assert.Equal(0, second.Records);
        var state = await StateAsync(owner.UserId!.Value, records);
        Assert.Equal((9.994m, 0), (state.Balance, state.Unbilled));
        Assert.Equal([-0.006m], state.Debits);
        await using var db = pg.OwnerContext();
        var billed = await db.UsageRecords.Where(u => records.Contains(u.Id)).ToListAsync();
        Assert.All(billed, u => Assert.Equal((0.002m, UsagePricing.BatchKey(records[0])), (u.BilledCost!.Value, u.BillingKey)));
    }

    [Fact]
    public async Task ConcurrentRuns_ChargeEachRecordOnce()
    {
        var (owner, star, player, provider, model) = await ArrangeAsync();
        var records = await UsageAsync(star, player, provider, model, UsageBilling.BatchSize + 20);
        await RechargeAsync(owner, 100m);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Billing().ChargePendingUsageAsync())));

        var state = await StateAsync(owner.UserId!.Value, records);
        Assert.Equal(0, state.Unbilled);
        Assert.Equal(-(UsageBilling.BatchSize + 20) * 0.002m, state.Debits.Sum());
        Assert.Equal(100m + state.Debits.Sum(), state.Balance);
    }

    [Fact]
    public async Task BeyondTheBalance_LeavesTheRecordsUnbilledAndTheOwnerInArrears_UntilARecharge()
    {
        var (owner, star, player, provider, model) = await ArrangeAsync();
        var records = await UsageAsync(star, player, provider, model, 5); // 0.01
        await RechargeAsync(owner, 0.005m);

        var run = await Billing().ChargePendingUsageAsync();

        var state = await StateAsync(owner.UserId!.Value, records);
        Assert.True(run.InArrears >= 1);
        Assert.Equal((0.005m, 5), (state.Balance, state.Unbilled));
        Assert.Empty(state.Debits);
        Assert.Equal((0.01m, 5), (state.Arrears!.AmountDue, state.Arrears.Records));

        await RechargeAsync(owner, 1m);
        await Billing().ChargePendingUsageAsync();

        state = await StateAsync(owner.UserId!.Value, records);
        Assert.Equal((0.995m, 0, null), (state.Balance, state.Unbilled, state.Arrears));
    }

    [Fact]
    public async Task Members_GetTheirTiersDiscount()
    {
        var (owner, star, player, provider, model) = await ArrangeAsync();
        var records = await UsageAsync(star, player, provider, model, 5); // 0.01
        await RechargeAsync(owner, 1m);
        await using (var db = pg.OwnerContext())
        {
            db.ProfileMemberships.Add(new ProfileMembership
            {
                UserId = owner.UserId!.Value, Status = MembershipStatus.Active, Tier = MembershipTier.Premium,
                StartedAt = DateTimeOffset.UtcNow.AddDays(-1), ExpiresAt = DateTimeOffset.UtcNow.AddDays(10), UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await Billing().ChargePendingUsageAsync();

        Assert.Equal([-0.008m], (await StateAsync(owner.UserId!.Value, records)).Debits);
    }

    [Fact]
    public async Task FreeModel_MarksRecordsBilledWithoutALedgerRow()
    {
        var (owner, star, player, provider, model) = await ArrangeAsync(0m, 0m);
        var records = await UsageAsync(star, player, provider, model, 3);

        await Billing().ChargePendingUsageAsync();

        var state = await StateAsync(owner.UserId!.Value, records);
        Assert.Equal((0m, 0), (state.Balance, state.Unbilled));
        Assert.Empty(state.Debits);
    }
}
