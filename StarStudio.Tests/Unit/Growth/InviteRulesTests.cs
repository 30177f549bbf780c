using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public class InviteRulesTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Inviter = Guid.NewGuid();
    private static readonly Guid Invitee = Guid.NewGuid();
    private static readonly InviteCode Code = new() { UserId = Inviter, Code = "ABCD3467", CreatedAt = Created };

    [Fact]
    public void Refusal_NewerAccount_IsAllowed() =>
        Assert.Null(InviteRules.Refusal(Code, Invitee, Created.AddSeconds(1), alreadyBound: false, Created.AddDays(1)));

    [Fact]
    public void Refusal_Self_Second_Older_AreRefused()
    {
        Assert.Equal(InviteRules.Self, InviteRules.Refusal(Code, Inviter, Created.AddDays(1), false, Created.AddDays(1)));
        Assert.Equal(InviteRules.AlreadyBound, InviteRules.Refusal(Code, Invitee, Created.AddDays(1), true, Created.AddDays(1)));
        Assert.Equal(InviteRules.OlderAccount, InviteRules.Refusal(Code, Invitee, Created.AddSeconds(-1), false, Created.AddDays(1)));
    }

    [Fact]
    public void Refusal_ExpiredCode_IsRefused()
    {
        var expiring = new InviteCode { UserId = Inviter, Code = "ABCD3467", CreatedAt = Created, ExpiresAt = Created.AddDays(1) };
        Assert.Equal(InviteRules.NotValidNow, InviteRules.Refusal(expiring, Invitee, Created.AddHours(1), false, Created.AddDays(2)));
    }

    [Fact]
    public void Generate_IsShortAndFromTheAlphabet()
    {
        var code = InviteRules.Generate();
        Assert.Equal(InviteRules.CodeLength, code.Length);
        Assert.True(code.All(RedeemCodeRules.Alphabet.Contains));
        Assert.Equal(code, RedeemCodeRules.Normalize(code.ToLowerInvariant()));
    }

    [Fact]
    public void Keys_AreOnePerInvitee()
    {
        Assert.Equal($"referral:{Invitee}:inviter", InviteRules.InviterKey(Invitee));
        Assert.Equal($"referral:{Invitee}:invitee", InviteRules.InviteeKey(Invitee));
    }
}
