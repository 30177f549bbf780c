using StarStudio.Core.Audit;

namespace StarStudio.Tests.Unit.Audit;

public sealed class AuditActionsTests
{
    [Theory]
    [InlineData("user.role_granted", true)]
    [InlineData("a.b", true)]
    [InlineData("auth.sign_in_failed", true)]
    [InlineData("nodot", false)]
    [InlineData(".leading", false)]
    [InlineData("trailing.", false)]
    [InlineData("Upper.case", false)]
    [InlineData("spa ce.x", false)]
    [InlineData("x.", false)]
    [InlineData(null, false)]
    public void IsWellFormed(string? action, bool expected) => Assert.Equal(expected, AuditActions.IsWellFormed(action));

    [Fact]
    public void EveryKnownAction_IsWellFormedAndListedOnce()
    {
        Assert.All(AuditActions.All, a => Assert.True(AuditActions.IsWellFormed(a), a));
        Assert.Equal(AuditActions.All.Count, AuditActions.All.Distinct().Count());
        Assert.Equal(AuditActions.All.Count, typeof(AuditActions).GetFields().Count(f => f.IsLiteral));
    }
}
