using StarStudio.Core.Identity;

namespace StarStudio.Tests.Unit.Account;

public class DisplayNameRuleTests
{
    [Fact]
    public void ValidateDisplayName_Padded_IsTrimmed() =>
        Assert.Equal(("星图旅人", null), AccountRules.ValidateDisplayName("  星图旅人 "));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void ValidateDisplayName_Blank_IsRequired(string? raw) =>
        Assert.Equal("Account.DisplayName.Required", AccountRules.ValidateDisplayName(raw).Error?.Code);

    [Fact]
    public void ValidateDisplayName_EightyChineseCharacters_IsAcceptedAndEightyOneIsNot()
    {
        Assert.Null(AccountRules.ValidateDisplayName(new string('星', AccountRules.DisplayNameMaxLength)).Error);

        var error = AccountRules.ValidateDisplayName(new string('星', AccountRules.DisplayNameMaxLength + 1)).Error;

        Assert.Equal(("DisplayName", "Account.DisplayName.TooLong"), (error?.Field, error?.Code));
        Assert.Equal([AccountRules.DisplayNameMaxLength], error!.Args);
    }

    [Fact]
    public void ValidateDisplayName_EmojiCountAsOneCharacterEach() =>
        Assert.Null(AccountRules.ValidateDisplayName(string.Concat(Enumerable.Repeat("🌟", AccountRules.DisplayNameMaxLength))).Error);
}
