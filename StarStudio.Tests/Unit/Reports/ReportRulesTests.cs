using StarStudio.Core.Audit;
using StarStudio.Core.Reports;

namespace StarStudio.Tests.Unit.Reports;

public class ReportRulesTests
{
    [Fact]
    public void Validate_KnownCategoryAndShortDetail_HasNoErrors()
    {
        foreach (var category in ReportCategories.All)
        {
            Assert.Empty(ReportRules.Validate(category, "它在回答里打广告。"));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SPAM")]
    [InlineData("phishing")]
    public void Validate_UnknownCategory_IsRefusedAtTheCategory(string? category)
    {
        var error = Assert.Single(ReportRules.Validate(category, null));

        Assert.Equal((ReportRules.CategoryField, "Reports.Category.Required"), (error.Field, error.Code));
    }

    [Fact]
    public void Validate_DetailOverTheLimit_CountsCharactersNotUtf16Units()
    {
        // 1000 emoji are 2000 UTF-16 units but 1000 characters, as varchar(1000) counts them: allowed.
        Assert.Empty(ReportRules.Validate(ReportCategories.Other, string.Concat(Enumerable.Repeat("😀", ReportRules.DetailMax))));

        var error = Assert.Single(ReportRules.Validate(ReportCategories.Other, new string('长', ReportRules.DetailMax + 1)));
        Assert.Equal((ReportRules.DetailField, "Reports.Detail.TooLong"), (error.Field, error.Code));
        Assert.Equal(ReportRules.DetailMax, error.Args[0]);
    }

    [Fact]
    public void Clean_DropsControlAndBidiCharacters_KeepsLineBreaks()
    {
        Assert.Equal("第一行\n第二行\tx", ReportRules.Clean("  第一行\r\n第二行\u0000\u202E\tx  "));
        Assert.Equal("", ReportRules.Clean(null));
    }

    [Fact]
    public void Excerpt_LongContent_IsCutAtTheLimitWithAnEllipsis()
    {
        var excerpt = ReportRules.Excerpt(new string('字', ReportRules.ExcerptMax + 50));

        Assert.Equal(ReportRules.ExcerptMax, excerpt.Length);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
        Assert.Equal("短", ReportRules.Excerpt("短"));
    }

    [Fact]
    public void Decide_OnlyAnOpenReport_IsDecided()
    {
        foreach (var status in new[] { ReportStatuses.Resolved, ReportStatuses.Dismissed })
        {
            Assert.Equal("Reports.AlreadyDecided", Assert.Single(ReportRules.Decide(status, resolve: false, null)).Code);
        }
    }

    [Fact]
    public void Decide_ResolveNeedsANote_DismissDoesNot()
    {
        var missing = Assert.Single(ReportRules.Decide(ReportStatuses.Open, resolve: true, "  "));
        Assert.Equal((ReportRules.NoteField, "Reports.Note.Required"), (missing.Field, missing.Code));
        Assert.Empty(ReportRules.Decide(ReportStatuses.Open, resolve: true, "已下架"));
        Assert.Empty(ReportRules.Decide(ReportStatuses.Open, resolve: false, null));
        Assert.Equal("Reports.Note.TooLong", Assert.Single(ReportRules.Decide(ReportStatuses.Open, resolve: false, new string('x', ReportRules.NoteMax + 1))).Code);
    }

    [Fact]
    public void DismissedAction_IsAWellFormedAuditActionName()
    {
        Assert.True(AuditActions.IsWellFormed(ReportAuditActions.Dismissed));
        Assert.Contains(ReportAuditActions.Dismissed, AuditActions.All);
    }
}
