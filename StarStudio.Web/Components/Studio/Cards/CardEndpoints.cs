using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StarStudio.Core.Cards;
using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Studio.Cards;

/// <summary>The card download: <c>/studio/stars/{id}/card/{png|v3|v2}</c>, for the star's owner (the service decides;
/// anyone else gets 404, never a hint that the star exists).</summary>
public static class CardEndpoints
{
    public static string Path(Guid starId, CardExportFormat format) => $"/studio/stars/{starId}/card/{Slug(format)}";

    public static WebApplication MapCardEndpoints(this WebApplication app)
    {
        app.MapGet("/studio/stars/{id:guid}/card/{format}", ExportAsync).RequireAuthorization();
        return app;
    }

    internal static async Task<IResult> ExportAsync(Guid id, string format, ICardService cards, HttpContext http, CancellationToken ct)
    {
        CardExportFormat? parsed = format switch
        {
            "png" => CardExportFormat.Png,
            "v3" => CardExportFormat.V3Json,
            "v2" => CardExportFormat.V2Json,
            _ => null,
        };
        if (parsed is not { } kind)
        {
            return Results.NotFound();
        }

        var result = await cards.ExportAsync(id, kind, ct);
        if (result.Kind != ResultKind.Ok || result.Value is not { } file)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.FileName }.ToString();
        return Results.Bytes(file.Content, file.ContentType);
    }

    private static string Slug(CardExportFormat format) => format switch
    {
        CardExportFormat.Png => "png",
        CardExportFormat.V3Json => "v3",
        _ => "v2",
    };
}
