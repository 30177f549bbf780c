using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Webhooks;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Knowledge.Webhooks;

/// <summary>
/// Webhook sources over PostgreSQL. Managing them runs as the current user (ownership checked here and by RLS);
/// an inbound request is looked up through the SECURITY DEFINER function <c>knowledge_webhook_source_lookup</c>
/// as nobody, and everything after the signature check runs as the star's owner.
/// </summary>
internal sealed partial class KnowledgeWebhookService(
    StarStudioDb db,
    IDbContextFactory<StarStudioDbContext> contexts,
    IKnowledgeServiceFactory knowledge,
    IDataProtectionProvider protection,
    IOptions<KnowledgeWebhookOptions> options,
    TimeProvider clock,
    ILogger<KnowledgeWebhookService> logger,
    StarStudio.Core.Configs.ISystemConfigs? configs = null) : IKnowledgeWebhookService
{
    private readonly IDataProtector protector = protection.CreateProtector(KnowledgeWebhookRules.SecretProtectionPurpose);

    /// <summary>
    /// How long a receipt is kept. A signature is accepted while its timestamp is within the tolerance either side
    /// of the clock, so one request can be valid for up to twice the tolerance after it first arrives; a minute more
    /// covers clock steps between app instances.
    /// </summary>
    private TimeSpan ReceiptRetention => (options.Value.Tolerance * 2) + TimeSpan.FromMinutes(1);

    public Task<Result<CreatedWebhookSource>> CreateAsync(Guid starId, string name, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await FindStarAsync(ctx, user, starId, ct);
            if (star is null)
            {
                return Result<CreatedWebhookSource>.NotFound();
            }

            var errors = KnowledgeWebhookRules.ValidateName(name);
            if (errors.Count > 0)
            {
                return Result<CreatedWebhookSource>.Invalid(errors);
            }

            if (star.Status == StarStatus.Archived)
            {
                return Result<CreatedWebhookSource>.Invalid("StarId", "Star.Archived.ReadOnly");
            }

            var secret = WebhookSignature.GenerateSecret();
            var source = new KnowledgeWebhookSource
            {
                // Random (v4), not time-ordered: the id is in a URL handed to other systems.
                Id = Guid.NewGuid(),
                StarId = starId,
                Name = name.Trim(),
                SecretProtected = protector.Protect(secret),
                IsActive = true,
                CreatedAt = clock.GetUtcNow(),
            };
            ctx.KnowledgeWebhookSources.Add(source);
            await ctx.SaveChangesAsync(ct);
            var view = KnowledgeWebhookSourceView.From(source);
            return Result<CreatedWebhookSource>.Ok(new CreatedWebhookSource(view, view.UrlPath, secret));
        }, ct);

    public Task<Result<IReadOnlyList<KnowledgeWebhookSourceView>>> ListAsync(Guid starId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (await FindStarAsync(ctx, user, starId, ct) is null)
            {
                return Result<IReadOnlyList<KnowledgeWebhookSourceView>>.NotFound();
            }

            var sources = await ctx.KnowledgeWebhookSources.AsNoTracking()
                .Where(s => s.StarId == starId)
                .OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id)
                .ToListAsync(ct);
            return Result<IReadOnlyList<KnowledgeWebhookSourceView>>.Ok(sources.Select(KnowledgeWebhookSourceView.From).ToList());
        }, ct);

    public Task<Result<KnowledgeWebhookSourceView>> RevokeAsync(Guid sourceId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var source = await FindSourceAsync(ctx, user, sourceId, ct);
            if (source is null)
            {
                return Result<KnowledgeWebhookSourceView>.NotFound();
            }

            source.IsActive = false;
            await ctx.SaveChangesAsync(ct);
            return Result<KnowledgeWebhookSourceView>.Ok(KnowledgeWebhookSourceView.From(source));
        }, ct);

    public Task<Result<bool>> DeleteAsync(Guid sourceId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var source = await FindSourceAsync(ctx, user, sourceId, ct);
            if (source is null)
            {
                return Result<bool>.NotFound();
            }

            ctx.KnowledgeWebhookSources.Remove(source);
            await ctx.SaveChangesAsync(ct);
            return Result<bool>.Ok(true);
        }, ct);

    public async Task<WebhookReceiveResult> ReceiveAsync(
        Guid sourceId, string? timestamp, string? signature, string? contentType, string? fileName, Stream body, long? declaredLength, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var settings = options.Value;
        // Everything that can refuse the request without its body runs first: a sender that does not know a live
        // source, or whose headers cannot verify, never gets the server to hold its body in memory.
        if (declaredLength > settings.MaxBodyBytes)
        {
            return Refused(sourceId, WebhookReceiveResult.TooLarge(settings.MaxBodyBytes));
        }

        var anonymous = new StarStudioDb(contexts, new FixedCurrentUser(UserContext.Anonymous));
        var (source, maxUpload) = await anonymous.RunAsync(async (ctx, _) => (await LookupAsync(ctx, sourceId, ct), await MaxUploadBytesAsync(ctx, ct)), ct);
        if (source is not { IsActive: true })
        {
            return Refused(sourceId, WebhookReceiveResult.UnknownSource());
        }

        var headers = WebhookSignature.CheckHeaders(timestamp, signature, clock.GetUtcNow(), settings.Tolerance);
        if (headers != WebhookVerdict.Ok)
        {
            return Refused(sourceId, WebhookReceiveResult.Unauthorized(headers, settings.Tolerance));
        }

        var limit = Math.Min(settings.MaxBodyBytes, maxUpload);
        if (declaredLength > limit)
        {
            return Refused(sourceId, WebhookReceiveResult.TooLarge(limit));
        }

        string secret;
        try
        {
            secret = protector.Unprotect(source.SecretProtected);
        }
        catch (CryptographicException ex)
        {
            LogSecretUnreadable(logger, ex, sourceId);
            return WebhookReceiveResult.ServerError();
        }

        if (await WebhookBody.ReadAsync(body, limit, ct) is not { } bytes)
        {
            return Refused(sourceId, WebhookReceiveResult.TooLarge(limit));
        }

        var verdict = WebhookSignature.Verify(secret, timestamp, signature, bytes, clock.GetUtcNow(), settings.Tolerance);
        if (verdict != WebhookVerdict.Ok)
        {
            return Refused(sourceId, WebhookReceiveResult.Unauthorized(verdict, settings.Tolerance));
        }

        var read = KnowledgeWebhookRules.ReadPayload(contentType, fileName, bytes);
        if (read.Payload is not { } payload)
        {
            return Refused(sourceId, read.Refusal ?? WebhookReceiveResult.BadRequest(WebhookStatuses.BadJson, "the body could not be read"));
        }

        var receipt = WebhookSignature.ReceiptKey(signature)!;
        var owner = new StarStudioDb(contexts, new FixedCurrentUser(UserContext.For(source.OwnerId, RoleNames.StarOwner)));
        if (!await RecordReceiptAsync(owner, sourceId, receipt, ct))
        {
            return Refused(sourceId, WebhookReceiveResult.Replayed());
        }

        Result<KnowledgeTask> added;
        try
        {
            await using var content = new MemoryStream(payload.Content, writable: false);
            added = await knowledge.For(owner).AddWebhookContentAsync(source.StarId, sourceId, payload.Name, content, payload.Content.LongLength, ct);
        }
        catch
        {
            // The content was not taken: let the sender retry the very same request.
            await ForgetReceiptAsync(owner, sourceId, receipt);
            throw;
        }

        var result = ToAnswer(added);
        LogReceived(logger, sourceId, result.StatusCode, result.Status, result.TaskId);
        return result;
    }

    private static WebhookReceiveResult ToAnswer(Result<KnowledgeTask> added)
    {
        switch (added.Kind)
        {
            case ResultKind.Ok when added.Value is { } task:
                return WebhookReceiveResult.Accepted(task.Id);
            case ResultKind.Invalid:
                var duplicate = added.Errors.FirstOrDefault(e => e.Code == WebhookStatuses.DuplicateCode);
                if (duplicate is not null)
                {
                    return WebhookReceiveResult.Duplicate(duplicate.Args.FirstOrDefault() is string existing ? existing : null);
                }

                return WebhookReceiveResult.Refused(added.Errors.FirstOrDefault() ?? new FieldError("Content", "Knowledge.Webhook.Refused"));
            case ResultKind.NotFound:
                return WebhookReceiveResult.UnknownSource();
            case ResultKind.Forbidden:
                return WebhookReceiveResult.Forbidden();
            default:
                return WebhookReceiveResult.ServerError();
        }
    }

    /// <summary>Records the signature as received; false when it already was (a replay). Also forgets old receipts.</summary>
    private async Task<bool> RecordReceiptAsync(StarStudioDb owner, Guid sourceId, string receipt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - ReceiptRetention;
        return await owner.RunAsync(async (ctx, _) =>
        {
            await ctx.KnowledgeWebhookReceipts.Where(r => r.SourceId == sourceId && r.ReceivedAt < cutoff).ExecuteDeleteAsync(ct);
            // ON CONFLICT: two copies of one request arriving at once are told apart without an error.
            var inserted = await ctx.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO knowledge_webhook_receipts (source_id, signature, received_at)
                VALUES ({sourceId}, {receipt}, {now})
                ON CONFLICT (source_id, signature) DO NOTHING
                """, ct);
            if (inserted == 0)
            {
                return false;
            }

            await ctx.KnowledgeWebhookSources.Where(s => s.Id == sourceId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAt, (DateTimeOffset?)now), ct);
            return true;
        }, ct);
    }

    private async Task ForgetReceiptAsync(StarStudioDb owner, Guid sourceId, string receipt)
    {
        try
        {
            await owner.RunAsync((ctx, _) =>
                ctx.KnowledgeWebhookReceipts.Where(r => r.SourceId == sourceId && r.Signature == receipt).ExecuteDeleteAsync(CancellationToken.None),
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            LogReceiptNotForgotten(logger, ex, sourceId);
        }
    }

    private static async Task<SourceLookup?> LookupAsync(StarStudioDbContext ctx, Guid sourceId, CancellationToken ct)
    {
        await using var command = ctx.Database.GetDbConnection().CreateCommand();
        command.Transaction = ctx.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = "SELECT star_id, owner_id, secret_protected, is_active FROM knowledge_webhook_source_lookup(@source)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "source";
        parameter.Value = sourceId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new SourceLookup(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), !reader.IsDBNull(3) && reader.GetBoolean(3));
    }

    private Task<long> MaxUploadBytesAsync(StarStudioDbContext ctx, CancellationToken ct) =>
        KnowledgeSettings.MaxUploadBytesAsync(configs, ctx, ct);

    private static async Task<Star?> FindStarAsync(StarStudioDbContext ctx, UserContext user, Guid starId, CancellationToken ct)
    {
        if (user.UserId is not { } userId)
        {
            return null;
        }

        var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == starId, ct);
        return star is not null && (star.OwnerId == userId || user.IsAdmin) ? star : null;
    }

    private static async Task<KnowledgeWebhookSource?> FindSourceAsync(StarStudioDbContext ctx, UserContext user, Guid sourceId, CancellationToken ct)
    {
        if (user.UserId is not { } userId)
        {
            return null;
        }

        var isAdmin = user.IsAdmin;
        return await (
            from s in ctx.KnowledgeWebhookSources
            join st in ctx.Stars on s.StarId equals st.Id
            where s.Id == sourceId && (st.OwnerId == userId || isAdmin)
            select s).FirstOrDefaultAsync(ct);
    }

    private WebhookReceiveResult Refused(Guid sourceId, WebhookReceiveResult result)
    {
        LogRefused(logger, sourceId, result.StatusCode, result.Status);
        return result;
    }

    private sealed record SourceLookup(Guid StarId, Guid OwnerId, string SecretProtected, bool IsActive);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge webhook {SourceId} refused a request: {StatusCode} {Status}")]
    private static partial void LogRefused(ILogger logger, Guid sourceId, int statusCode, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge webhook {SourceId} answered {StatusCode} {Status} (task {TaskId})")]
    private static partial void LogReceived(ILogger logger, Guid sourceId, int statusCode, string status, Guid? taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Knowledge webhook {SourceId}: its secret cannot be unprotected (Data Protection keys lost or changed?); the owner must create a new webhook")]
    private static partial void LogSecretUnreadable(ILogger logger, Exception exception, Guid sourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge webhook {SourceId}: the receipt of a failed request could not be removed; an identical retry will be refused as a replay")]
    private static partial void LogReceiptNotForgotten(ILogger logger, Exception exception, Guid sourceId);
}
