using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Web;
using StarStudio.Web.Growth;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>The report download: the PDF as an attachment never cached, 403 for others, readable reasons otherwise.</summary>
public sealed class MagnitudeEndpointTests
{
    private static async Task<(int Status, string ContentType, string Body, HttpResponse Response)> GetAsync(Result<MagnitudeReportFile> result)
    {
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        var services = new ServiceCollection().AddLogging().AddLocalization(o => o.ResourcesPath = "Resources").BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        var outcome = await MagnitudeEndpoints.ReportAsync(Guid.NewGuid(), new Reports(result), services.GetRequiredService<IStringLocalizer<SharedResource>>(), http, CancellationToken.None);
        await outcome.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, http.Response.ContentType ?? "", await new StreamReader(http.Response.Body).ReadToEndAsync(), http.Response);
    }

    [Fact]
    public async Task Owner_GetsThePdfAsAnAttachment_NotCached()
    {
        var (status, type, body, response) = await GetAsync(Result<MagnitudeReportFile>.Ok(new MagnitudeReportFile(Guid.NewGuid(), "书法星", "%PDF-1.4"u8.ToArray())));

        Assert.Equal((200, "application/pdf", "%PDF-1.4"), (status, type, body));
        Assert.Equal("private, no-store", response.Headers.CacheControl.ToString());
        Assert.StartsWith("attachment", response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''", response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_AreStatusesWithReadableText()
    {
        Assert.Equal(403, (await GetAsync(Result<MagnitudeReportFile>.Forbidden())).Status);
        Assert.Equal(404, (await GetAsync(Result<MagnitudeReportFile>.NotFound())).Status);

        var none = await GetAsync(Result<MagnitudeReportFile>.Invalid("Report", MagnitudeErrors.NoEvaluation));
        Assert.Equal((409, "还没有评定，无法生成报告。"), (none.Status, none.Body));

        var chromium = await GetAsync(Result<MagnitudeReportFile>.Invalid("Report", MagnitudeErrors.NoChromium));
        Assert.Equal(503, chromium.Status);
        Assert.Contains("没有安装 Chromium", chromium.Body, StringComparison.Ordinal);
    }

    private sealed class Reports(Result<MagnitudeReportFile> result) : IMagnitudeReports
    {
        public Task<Result<MagnitudeReportFile>> GetAsync(Guid starId, CancellationToken ct = default) => Task.FromResult(result);
    }
}
