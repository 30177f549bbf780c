using StarStudio.Core.Explore;

namespace StarStudio.Tests.Unit.Explore;

public sealed class StarProfileRulesTests
{
    [Fact]
    public void SampleQuestions_AreTheUsersLines_DistinctAtMostThree()
    {
        var dialogues = "<START>\n{{user}}: 第一问\n{{char}}: 答\n{{USER}}：第二问\n{{user}}: 第一问\n<START>\n{{user}}: 第三问\n{{user}}: 第四问";

        Assert.Equal(["第一问", "第二问", "第三问"], StarProfileRules.SampleQuestions(dialogues));
    }

    [Fact]
    public void SampleQuestions_NoneOrMalformed_IsEmpty_AndLongOnesAreCut()
    {
        Assert.Empty(StarProfileRules.SampleQuestions(null));
        Assert.Empty(StarProfileRules.SampleQuestions("{{user}} no colon\n{{user}}:   "));
        var longOne = StarProfileRules.SampleQuestions("{{user}}: " + new string('问', 500)).Single();
        Assert.Equal(StarProfileRules.MaxQuestionLength, longOne.Length);
        Assert.EndsWith("…", longOne, StringComparison.Ordinal);
    }
}
