using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Market.Subscriptions;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Market.Calls;

namespace StarStudio.Tests.Integration.Market.Calls;

/// <summary>Arranges market data as the maintenance role (published skills, stars, money) and builds the services as the app role.</summary>
internal sealed class MarketTestData(PostgresDatabase pg)
{
    public const string SigningSecret = "whsec_market_test";

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    /// <summary>The real registration (AddMarketCalls) over a configuration; private networks allowed unless said otherwise.</summary>
    public static ServiceProvider Services(bool allowPrivate = true, TimeSpan? timeout = null, decimal fee = 20m)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StarStudio:Security:AllowPrivateNetworkUrls"] = allowPrivate ? "true" : "false",
            ["StarStudio:Market:CallTimeout"] = (timeout ?? TimeSpan.FromSeconds(2)).ToString("c"),
            ["StarStudio:Market:PlatformFeePercent"] = fee.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        MarketCallsServiceCollectionExtensions.AddMarketCalls(services);
        return services.BuildServiceProvider();
    }

    public static IOptionsMonitor<MarketCallOptions> Options(ServiceProvider sp) => sp.GetRequiredService<IOptionsMonitor<MarketCallOptions>>();

    public SkillChatToolSource Source(ServiceProvider sp, UserContext user) =>
        new(pg.AppContextFactory(), new FixedCurrentUser(user), sp.GetRequiredService<ISkillEndpointCaller>(), Protection, Options(sp));

    public ISkillSubscriptionService Subscriptions(ServiceProvider sp, UserContext user) =>
        ActivatorUtilities.CreateInstance<Data.Market.Subscriptions.SkillSubscriptionService>(sp, pg.Db(user));

    public ISkillSubscriptionRenewal Renewal(ServiceProvider sp) =>
        ActivatorUtilities.CreateInstance<Data.Market.Subscriptions.SkillSubscriptionRenewal>(sp, pg.AppContextFactory());

    public async Task<Guid> StarAsync(UserContext owner, bool isPublic = false, StarStatus status = StarStatus.Active, string name = "墨香")
    {
        await using var db = pg.OwnerContext();
        var star = new Star { Id = Guid.NewGuid(), OwnerId = owner.UserId!.Value, Name = name, Domain = "天气", Persona = "", Tone = "", Status = status, IsPublic = isPublic };
        db.Stars.Add(star);
        await db.SaveChangesAsync();
        return star.Id;
    }

    /// <summary>A published skill with one published version 1.0.0 at <paramref name="endpoint"/>.</summary>
    public async Task<(Guid SkillId, Guid VersionId)> SkillAsync(
        UserContext maker, Uri endpoint, SkillPricingType pricing = SkillPricingType.Free, decimal price = 0, string name = "Weather Now",
        string? examples = null, string outputSchema = ScriptedSkillServer.OutputSchema, string? authHeader = null, string? authSecret = null)
    {
        await using var db = pg.OwnerContext();
        var skillId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        examples ??= """[{"question":"北京今天天气怎么样","arguments":{"city":"北京"},"note":"today"}]""";
        db.Skills.Add(new Skill
        {
            Id = skillId, OwnerId = maker.UserId!.Value, Name = name, Description = "查询城市天气", DescriptionEn = "City weather", Category = "weather",
            ApiEndpoint = endpoint.ToString(), Schema = ScriptedSkillServer.InputSchema, OutputSchema = outputSchema, PricingType = pricing, Price = price,
            Examples = examples, Status = SkillStatus.Draft, CreatedAt = now, UpdatedAt = now,
            SigningSecretProtected = Protection.CreateProtector(ProtectionPurposes.SkillSigningSecret).Protect(SigningSecret),
            AuthType = authHeader is null ? SkillAuthType.None : SkillAuthType.HeaderSecret, AuthHeader = authHeader,
            AuthSecretProtected = authSecret is null ? null : Protection.CreateProtector(ProtectionPurposes.SkillAuthSecret).Protect(authSecret),
        });
        await db.SaveChangesAsync();
        var version = new SkillVersion
        {
            Id = Guid.NewGuid(), SkillId = skillId, OwnerId = maker.UserId!.Value, Version = "1.0.0", ChangeLog = "first", Name = name,
            Description = "查询城市天气", DescriptionEn = "City weather", Category = "weather", ApiEndpoint = endpoint.ToString(),
            InputSchema = ScriptedSkillServer.InputSchema, OutputSchema = outputSchema, PricingType = pricing, Price = price, Examples = examples,
            Status = SkillVersionStatus.Published, SubmittedAt = now, ReviewedAt = now, SearchText = name,
        };
        db.SkillVersions.Add(version);
        await db.SaveChangesAsync();
        await db.Skills.Where(s => s.Id == skillId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, SkillStatus.Published).SetProperty(x => x.PublishedVersionId, version.Id).SetProperty(x => x.PublishedAt, now));
        return (skillId, version.Id);
    }

    public async Task SetSkillStatusAsync(Guid skillId, SkillStatus status)
    {
        await using var db = pg.OwnerContext();
        await db.Skills.Where(s => s.Id == skillId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status));
    }

    public async Task FundAsync(UserContext user, decimal amount)
    {
        var id = user.UserId!.Value;
        await pg.Db(user).RunAsync((db, _) => WalletPostings.PostAsync(db,
            new LedgerPosting($"test-recharge:{id}:{Guid.NewGuid():N}", id, WalletCurrency.Balance, amount, LedgerSource.Recharge)));
    }

    public async Task<decimal> BalanceAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        return await db.UserBalances.Where(b => b.UserId == userId).Select(b => b.Balance).SingleOrDefaultAsync();
    }

    public async Task<decimal> FrozenAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        return await db.UserBalances.Where(b => b.UserId == userId).Select(b => b.FrozenBalance).SingleOrDefaultAsync();
    }

    public async Task<List<(string Key, decimal Amount, LedgerSource Source, string? ReferenceId)>> LedgerAsync(Guid userId)
    {
        await using var db = pg.OwnerContext();
        var rows = await db.WalletLedger.Where(l => l.UserId == userId && l.SourceType != LedgerSource.Recharge).OrderBy(l => l.Seq)
            .Select(l => new { l.WalletLedgerId, l.AmountDelta, l.SourceType, l.ReferenceId }).ToListAsync();
        return rows.Select(r => (r.WalletLedgerId, r.AmountDelta, r.SourceType, r.ReferenceId)).ToList();
    }

    public async Task<List<SkillCall>> CallsAsync(Guid skillId)
    {
        await using var db = pg.OwnerContext();
        return await db.SkillCalls.Where(c => c.SkillId == skillId).OrderBy(c => c.CreatedAt).ToListAsync();
    }

    /// <summary>Subscribes as the owner through the service; fails the test when refused.</summary>
    public async Task<SkillSubscriptionView> SubscribeAsync(ServiceProvider sp, UserContext owner, Guid skillId, Guid starId, string plan)
    {
        var result = await Subscriptions(sp, owner).SubscribeAsync(skillId, starId, plan);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)) + " " + result.Kind);
        return result.Value!;
    }

    /// <summary>Moves a subscription's paid period into the past (as if time had passed).</summary>
    public async Task EndPeriodAsync(Guid subscriptionId, TimeSpan ago)
    {
        await using var db = pg.OwnerContext();
        var end = DateTimeOffset.UtcNow - ago;
        await db.SkillSubscriptions.Where(s => s.Id == subscriptionId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.CurrentPeriodEnd, end).SetProperty(x => x.StartedAt, end.AddMonths(-1)).SetProperty(x => x.CurrentPeriodStart, end.AddMonths(-1)));
    }

    public async Task<SkillSubscription> SubscriptionAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.SkillSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
    }
}
