using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Web.Components.Me.Growth;

namespace StarStudio.Tests.Components.Me.Growth;

public class RedeemPanelTests : ComponentTest
{
    private readonly FakeRedeem service = new();

    public RedeemPanelTests() => Context.Services.AddSingleton<IRedeemService>(service);

    [Fact]
    public async Task RedeemPanel_GoodCode_ShowsThePointsAndRaisesOnRedeemed()
    {
        long redeemed = 0;
        var cut = Render<RedeemPanel>(p => p.Add(c => c.OnRedeemed, (long points) => redeemed = points));

        await cut.Find("#redeem-code").InputAsync("welcome");
        await cut.Find("[data-testid=redeem-submit]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal("兑换码 WELCOME 兑换成功：+8 积分。", cut.Find("[data-testid=redeem-result]").TextContent.Trim()));
        Assert.Equal(["welcome"], service.Codes);
        Assert.Equal(8, redeemed);
    }

    [Theory]
    [InlineData(RedeemErrors.UsedUp, "该兑换码已被领完。")]
    [InlineData(RedeemErrors.NotForYou, "该兑换码不适用于你的账号。")]
    [InlineData(RedeemErrors.AlreadyUsed, "你已使用过该兑换码。")]
    public async Task RedeemPanel_RefusedCode_ShowsWhy(string code, string message)
    {
        service.Refusal = code;
        var cut = Render<RedeemPanel>(_ => { });

        await cut.Find("#redeem-code").InputAsync("SOMECODE");
        await cut.Find("[data-testid=redeem-submit]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-testid=redeem-result]").TextContent.Trim()));
        Assert.Equal(["SOMECODE"], service.Codes);
    }

    private sealed class FakeRedeem : IRedeemService
    {
        public List<string> Codes { get; } = [];
        public string? Refusal { get; set; }

        public Task<Result<RedeemResult>> RedeemAsync(string code, CancellationToken ct = default)
        {
            Codes.Add(code);
            return Task.FromResult(Refusal is { } r
                ? Result<RedeemResult>.Invalid("Code", r)
                : Result<RedeemResult>.Ok(new RedeemResult(RedeemCodeRules.Normalize(code), 8)));
        }
    }
}
