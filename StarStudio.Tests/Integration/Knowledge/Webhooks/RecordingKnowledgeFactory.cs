using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Webhooks;

namespace StarStudio.Tests.Integration.Knowledge.Webhooks;

/// <summary>One call of <see cref="IKnowledgeService.AddWebhookContentAsync"/>, with who the service acted as.</summary>
public sealed record WebhookContentCall(Guid StarId, Guid SourceId, string Name, byte[] Content, long DeclaredLength, UserContext ActingAs, bool StarVisible);

/// <summary>
/// Stands in for the real knowledge service: records webhook content and answers what <see cref="Answer"/> says.
/// It asks the database who it acts as, and whether that user sees the star, so tests prove the owner's RLS applies.
/// </summary>
public sealed class RecordingKnowledgeFactory : IKnowledgeServiceFactory
{
    private readonly List<WebhookContentCall> calls = [];

    public IReadOnlyList<WebhookContentCall> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>The answer to give; by default a pending task.</summary>
    public Func<WebhookContentCall, Result<KnowledgeTask>> Answer { get; set; } = call =>
        Result<KnowledgeTask>.Ok(new KnowledgeTask { Id = Guid.NewGuid(), StarId = call.StarId, SourceType = KnowledgeSourceType.Webhook, SourceName = call.Name, WebhookSourceId = call.SourceId });

    public IKnowledgeService For(StarStudioDb db) => new Service(this, db);

    private sealed class Service(RecordingKnowledgeFactory owner, StarStudioDb db) : IKnowledgeService
    {
        public async Task<Result<KnowledgeTask>> AddWebhookContentAsync(Guid starId, Guid sourceId, string name, Stream content, long declaredLength, CancellationToken ct = default)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            var (user, visible) = await db.RunAsync(async (ctx, u) => (u, await ctx.Stars.AnyAsync(s => s.Id == starId, ct)), ct);
            var call = new WebhookContentCall(starId, sourceId, name, copy.ToArray(), declaredLength, user, visible);
            lock (owner.calls)
            {
                owner.calls.Add(call);
            }

            return owner.Answer(call);
        }

        public Task<Page<KnowledgeTask>> ListTasksAsync(Guid starId, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeTask>> UploadAsync(Guid starId, string fileName, Stream content, long declaredLength, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeTask>> AddNoteAsync(Guid starId, string title, string markdown, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeTask>> RetryAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeTask>> CancelAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeTask>> ReindexAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<bool>> DeleteAsync(Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Page<KnowledgeChunkView>> ListChunksAsync(Guid starId, Guid? taskId, int page, int pageSize, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<RetrievalResult>> AskAsync(RetrievalQuery query, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeSettingsView>> GetSettingsAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Result<KnowledgeSettingsView>> UpdateSettingsAsync(Guid starId, int? chunkSize, int? chunkOverlap, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
