using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Web.Media;

namespace StarStudio.Tests.Unit.Account;

public class FeedbackImageEndpointTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    private static DefaultHttpContext Http() => new()
    {
        RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };

    [Fact]
    public async Task FeedbackImage_Readable_IsSentWithTheCheckedTypeNosniffAndNoCaching()
    {
        // The object store's own type is ignored: only the type the bytes were checked to be is ever sent.
        var service = new OneImage(new FeedbackImage(new StoredObject(new MemoryStream(Png), "text/html", Png.Length),
            new FeedbackEvidence("u/f/0.png", "image/png", Png.Length, "<script>.png")));
        var http = Http();

        var result = await MediaEndpoints.FeedbackImageAsync(Guid.NewGuid(), 0, service, http, CancellationToken.None);
        await result.ExecuteAsync(http);

        Assert.Equal("image/png", http.Response.ContentType);
        Assert.Equal("nosniff", http.Response.Headers.XContentTypeOptions);
        Assert.Equal("private, no-store", http.Response.Headers.CacheControl);
        Assert.Equal("inline; filename*=UTF-8''feedback-1.png", http.Response.Headers.ContentDisposition);
        Assert.Equal(Png, ((MemoryStream)http.Response.Body).ToArray());
    }

    [Fact]
    public async Task FeedbackImage_NotReadable_IsNotFound()
    {
        var result = await MediaEndpoints.FeedbackImageAsync(Guid.NewGuid(), 0, new OneImage(null), Http(), CancellationToken.None);

        Assert.IsType<NotFound>(result);
    }

    private sealed class OneImage(FeedbackImage? image) : IFeedbackService
    {
        public Task<FeedbackImage?> OpenEvidenceAsync(Guid feedbackId, int index, CancellationToken ct = default) => Task.FromResult(image);

        public Task<Result<FeedbackView>> SubmitAsync(FeedbackDraft draft, IReadOnlyList<FeedbackImageUpload> images, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<FeedbackView>> ListMineAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<Page<FeedbackView>>> ListAllAsync(FeedbackStatus? status, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<FeedbackView>> GetAsync(Guid feedbackId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<FeedbackView>> ReplyAsync(Guid feedbackId, FeedbackReply reply, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
