using StarStudio.Core.Audit.Search;

namespace StarStudio.Tests.Unit.Audit;

public sealed class AuditSearchRulesTests
{
    [Fact]
    public void Diff_PairsLeavesByPath_AndNamesTheKindOfEachChange()
    {
        var lines = AuditDiff.Compute(
            """{"value":500,"stored":true,"tags":["a","b"],"gone":1}""",
            """{"value":640,"stored":true,"tags":["a"],"new":{"x":null}}""");
        Assert.Equal(
            [("value", AuditDiffKind.Changed, "500", "640"), ("stored", AuditDiffKind.Unchanged, "true", "true"), ("tags[0]", AuditDiffKind.Unchanged, "\"a\"", "\"a\""),
             ("tags[1]", AuditDiffKind.Removed, "\"b\"", null), ("gone", AuditDiffKind.Removed, "1", null), ("new.x", AuditDiffKind.Added, null, "null")],
            lines.Select(l => (l.Path, l.Kind, l.Before, l.After)).ToList<(string, AuditDiffKind, string?, string?)>());
    }

    [Fact]
    public void Diff_OnlyAfter_IsAllAdded_AndNothingIsEmpty()
    {
        Assert.All(AuditDiff.Compute(null, """{"a":1,"b":"x"}"""), l => Assert.Equal(AuditDiffKind.Added, l.Kind));
        Assert.Empty(AuditDiff.Compute(null, null));
        Assert.Equal(AuditDiffKind.Changed, Assert.Single(AuditDiff.Compute("1", "2")).Kind);
    }

    [Fact]
    public void Csv_QuotesAndDefusesFormulas()
    {
        Assert.Equal("plain", AuditCsv.Cell("plain"));
        Assert.Equal("\"a,b\"", AuditCsv.Cell("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", AuditCsv.Cell("say \"hi\""));
        Assert.Equal("'=HYPERLINK(\"x\")", AuditCsv.Cell("=HYPERLINK(\"x\")").Trim('"').Replace("\"\"", "\"", StringComparison.Ordinal));
        Assert.Equal("'-1", AuditCsv.Cell("-1"));
        Assert.Equal("", AuditCsv.Cell(null));
    }

    [Fact]
    public void Csv_Row_HasOneCellPerHeaderAndBeijingTime()
    {
        var row = AuditCsv.Row(new AuditEntryView(7, new DateTimeOffset(2026, 12, 5, 16, 30, 0, TimeSpan.Zero), null, "a@x.test", "config.changed",
            "config", "k", "k", "{\"value\":1}", "{\"value\":2}", null, "127.0.0.1"));
        Assert.StartsWith("7,2026-12-06 00:30:00,,a@x.test,config.changed,", row, StringComparison.Ordinal);
        Assert.Contains("\"{\"\"value\"\":1}\"", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_DatesAreWholeBeijingDays_AndAReversedRangeIsRefused()
    {
        var f = new AuditFilter(From: new DateOnly(2026, 12, 6), To: new DateOnly(2026, 12, 6));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 16, 0, 0, TimeSpan.Zero), f.FromInstant);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 16, 0, 0, TimeSpan.Zero), f.ToInstantExclusive);
        Assert.Empty(f.Validate());
        Assert.Equal(AuditFilter.RangeCode, Assert.Single(new AuditFilter(From: new DateOnly(2026, 12, 6), To: new DateOnly(2026, 12, 5)).Validate()).Code);
        Assert.Equal(AuditFilter.TooLongCode, Assert.Single(new AuditFilter(Text: new string('x', 201)).Validate()).Code);
    }
}
