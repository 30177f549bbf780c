using Microsoft.Net.Http.Headers;
using StarStudio.Core.Account;
using StarStudio.Core.Stars;

namespace StarStudio.Web.Media;

/// <summary>Serves stored images to the browser, through the same authorization as the pages.</summary>
internal static class MediaEndpoints
{
    public static void MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/stars/{id:guid}/avatar", async (Guid id, IStarService stars, HttpContext http, CancellationToken ct) =>
        {
            var avatar = await stars.OpenAvatarAsync(id, ct);
            if (avatar is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=3600";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.RegisterForDisposeAsync(avatar);
            return Results.Stream(avatar.Content, avatar.ContentType);
        }).RequireAuthorization();

        app.MapGet("/media/feedback/{id:guid}/{index:int}", FeedbackImageAsync).RequireAuthorization();
    }

    /// <summary>One feedback image, or 404 for anyone but the submitter and admins (the service and the table's policy decide).</summary>
    /// <remarks>
    /// The type sent is the one found from the bytes on upload (PNG, JPEG or WebP), never the browser's claim, so a
    /// file is never served as HTML or script; nothing is cached outside the user's browser session.
    /// </remarks>
    internal static async Task<IResult> FeedbackImageAsync(Guid id, int index, IFeedbackService feedback, HttpContext http, CancellationToken ct)
    {
        var image = await feedback.OpenEvidenceAsync(id, index, ct);
        if (image is null)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("inline")
        {
            FileNameStar = $"feedback-{index + 1}.{FeedbackRules.Extension(image.Evidence.ContentType)}",
        }.ToString();
        http.Response.RegisterForDisposeAsync(image);
        return Results.Stream(image.Object.Content, image.Evidence.ContentType);
    }
}
