using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Reports;
using StarStudio.Web.Components.Reports;

namespace StarStudio.Tests.Components.Reports;

public class ReportButtonTests : ComponentTest
{
    private readonly FakeReports reports = new();
    private readonly IRenderedComponent<MudDialogProvider> dialogs;
    private readonly ReportTarget target = ReportTarget.Star(Guid.NewGuid());
    private readonly BunitAuthorizationContext auth;

    public ReportButtonTests()
    {
        Context.Services.AddSingleton<IContentReportService>(reports);
        auth = Context.AddAuthorization();
        Context.Render<MudPopoverProvider>();
        dialogs = Context.Render<MudDialogProvider>();
    }

    [Fact]
    public void ReportButton_Anonymous_IsNotShown()
    {
        var cut = Render<ReportButton>(p => p.Add(b => b.Target, target).Add(b => b.TestId, "report-star"));

        Assert.Empty(cut.FindAll("[data-testid=report-star]"));
    }

    [Fact]
    public async Task ReportDialog_NoCategory_IsRefusedAtTheChips_ThenSendsCategoryAndDetail()
    {
        auth.SetAuthorized("player");
        var cut = Render<ReportButton>(p => p.Add(b => b.Target, target).Add(b => b.TestId, "report-star"));

        await cut.Find("[data-testid=report-star]").ClickAsync();
        await dialogs.WaitForElement("[data-testid=report-submit]").ClickAsync();
        dialogs.WaitForAssertion(() => Assert.Contains("请选择问题类型", dialogs.Find("[data-testid=report-category-error]").TextContent));

        await dialogs.Find("[data-testid=report-category-copyright]").ClickAsync();
        await dialogs.Find("textarea[data-testid=report-detail]").InputAsync("盗用了我的小说");
        await dialogs.Find("[data-testid=report-submit]").ClickAsync();

        dialogs.WaitForAssertion(() => Assert.Equal((target, ReportCategories.Copyright, "盗用了我的小说"), reports.Sent[^1]));
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=report-submit]")));
    }

    [Fact]
    public async Task ReportDialog_AlreadyReportedOrRateLimited_SaysSoInTheDialog()
    {
        auth.SetAuthorized("player");
        var cut = Render<ReportButton>(p => p.Add(b => b.Target, target).Add(b => b.TestId, "report-star"));
        await cut.Find("[data-testid=report-star]").ClickAsync();
        await dialogs.WaitForElement("[data-testid=report-category-spam]").ClickAsync();

        reports.Refusal = new FieldError(ReportRules.ReportField, "Reports.AlreadyReported");
        await dialogs.Find("[data-testid=report-submit]").ClickAsync();
        dialogs.WaitForAssertion(() => Assert.Contains("你已经举报过该内容", dialogs.Find("[data-testid=report-refused]").TextContent));

        reports.Refusal = new FieldError(ReportRules.ReportField, "Reports.RateLimited", ReportRules.MaxPerHour);
        await dialogs.Find("[data-testid=report-submit]").ClickAsync();
        dialogs.WaitForAssertion(() => Assert.Contains("每小时最多 10 条", dialogs.Find("[data-testid=report-refused]").TextContent));
    }

    private sealed class FakeReports : IContentReportService
    {
        public List<(ReportTarget Target, string Category, string? Detail)> Sent { get; } = [];
        public FieldError? Refusal { get; set; }

        public Task<Result<ContentReport>> ReportAsync(ReportTarget target, string category, string? detail, CancellationToken ct = default)
        {
            // The service's own field rules, as the real one applies them first.
            if (ReportRules.Validate(category, detail) is { Count: > 0 } errors)
            {
                return Task.FromResult(Result<ContentReport>.Invalid(errors));
            }

            if (Refusal is { } refusal)
            {
                return Task.FromResult(Result<ContentReport>.Invalid([refusal]));
            }

            Sent.Add((target, category, detail));
            return Task.FromResult(Result<ContentReport>.Ok(new ContentReport { Id = Guid.NewGuid(), Category = category }));
        }

        public Task<Result<IReadOnlyList<ContentReport>>> MineAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<ReportView>>> ListAsync(string? status = ReportStatuses.Open, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ContentReport>> ResolveAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<ContentReport>> DismissAsync(Guid reportId, string? note, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
