using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;

namespace StarStudio.Web.Growth;

/// <summary>The 星等报告 download: owner only (the service decides), never cached outside the owner's browser.</summary>
internal static class MagnitudeEndpoints
{
    public const string ReportPath = "/studio/stars/{id:guid}/magnitude/report";

    public static void MapMagnitudeEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(ReportPath, ReportAsync).RequireAuthorization();

    internal static async Task<IResult> ReportAsync(Guid id, IMagnitudeReports reports, IStringLocalizer<SharedResource> l, HttpContext http, CancellationToken ct)
    {
        var result = await reports.GetAsync(id, ct);
        switch (result.Kind)
        {
            case ResultKind.NotFound:
                return Results.NotFound();
            case ResultKind.Forbidden:
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            case ResultKind.Ok:
                break;
            default:
                // A readable reason (no evaluation yet, no Chromium on this server, rendering failed) instead of a broken download.
                var error = result.Errors.FirstOrDefault();
                var status = error?.Code == MagnitudeErrors.NoEvaluation ? StatusCodes.Status409Conflict : StatusCodes.Status503ServiceUnavailable;
                return Results.Text(error is null ? "" : l[error.Code, error.Args].Value, "text/plain; charset=utf-8", statusCode: status);
        }

        var file = result.Value!;
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = $"星等报告-{file.StarName}-{file.HistoryId:N}.pdf",
        }.ToString();
        return Results.Bytes(file.Pdf, "application/pdf");
    }
}
