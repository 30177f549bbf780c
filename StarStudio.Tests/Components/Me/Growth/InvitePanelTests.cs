using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Web.Components.Me.Growth;

namespace StarStudio.Tests.Components.Me.Growth;

public class InvitePanelTests : ComponentTest
{
    private readonly FakeInvites service = new();

    public InvitePanelTests() => Context.Services.AddSingleton<IInviteService>(service);

    [Fact]
    public void InvitePanel_ShowsMyCodeLinkAndReferrals()
    {
        service.Referrals = [new(Guid.NewGuid(), "小星", "ACDE3467", DateTimeOffset.UtcNow), new(Guid.NewGuid(), "阿光", "ACDE3467", DateTimeOffset.UtcNow.AddDays(-1))];
        var cut = Render<InvitePanel>(_ => { });

        Assert.Equal("ACDE3467", cut.Find("[data-testid=invite-code]").TextContent);
        Assert.EndsWith("/account/register?invite=ACDE3467", cut.Find("[data-testid=invite-link]").TextContent);
        Assert.Equal(["小星", "阿光"], cut.FindAll("[data-testid=referral-name]").Select(e => e.TextContent));
        Assert.NotNull(cut.Find("[data-testid=invite-bind]"));
    }

    [Fact]
    public async Task InvitePanel_Copy_WritesTheCodeToTheClipboard()
    {
        var cut = Render<InvitePanel>(_ => { });

        await cut.Find("[data-testid=invite-copy]").ClickAsync();

        var call = Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal("ACDE3467", call.Arguments[0]);
        Assert.Contains("已复制", cut.Find("[data-testid=invite-copy]").TextContent);
    }

    [Fact]
    public async Task InvitePanel_BindRefused_ShowsTheReasonAtTheField()
    {
        service.Refusal = InviteRules.OlderAccount;
        var cut = Render<InvitePanel>(_ => { });

        await cut.Find("#invite-bind-code").InputAsync("XYZW3467");
        await cut.Find("[data-testid=invite-bind]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("只有在该邀请码生成之后注册的账号才能使用它。", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=invite-bound]"));
    }

    [Fact]
    public async Task InvitePanel_Bind_ShowsTheInviterInsteadOfTheBox()
    {
        var cut = Render<InvitePanel>(_ => { });

        await cut.Find("#invite-bind-code").InputAsync("xyzw3467");
        await cut.Find("[data-testid=invite-bind]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("你的邀请人是 老友（邀请码 XYZW3467）。", cut.Find("[data-testid=invite-bound]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=invite-bind]"));
        Assert.Contains("已绑定邀请人 老友", cut.Find("[data-testid=invite-bind-result]").TextContent);
    }

    private sealed class FakeInvites : IInviteService
    {
        public IReadOnlyList<ReferralView> Referrals { get; set; } = [];
        public string? Refusal { get; set; }

        public Task<Result<string>> GetMyCodeAsync(CancellationToken ct = default) => Task.FromResult(Result<string>.Ok("ACDE3467"));

        public Task<Result<ReferralView>> BindAsync(string code, CancellationToken ct = default) =>
            Task.FromResult(Refusal is { } r
                ? Result<ReferralView>.Invalid("Code", r)
                : Result<ReferralView>.Ok(new ReferralView(Guid.NewGuid(), "老友", RedeemCodeRules.Normalize(code), DateTimeOffset.UtcNow)));

        public Task<Result<ReferralView?>> GetMyInviterAsync(CancellationToken ct = default) => Task.FromResult(Result<ReferralView?>.Ok(null));

        public Task<Result<IReadOnlyList<ReferralView>>> ListReferralsAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<ReferralView>>.Ok(Referrals));
    }
}
