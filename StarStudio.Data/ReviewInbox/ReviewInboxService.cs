using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Core.Reports;
using StarStudio.Core.ReviewInbox;
using StarStudio.Core.Stars;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.ReviewInbox;

/// <summary>
/// The review inbox over the features' own review services (docs/admin-inbox.md). It lists through them and decides
/// through them, so every rule (who may review, what a rejection needs, the locks, the audit entry) stays in one place;
/// only the badge counts are read here, straight from the tables, because the queues are capped lists.
/// </summary>
internal sealed class ReviewInboxService(
    StarStudioDb db,
    TimeProvider clock,
    ISkillReviewService skills,
    IExtensionService extensions,
    IStarReviewService stars,
    IContentReportService reports) : IReviewInbox
{
    public async Task<Result<InboxPage>> LoadAsync(InboxFilter filter, CancellationToken ct = default)
    {
        var waiting = await CountsAsync(ct);
        if (waiting is null)
        {
            return Result<InboxPage>.Forbidden();
        }

        var items = new List<InboxItem>();
        var wants = (InboxKind kind) => filter.Kind is null || filter.Kind == kind;
        if (filter.Status == InboxStatus.Waiting)
        {
            if (wants(InboxKind.Skill) && await skills.QueueAsync(ct) is { Succeeded: true, Value: { } queue })
            {
                items.AddRange(queue.Select(v => new InboxItem(InboxKind.Skill, v.VersionId, $"{v.Icon} {v.SkillName}".Trim(), v.Version, v.MakerName,
                    v.SubmittedAt, v.ChangeLog, "/admin/market")));
            }

            if (wants(InboxKind.Extension) && await extensions.PendingAsync(ct) is { Succeeded: true, Value: { } pending })
            {
                items.AddRange(pending.Select(v => new InboxItem(InboxKind.Extension, v.VersionId, v.Name, v.Version, v.Author, v.CreatedAt,
                    v.Description, "/admin/extensions")));
            }

            if (wants(InboxKind.Star) && await stars.ListPendingAsync(ct) is { Succeeded: true, Value: { } requests })
            {
                items.AddRange(requests.Select(r => new InboxItem(InboxKind.Star, r.ReviewId, r.StarName, $"v{r.VersionNo}", r.OwnerName, r.RequestedAt,
                    r.ChangeLog, "/admin/reviews")));
            }
        }

        if (wants(InboxKind.Report))
        {
            var status = filter.Status switch
            {
                InboxStatus.Resolved => ReportStatuses.Resolved,
                InboxStatus.Dismissed => ReportStatuses.Dismissed,
                _ => ReportStatuses.Open,
            };
            if (await reports.ListAsync(status, ct) is { Succeeded: true, Value: { } list })
            {
                items.AddRange(list.Select(v => new InboxItem(InboxKind.Report, v.Report.Id, v.Subject, v.Report.Category, v.ReporterName,
                    v.Report.CreatedAt, v.Report.Excerpt, v.Link, v)));
            }
        }

        var now = clock.GetUtcNow();
        var shown = items.Where(i => filter.Matches(i, now));
        // The queue is oldest first; decided reports read best newest first.
        shown = filter.Status == InboxStatus.Waiting
            ? shown.OrderBy(i => i.SubmittedAt).ThenBy(i => i.Id)
            : shown.OrderByDescending(i => i.Report?.Report.ResolvedAt).ThenBy(i => i.Id);
        return Result<InboxPage>.Ok(new InboxPage(shown.ToList(), waiting));
    }

    /// <summary>How many wait of each kind, or null for a non-admin.</summary>
    private Task<Dictionary<InboxKind, int>?> CountsAsync(CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return null;
            }

            return new Dictionary<InboxKind, int>
            {
                [InboxKind.Skill] = await ctx.SkillVersions.CountAsync(v => v.Status == SkillVersionStatus.PendingReview, ct),
                [InboxKind.Extension] = await ctx.ExtensionVersions.CountAsync(v => v.Status == ExtensionVersionStatuses.Pending, ct),
                [InboxKind.Star] = await ctx.StarReviews.CountAsync(r => r.Status == StarReviewStatus.Pending, ct),
                [InboxKind.Report] = await ctx.Set<ContentReport>().CountAsync(r => r.Status == ReportStatuses.Open, ct),
            };
        }, ct);

    public async Task<Result<bool>> ApproveAsync(InboxKind kind, Guid id, CancellationToken ct = default) => kind switch
    {
        InboxKind.Skill => Outcome(await skills.ApproveAsync(id, ct)),
        InboxKind.Extension => await extensions.ApproveAsync(id, ct),
        InboxKind.Star => Outcome(await stars.ApproveAsync(id, ct)),
        _ => Result<bool>.Invalid("Kind", "Inbox.NotReviewable"),
    };

    public async Task<Result<bool>> RejectAsync(InboxKind kind, Guid id, string reason, CancellationToken ct = default) => kind switch
    {
        InboxKind.Skill => Outcome(await skills.RejectAsync(id, reason, ct)),
        InboxKind.Extension => await extensions.RejectAsync(id, reason, ct),
        InboxKind.Star => Outcome(await stars.RejectAsync(id, reason, ct)),
        _ => Result<bool>.Invalid("Kind", "Inbox.NotReviewable"),
    };

    public async Task<Result<bool>> ResolveReportAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default) =>
        Outcome(await reports.ResolveAsync(reportId, note, hideTarget, ct));

    public async Task<Result<bool>> DismissReportAsync(Guid reportId, string? note, CancellationToken ct = default) =>
        Outcome(await reports.DismissAsync(reportId, note, ct));

    private static Result<bool> Outcome<T>(Result<T> result) => result.Kind switch
    {
        ResultKind.Ok => Result<bool>.Ok(true),
        ResultKind.Invalid => Result<bool>.Invalid(result.Errors),
        ResultKind.NotFound => Result<bool>.NotFound(),
        _ => Result<bool>.Forbidden(),
    };
}
