using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public class RedeemCodeRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Me = Guid.NewGuid();

    private static RedeemCode Code(RedeemCodeMode mode = RedeemCodeMode.Public, int maxUses = 10, int used = 0) =>
        new() { Code = "WELCOME", Mode = mode, RewardPoints = 5, MaxUses = maxUses, GlobalUsedCount = used, Enabled = true };

    [Theory]
    [InlineData(" welcome ", "WELCOME")]
    [InlineData("ab-cd ef", "ABCDEF")]
    [InlineData(null, "")]
    public void Normalize_TrimsUppercasesAndDropsSeparators(string? typed, string expected) =>
        Assert.Equal(expected, RedeemCodeRules.Normalize(typed));

    [Theory]
    [InlineData("WELCOME", true)]
    [InlineData("NEW_YEAR_2027", true)]
    [InlineData("ABC", false)]
    [InlineData("星星星星", false)]
    [InlineData("DROP;TABLE", false)]
    public void IsWellFormed_AsciiLettersDigitsUnderscore(string code, bool expected) =>
        Assert.Equal(expected, RedeemCodeRules.IsWellFormed(code));

    [Fact]
    public void Refusal_UsableCode_IsNull() => Assert.Null(RedeemCodeRules.Refusal(Code(), Me, usedByUser: false, Now));

    [Fact]
    public void Refusal_EachRule_HasItsMessage()
    {
        var disabled = Code();
        disabled.Enabled = false;
        var early = Code();
        early.StartsAt = Now.AddMinutes(1);
        var late = Code();
        late.ExpiresAt = Now;
        var stranger = Code(RedeemCodeMode.Private);
        stranger.AllowedUserIds = [Guid.NewGuid()];

        Assert.Equal(RedeemErrors.Disabled, RedeemCodeRules.Refusal(disabled, Me, false, Now));
        Assert.Equal(RedeemErrors.NotYetValid, RedeemCodeRules.Refusal(early, Me, false, Now));
        Assert.Equal(RedeemErrors.Expired, RedeemCodeRules.Refusal(late, Me, false, Now));
        Assert.Equal(RedeemErrors.NotForYou, RedeemCodeRules.Refusal(stranger, Me, false, Now));
        Assert.Equal(RedeemErrors.AlreadyUsed, RedeemCodeRules.Refusal(Code(), Me, true, Now));
        Assert.Equal(RedeemErrors.UsedUp, RedeemCodeRules.Refusal(Code(maxUses: 3, used: 3), Me, false, Now));
    }

    [Fact]
    public void Refusal_PrivateCodeForAListedUser_IsAllowed()
    {
        var code = Code(RedeemCodeMode.Private);
        code.AllowedUserIds = [Me];
        Assert.Null(RedeemCodeRules.Refusal(code, Me, false, Now));
    }

    [Fact]
    public void Refusal_UniqueCode_IsUsedUpAfterOneUseWhateverMaxUsesSays() =>
        Assert.Equal(RedeemErrors.UsedUp, RedeemCodeRules.Refusal(Code(RedeemCodeMode.Unique, maxUses: 5, used: 1), Me, false, Now));

    [Fact]
    public void Generate_UsesOnlyTheUnambiguousAlphabet()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => RedeemCodeRules.Generate()).ToList();

        Assert.All(codes, c => Assert.Equal(RedeemCodeRules.GeneratedLength, c.Length));
        Assert.All(codes, c => Assert.True(c.All(RedeemCodeRules.Alphabet.Contains), c));
        Assert.All(codes, c => Assert.True(RedeemCodeRules.IsWellFormed(c)));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        foreach (var lookAlike in "01258OILSBZ")
        {
            Assert.DoesNotContain(lookAlike, RedeemCodeRules.Alphabet);
        }

        // Every symbol is drawn (a biased or truncated draw would leave some out).
        Assert.Equal(RedeemCodeRules.Alphabet.Order(), string.Concat(codes).Distinct().Order());
    }

    [Fact]
    public void Validate_PrivateWithoutUsersAndBadWindow_AreRefused()
    {
        var errors = RedeemCodeRules.Validate(new RedeemCodeDraft
        {
            Code = "x",
            Mode = RedeemCodeMode.Private,
            RewardPoints = 0,
            MaxUses = 0,
            StartsAt = Now,
            ExpiresAt = Now,
        }, generated: false);

        Assert.Equal(["Code", "RewardPoints", "MaxUses", "AllowedUsers", "ExpiresAt"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Validate_UniqueCode_IgnoresMaxUses() =>
        Assert.Empty(RedeemCodeRules.Validate(new RedeemCodeDraft { Code = "ONCEONLY", Mode = RedeemCodeMode.Unique, MaxUses = 0 }, generated: false));
}
