using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth.Magnitude;

/// <summary>
/// The 星等报告 as the current user: only the owner gets it (RLS would let anyone read a public star's rows, so the service
/// checks ownership itself). Made once per history row: the row's <c>report_uri</c> says where the PDF is.
/// </summary>
internal sealed partial class MagnitudeReportService(StarStudioDb db, IMagnitudeService magnitude, IObjectStore store, ChromiumPdf chromium,
    ILogger<MagnitudeReportService> log) : IMagnitudeReports
{
    public async Task<Result<MagnitudeReportFile>> GetAsync(Guid starId, CancellationToken ct = default)
    {
        var read = await magnitude.GetAsync(starId, ct);
        if (!read.Succeeded || read.Value is not { } view)
        {
            return Result<MagnitudeReportFile>.NotFound();
        }

        if (!view.IsOwner)
        {
            return Result<MagnitudeReportFile>.Forbidden();
        }

        if (view.Latest is not { } latest)
        {
            return Result<MagnitudeReportFile>.Invalid("Report", MagnitudeErrors.NoEvaluation);
        }

        var key = MagnitudeReportHtml.Key(starId, latest.Id);
        if (latest.ReportUri is not null)
        {
            var stored = await store.GetAsync(Buckets.Exports, key, ct);
            if (stored is not null)
            {
                await using (stored)
                {
                    using var copy = new MemoryStream();
                    await stored.Content.CopyToAsync(copy, ct);
                    return Result<MagnitudeReportFile>.Ok(new MagnitudeReportFile(latest.Id, view.StarName, copy.ToArray()));
                }
            }
        }

        var parts = MagnitudeEvidence.Signals(latest.Evidence) is { } s ? MagnitudeFormula.Evaluate(s) : null;
        byte[]? pdf;
        try
        {
            pdf = await chromium.RenderAsync(MagnitudeReportHtml.Render(view, latest, parts), ct);
        }
        catch (InvalidOperationException e)
        {
            LogFailed(log, e, starId);
            return Result<MagnitudeReportFile>.Invalid("Report", MagnitudeErrors.ReportFailed);
        }

        if (pdf is null)
        {
            return Result<MagnitudeReportFile>.Invalid("Report", MagnitudeErrors.NoChromium);
        }

        using (var content = new MemoryStream(pdf))
        {
            await store.PutAsync(Buckets.Exports, key, content, "application/pdf", ct);
        }

        var uri = $"s3://{Buckets.Exports}/{key}";
        await db.RunAsync((ctx, _) => ctx.MagnitudeHistory.Where(h => h.Id == latest.Id && h.StarId == starId)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.ReportUri, uri), ct), ct);
        return Result<MagnitudeReportFile>.Ok(new MagnitudeReportFile(latest.Id, view.StarName, pdf));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Magnitude report of star {StarId} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, Guid starId);
}
