using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Reports;
using StarStudio.Core.Storage;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Stars;

namespace StarStudio.Data.Reports;

/// <summary>
/// Reports over PostgreSQL (docs/admin-inbox.md). What a reporter may report is what row-level security lets them read
/// (a public star, a conversation they take part in, a visible review); the policies check it again on insert. The
/// database refuses a second open report of the same content (a unique partial index) and a flood (the
/// <c>content_reports_rate_limit</c> trigger, serialised per reporter), so concurrent requests cannot slip past either.
/// </summary>
internal sealed class ContentReportService(StarStudioDb db, TimeProvider clock, IConversationMessageStore messages, IClientAddress? clientAddress = null)
    : IContentReportService
{
    /// <summary>Constraint names the database reports when it refuses a report.</summary>
    internal const string OneOpenIndex = "ux_content_reports_one_open";
    internal const string RateLimitConstraint = "ck_content_reports_rate_limit";

    public async Task<Result<ContentReport>> ReportAsync(ReportTarget target, string category, string? detail, CancellationToken ct = default)
    {
        var errors = ReportRules.Validate(category, detail);
        if (errors.Count > 0)
        {
            return Result<ContentReport>.Invalid(errors);
        }

        // An answer lives in the document store, which may be MongoDB (no row-level security): the conversation is
        // looked up first as the reporter, and the message only read once they are known to take part in it.
        string? answer = null;
        if (target.Kind == ReportTargetKinds.Answer)
        {
            var visible = await db.RunAsync((ctx, user) => user.UserId is null || target.ConversationId is not { } cid
                ? Task.FromResult(false)
                : ctx.Conversations.AsNoTracking().AnyAsync(c => c.Id == cid && c.DeletedAt == null, ct), ct);
            if (!visible)
            {
                return Result<ContentReport>.NotFound();
            }

            var message = (await messages.ListAsync(target.ConversationId!.Value, ct))
                .FirstOrDefault(m => m.Id == target.TargetId && m.Sender == MessageSenders.Star);
            if (message is null)
            {
                return Result<ContentReport>.NotFound();
            }

            answer = message.Content;
        }

        try
        {
            return await db.RunAsync(async (ctx, user) =>
            {
                if (user.UserId is not { } me)
                {
                    return Result<ContentReport>.Forbidden();
                }

                var report = new ContentReport
                {
                    Id = Guid.CreateVersion7(),
                    ReporterId = me,
                    TargetKind = target.Kind,
                    TargetId = target.TargetId,
                    Category = category,
                    Detail = ReportRules.Clean(detail),
                    Status = ReportStatuses.Open,
                    CreatedAt = clock.GetUtcNow(),
                };
                if (!await AnchorAsync(ctx, target, report, answer, ct))
                {
                    return Result<ContentReport>.NotFound();
                }

                ctx.Add(report);
                await ctx.SaveChangesAsync(ct);
                return Result<ContentReport>.Ok(report);
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: OneOpenIndex })
        {
            return Result<ContentReport>.Invalid(ReportRules.ReportField, "Reports.AlreadyReported");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: RateLimitConstraint })
        {
            return Result<ContentReport>.Invalid(ReportRules.ReportField, "Reports.RateLimited", ReportRules.MaxPerHour);
        }
    }

    /// <summary>Fills in what the content belongs to and what it said; false when the reporter cannot see it.</summary>
    private static async Task<bool> AnchorAsync(StarStudioDbContext ctx, ReportTarget target, ContentReport report, string? answer, CancellationToken ct)
    {
        switch (target.Kind)
        {
            case ReportTargetKinds.Star:
                var star = await ctx.Stars.AsNoTracking().Where(s => s.Id == target.TargetId).Select(s => new { s.Name, s.Persona }).FirstOrDefaultAsync(ct);
                if (star is null)
                {
                    return false;
                }

                report.StarId = target.TargetId;
                report.Excerpt = ReportRules.Excerpt($"{star.Name}: {star.Persona}");
                return true;
            case ReportTargetKinds.Answer when target.ConversationId is { } cid && answer is not null:
                var starId = await ctx.Conversations.AsNoTracking().Where(c => c.Id == cid).Select(c => (Guid?)c.StarId).FirstOrDefaultAsync(ct);
                if (starId is null)
                {
                    return false;
                }

                report.StarId = starId;
                report.ConversationId = cid;
                report.Excerpt = ReportRules.Excerpt(answer);
                return true;
            case ReportTargetKinds.Review when target.ReviewOf == ReportTarget.ReviewOfSkill:
                var skillReview = await ctx.SkillReviews.AsNoTracking().Where(r => r.Id == target.TargetId).Select(r => new { r.SkillId, r.Body }).FirstOrDefaultAsync(ct);
                if (skillReview is null)
                {
                    return false;
                }

                report.SkillId = skillReview.SkillId;
                report.Excerpt = ReportRules.Excerpt(skillReview.Body);
                return true;
            case ReportTargetKinds.Review when target.ReviewOf == ReportTarget.ReviewOfExtension:
                var extensionReview = await ctx.ExtensionReviews.AsNoTracking().Where(r => r.Id == target.TargetId)
                    .Select(r => new { r.ExtensionId, r.Body }).FirstOrDefaultAsync(ct);
                if (extensionReview is null)
                {
                    return false;
                }

                report.ExtensionId = extensionReview.ExtensionId;
                report.Excerpt = ReportRules.Excerpt(extensionReview.Body);
                return true;
            default:
                return false;
        }
    }

    public Task<Result<IReadOnlyList<ContentReport>>> MineAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<IReadOnlyList<ContentReport>>.Forbidden();
            }

            IReadOnlyList<ContentReport> mine = await ctx.Set<ContentReport>().AsNoTracking().Where(r => r.ReporterId == me)
                .OrderByDescending(r => r.CreatedAt).Take(200).ToListAsync(ct);
            return Result<IReadOnlyList<ContentReport>>.Ok(mine);
        }, ct);

    public Task<Result<IReadOnlyList<ReportView>>> ListAsync(string? status = ReportStatuses.Open, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<ReportView>>.Forbidden();
            }

            var query = ctx.Set<ContentReport>().AsNoTracking();
            if (status is not null)
            {
                query = query.Where(r => r.Status == status);
            }

            // Waiting reports oldest first (the queue); decided ones newest first (what was done lately).
            var reports = status == ReportStatuses.Open
                ? await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(200).ToListAsync(ct)
                : await query.OrderByDescending(r => r.ResolvedAt).ThenBy(r => r.Id).Take(200).ToListAsync(ct);
            return Result<IReadOnlyList<ReportView>>.Ok(await ViewsAsync(ctx, reports, ct));
        }, ct);

    private static async Task<IReadOnlyList<ReportView>> ViewsAsync(StarStudioDbContext ctx, IReadOnlyList<ContentReport> reports, CancellationToken ct)
    {
        var userIds = reports.Select(r => r.ReporterId).Distinct().ToList();
        var users = await ctx.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? "" : u.DisplayName, ct);
        var starIds = reports.Where(r => r.StarId != null).Select(r => r.StarId!.Value).Distinct().ToList();
        var stars = await ctx.Stars.AsNoTracking().Where(s => starIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => new { s.Name, s.IsPublic }, ct);
        var skillIds = reports.Where(r => r.SkillId != null).Select(r => r.SkillId!.Value).Distinct().ToList();
        var skills = await ctx.Skills.AsNoTracking().Where(s => skillIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var extensionIds = reports.Where(r => r.ExtensionId != null).Select(r => r.ExtensionId!).Distinct().ToList();
        var extensions = await ctx.Extensions.AsNoTracking().Where(e => extensionIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        var reviewIds = reports.Where(r => r.TargetKind == ReportTargetKinds.Review).Select(r => r.TargetId).ToList();
        var liveReviews = (await ctx.SkillReviews.AsNoTracking().Where(r => reviewIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct))
            .Concat(await ctx.ExtensionReviews.AsNoTracking().Where(r => reviewIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct)).ToHashSet();

        return reports.Select(r =>
        {
            var star = r.StarId is { } sid ? stars.GetValueOrDefault(sid) : null;
            var (subject, link) = r switch
            {
                { SkillId: { } skill } => (skills.GetValueOrDefault(skill, ""), $"/market/skills/{skill}"),
                { ExtensionId: { } ext } => (extensions.GetValueOrDefault(ext, ext), $"/extensions/{Uri.EscapeDataString(ext)}"),
                _ => (star?.Name ?? "", r.StarId is { } s ? $"/explore/stars/{s}" : null),
            };
            var canHide = r.Status == ReportStatuses.Open && r.TargetKind switch
            {
                ReportTargetKinds.Star => star?.IsPublic == true,
                ReportTargetKinds.Review => liveReviews.Contains(r.TargetId),
                _ => false,
            };
            return new ReportView(r, users.GetValueOrDefault(r.ReporterId, ""), subject, link, canHide);
        }).ToList();
    }

    public Task<Result<ContentReport>> ResolveAsync(Guid reportId, string note, bool hideTarget, CancellationToken ct = default) =>
        DecideAsync(reportId, resolve: true, note, hideTarget, ct);

    public Task<Result<ContentReport>> DismissAsync(Guid reportId, string? note, CancellationToken ct = default) =>
        DecideAsync(reportId, resolve: false, note, hideTarget: false, ct);

    private Task<Result<ContentReport>> DecideAsync(Guid reportId, bool resolve, string? note, bool hideTarget, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin || user.UserId is not { } me)
            {
                return Result<ContentReport>.Forbidden();
            }

            // Locked: two admins deciding the same report at once get one decision, the second is told it is decided.
            var report = await ctx.Set<ContentReport>().FromSql($"SELECT * FROM content_reports WHERE id = {reportId} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (report is null)
            {
                return Result<ContentReport>.NotFound();
            }

            var errors = ReportRules.Decide(report.Status, resolve, note);
            if (errors.Count > 0)
            {
                return Result<ContentReport>.Invalid(errors);
            }

            var now = clock.GetUtcNow();
            var view = (await ViewsAsync(ctx, [report], ct))[0];
            object? hidden = null;
            if (hideTarget)
            {
                if (!view.CanHide)
                {
                    return Result<ContentReport>.Invalid(ReportRules.ReportField, "Reports.CannotHide");
                }

                hidden = await HideAsync(ctx, report, now, ct);
            }

            var text = ReportRules.Clean(note);
            report.Status = resolve ? ReportStatuses.Resolved : ReportStatuses.Dismissed;
            report.ResolutionNote = text.Length == 0 ? null : text;
            report.TargetHidden = hidden is not null;
            report.ResolvedBy = me;
            report.ResolvedAt = now;
            await ctx.SaveChangesAsync(ct);
            // The reporter learns the outcome in their notifications, in this transaction (docs/notifications.md).
            await Notifications.NotificationOutbox.EmitReportDecidedAsync(ctx, report.Id,
                StarStudio.Core.Notifications.NotificationRules.ReportLink(report.StarId, report.TargetHidden), ct);
            await AuditTrail.AppendAsync(ctx, new AuditEvent(
                resolve ? AuditActions.ReportResolved : ReportAuditActions.Dismissed, AuditTargets.Report, report.Id.ToString(), view.Subject,
                Before: new { status = ReportStatuses.Open, kind = report.TargetKind, targetId = report.TargetId, report.Category, report.Excerpt, hidden },
                After: new { status = report.Status, targetHidden = report.TargetHidden },
                Reason: report.ResolutionNote), clientAddress?.Get(), ct);
            return Result<ContentReport>.Ok(report);
        }, ct);

    /// <summary>Takes the reported content down; returns what it was (for the audit entry).</summary>
    private static async Task<object> HideAsync(StarStudioDbContext ctx, ContentReport report, DateTimeOffset now, CancellationToken ct)
    {
        if (report.TargetKind == ReportTargetKinds.Star)
        {
            await PersonaVersioning.LockAsync(ctx, report.TargetId, ct);
            var star = await ctx.Stars.FirstAsync(s => s.Id == report.TargetId, ct);
            await PersonaVersioning.UnpublishAsync(ctx, star, now, ct);
            return new { starId = star.Id, wasPublic = true };
        }

        // A review: removed, so its rating leaves the averages too (the rating triggers subtract it);
        // its words stay in the audit entry.
        if (report.SkillId is not null)
        {
            var review = await ctx.SkillReviews.FirstAsync(r => r.Id == report.TargetId, ct);
            ctx.SkillReviews.Remove(review);
            await ctx.SaveChangesAsync(ct);
            return new { reviewId = review.Id, review.UserId, review.Rating, review.Body };
        }

        var extensionReview = await ctx.ExtensionReviews.FirstAsync(r => r.Id == report.TargetId, ct);
        ctx.ExtensionReviews.Remove(extensionReview);
        await ctx.SaveChangesAsync(ct);
        return new { reviewId = extensionReview.Id, extensionReview.UserId, extensionReview.Rating, extensionReview.Body };
    }
}
