using StarStudio.Core.Growth;

namespace StarStudio.Tests.Unit.Growth;

public sealed class MagnitudeReportHtmlTests
{
    [Fact]
    public void Render_EscapesTheStarsName_AndForbidsScriptsInThePrintedPage()
    {
        var latest = new MagnitudeHistory
        {
            Id = Guid.NewGuid(), StarId = Guid.NewGuid(), Depth = 60, Originality = 55, Consistency = 50, Utility = 70, Overall = 60.5m,
            Level = MagnitudeLevel.L3, EvaluatedAt = DateTimeOffset.UtcNow, Trigger = "on_demand",
        };
        var view = new MagnitudeView(latest.StarId, "<script>alert(1)</script>墨痕", latest,
            [new MagnitudePoint(latest.Id, latest.EvaluatedAt, latest.Overall, latest.Level, latest.Trigger)], true);

        var html = MagnitudeReportHtml.Render(view, latest, null);

        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;墨痕", html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"", html);
    }
}
