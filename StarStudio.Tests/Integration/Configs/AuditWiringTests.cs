using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Audit;
using StarStudio.Core.Audit.Search;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Data.Admin.Chat;
using StarStudio.Data.Audit.Search;
using StarStudio.Data.Billing;
using StarStudio.Tests.Integration.Admin.Chat;
using StarStudio.Tests.Integration.Billing;

namespace StarStudio.Tests.Integration.Configs;

/// <summary>
/// Admin actions write their audit entry in their own transaction: provider and key changes (never the key), refunds and
/// wallet adjustments; and the search service finds them for admins only, with keyset paging and a CSV export.
/// </summary>
public sealed class AuditWiringTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    private sealed class FixedAddress : IClientAddress
    {
        public string? Get() => "198.51.100.9";
    }

    private ChatModelAdminService Models(UserContext user) =>
        new(pg.Db(user), new FixedCurrentUser(user), Http, new EphemeralDataProtectionProvider(),
            new FixedSecurityOptions(new SecurityOptions()), TimeProvider.System,
            (_, _) => Task.FromResult<System.Net.IPAddress[]>([System.Net.IPAddress.Parse("93.184.216.34")]), null, new FixedAddress());

    private async Task<List<Data.Audit.AuditLogEntry>> EntriesAsync(string targetId)
    {
        await using var owner = pg.OwnerContext();
        return await owner.AuditLogs.AsNoTracking().Where(e => e.TargetId == targetId).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task ProviderKey_IsAuditedAsSetReplacedRemoved_NeverTheKeyItself()
    {
        var admin = await pg.CreateAdminAsync();
        const string firstKey = "sk-first-0123456789abcdef";
        const string secondKey = "sk-second-fedcba9876543210";
        var name = $"audit-{Guid.NewGuid():N}"[..24];
        var created = await Models(admin).CreateProviderAsync(new LlmProviderDraft { Name = name, BaseUrl = "https://llm.example.test", ApiKey = firstKey });
        var id = created.Value!.Id;
        await Models(admin).UpdateProviderAsync(id, new LlmProviderDraft { Name = name, BaseUrl = "https://llm.example.test", ApiKey = secondKey });
        await Models(admin).UpdateProviderAsync(id, new LlmProviderDraft { Name = name + "x", BaseUrl = "https://llm.example.test", ClearApiKey = true });

        var entries = await EntriesAsync(id.ToString());
        Assert.Equal(
            [(AuditActions.ProviderChanged, null), (AuditActions.ProviderKeyChanged, "set"), (AuditActions.ProviderKeyChanged, "replaced"),
             (AuditActions.ProviderChanged, null), (AuditActions.ProviderKeyChanged, "removed")],
            entries.Select(e => (e.Action, e.Action == AuditActions.ProviderKeyChanged ? e.AfterValue!.RootElement.GetProperty("apiKey").GetString() : null)).ToList<(string, string?)>());
        Assert.All(entries, e => Assert.Equal((admin.UserId, "198.51.100.9"), (e.ActorId, e.IpAddress)));
        Assert.Equal(name + "x", entries[3].AfterValue!.RootElement.GetProperty("name").GetString());
        await using var owner = pg.OwnerContext();
        var everything = string.Join("\n", await owner.Database.SqlQueryRaw<string>(
            "SELECT coalesce(before_value::text, '') || coalesce(after_value::text, '') || coalesce(target_label, '') AS \"Value\" FROM audit_logs").ToListAsync());
        Assert.DoesNotContain("sk-first", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-second", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_AndWalletAdjustment_AreAuditedWithTheirReason()
    {
        var data = new BillingTestData(pg);
        var (user, order) = await data.PendingOrderAsync();
        await data.SendAsync(BillingTestData.Paid(order));
        var admin = await pg.CreateAdminAsync();

        Assert.True((await new Data.Billing.Orders.BillingAdminService(pg.Db(admin), TimeProvider.System, new FixedAddress()).RefundAsync(order.Id, "客户申请")).Succeeded);
        var refund = Assert.Single(await EntriesAsync(order.Id.ToString()));
        Assert.Equal((AuditActions.Refund, AuditTargets.Order, order.OrderNo, "客户申请"), (refund.Action, refund.TargetType, refund.TargetLabel, refund.Reason));
        Assert.Equal(("paid", "refunded"), (refund.BeforeValue!.RootElement.GetProperty("status").GetString(), refund.AfterValue!.RootElement.GetProperty("status").GetString()));

        var wallet = new WalletService(pg.Db(admin), TimeProvider.System, new FixedAddress());
        var request = new WalletAdjustment(user.UserId!.Value, WalletCurrency.Points, 7m, "补偿故障", Guid.NewGuid());
        Assert.True((await wallet.AdjustAsync(request)).Succeeded);
        Assert.True((await wallet.AdjustAsync(request)).Succeeded); // a replay books nothing and records nothing
        var adjusted = Assert.Single(await EntriesAsync(user.UserId!.Value.ToString()), e => e.Action == AuditActions.WalletAdjusted);
        Assert.Equal("补偿故障", adjusted.Reason);
        Assert.Equal(7m, adjusted.AfterValue!.RootElement.GetProperty("amount").GetDecimal());
        Assert.Equal(adjusted.BeforeValue!.RootElement.GetProperty("balance").GetDecimal() + 7m, adjusted.AfterValue.RootElement.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Search_FiltersPagesAndExports_ForAdminsOnly()
    {
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        var marker = "marker-" + Guid.NewGuid().ToString("N")[..8];
        var log = new Data.Audit.AuditLog(pg.Db(admin));
        for (var i = 0; i < 5; i++)
        {
            await log.RecordAsync(new AuditEvent(AuditActions.ReviewApproved, AuditTargets.Skill, $"s{i}", $"{marker} skill {i}", Reason: i == 3 ? "=cmd|' /C calc'!A0" : null));
        }

        await new Data.Audit.AuditLog(pg.Db(player)).RecordAsync(new AuditEvent(AuditActions.SignedIn, AuditTargets.User, player.UserId.ToString(), marker));
        var search = new AuditSearchService(pg.Db(admin));
        var adminEmail = await EmailAsync(admin.UserId!.Value);

        var first = (await search.SearchAsync(new AuditFilter(Text: marker, ActorEmail: adminEmail.ToUpperInvariant()), null, 2)).Value!;
        var second = (await search.SearchAsync(new AuditFilter(Text: marker, ActorEmail: adminEmail), first.NextBefore, 2)).Value!;
        var third = (await search.SearchAsync(new AuditFilter(Text: marker, ActorEmail: adminEmail), second.NextBefore, 2)).Value!;
        Assert.Equal(["s4", "s3", "s2", "s1", "s0"], first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.TargetId!));
        Assert.Null(third.NextBefore);
        Assert.Equal(adminEmail, first.Items[0].ActorEmail);

        Assert.Single((await search.SearchAsync(new AuditFilter(Action: AuditActions.SignedIn, Text: marker), null, 10)).Value!.Items);
        Assert.Single((await search.SearchAsync(new AuditFilter(TargetType: AuditTargets.Skill, TargetId: "s2", Text: marker), null, 10)).Value!.Items);
        var today = BeijingTime.Day(DateTimeOffset.UtcNow);
        Assert.Equal(6, (await search.SearchAsync(new AuditFilter(From: today, To: today, Text: marker), null, 10)).Value!.Items.Count);
        Assert.Empty((await search.SearchAsync(new AuditFilter(From: today.AddDays(1), Text: marker), null, 10)).Value!.Items);
        Assert.Equal(AuditFilter.RangeCode, (await search.SearchAsync(new AuditFilter(From: today, To: today.AddDays(-1)), null, 10)).Errors.Single().Code);

        using var csv = new MemoryStream();
        Assert.Equal(6, (await search.ExportCsvAsync(new AuditFilter(Text: marker), csv)).Value);
        var text = System.Text.Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AuditCsv.HeaderRow(), lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.Contains("'=cmd|' /C calc'!A0", text, StringComparison.Ordinal);

        Assert.Equal(ResultKind.Forbidden, (await new AuditSearchService(pg.Db(player)).SearchAsync(new AuditFilter(), null, 10)).Kind);
        var forged = player with { Roles = new HashSet<string> { StarStudio.Core.Identity.RoleNames.Admin } };
        Assert.Empty((await new AuditSearchService(pg.Db(forged)).SearchAsync(new AuditFilter(Text: marker), null, 10)).Value!.Items);
    }

    private async Task<string> EmailAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return (await owner.Users.AsNoTracking().SingleAsync(u => u.Id == id)).Email!;
    }
}
