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
    }
}
