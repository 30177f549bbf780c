using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Extensions;
using StarStudio.Data.Audit;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Extensions;

/// <summary>
/// The extensions registry on PostgreSQL (docs/extensions.md). Row-level security decides what each user reads and
/// writes; this service adds the rules a policy cannot state (versions only go up, one active chat template and theme
/// per user, auto-update on approval). Counters (installs, rating sum and count, helpful votes) are kept by triggers
/// that add and subtract, so concurrent writers never lose an update.
/// </summary>
internal sealed class ExtensionService(StarStudioDb db, TimeProvider clock, IClientAddress? clientAddress = null) : IExtensionService
{
    private const int SearchMaxLength = 100;

    public Task<IReadOnlyList<ExtensionSummary>> CatalogAsync(string? kind = null, string? search = null, CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<ExtensionSummary>>(async (ctx, user) =>
        {
            var query = ctx.Extensions.AsNoTracking().Where(e => e.Status == ExtensionStatuses.Approved && e.LatestVersionId != null);
            if (!string.IsNullOrWhiteSpace(kind))
            {
                query = query.Where(e => e.Kind == kind);
            }

            if (!string.IsNullOrWhiteSpace(search))
            {
                var text = search.Trim();
                var pattern = "%" + EscapeLike(text.Length > SearchMaxLength ? text[..SearchMaxLength] : text) + "%";
                query = query.Where(e => EF.Functions.ILike(e.Name, pattern, "\\") || EF.Functions.ILike(e.Description, pattern, "\\")
                                         || EF.Functions.ILike(e.Id, pattern, "\\"));
            }

            var rows = await query
                .OrderByDescending(e => e.RatingCount == 0 ? 0 : (double)e.RatingSum / e.RatingCount).ThenByDescending(e => e.InstallCount).ThenBy(e => e.Id)
                .Take(200)
                .Select(e => new { Extension = e, Author = ctx.Users.Where(u => u.Id == e.AuthorId).Select(u => u.DisplayName).FirstOrDefault() ?? "" })
                .ToListAsync(ct);
            var versions = await VersionsAsync(ctx, rows.Select(r => r.Extension.LatestVersionId!.Value), ct);
            var installs = await InstallationsAsync(ctx, user.UserId, rows.Select(r => r.Extension.Id).ToList(), ct);
            return rows.Select(r => Summary(r.Extension, r.Author, versions.GetValueOrDefault(r.Extension.LatestVersionId!.Value), installs.GetValueOrDefault(r.Extension.Id))).ToList();
        }, ct);

    public Task<Result<ExtensionDetail>> GetAsync(string id, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
            var isAuthor = ext is not null && ext.AuthorId == user.UserId;
            if (ext is null || (ext.Status != ExtensionStatuses.Approved && !isAuthor && !user.IsAdmin))
            {
                return Result<ExtensionDetail>.NotFound();
            }

            var author = await ctx.Users.Where(u => u.Id == ext.AuthorId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "";
            var installs = await InstallationsAsync(ctx, user.UserId, [ext.Id], ct);
            var install = installs.GetValueOrDefault(ext.Id);
            var shownId = install?.Installation.VersionId ?? ext.LatestVersionId;
            var shown = shownId is { } sid ? await ctx.ExtensionVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == sid, ct) : null;
            shown ??= await ctx.ExtensionVersions.AsNoTracking().Where(v => v.ExtensionId == ext.Id).OrderByDescending(v => v.CreatedAt).FirstOrDefaultAsync(ct);
            var latest = ext.LatestVersionId is { } lid && lid != shown?.Id
                ? await ctx.ExtensionVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == lid, ct)
                : shown;

            var me = user.UserId ?? Guid.Empty;
            var reviews = await (
                from r in ctx.ExtensionReviews.AsNoTracking()
                where r.ExtensionId == ext.Id
                join u in ctx.Users on r.UserId equals u.Id
                orderby r.HelpfulCount descending, r.CreatedAt descending
                select new { Review = r, Author = u.DisplayName, Voted = ctx.ExtensionReviewVotes.Any(v => v.ReviewId == r.Id && v.UserId == me) })
                .Take(50).ToListAsync(ct);
            var views = reviews.Select(r => ReviewView(r.Review, r.Author, r.Voted, me)).ToList();
            var mine = views.FirstOrDefault(r => r.IsMine)
                       ?? (user.UserId is null ? null : await MyReviewAsync(ctx, ext.Id, me, ct));
            var summary = Summary(ext, author, latest, install);
            return Result<ExtensionDetail>.Ok(new ExtensionDetail(summary, shown?.Manifest ?? "{}", views, mine,
                CanReview: install is not null && !isAuthor, IsAuthor: isAuthor));
        }, ct);

    public Task<Result<MakerVersionView>> PublishAsync(string manifestJson, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<MakerVersionView>.Forbidden();
            }

            var parsed = ExtensionManifestParser.Parse(manifestJson);
            if (!parsed.Succeeded)
            {
                return Result<MakerVersionView>.Invalid(parsed.Errors);
            }

            var m = parsed.Value!;
            var now = clock.GetUtcNow();
            // A new id is claimed in one statement; an id someone else holds conflicts whether or not this user can see it.
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO extensions (id, author_id, name, kind, description, status, created_at, updated_at)
                VALUES ({m.Id}, {me}, {m.Name}, {m.Kind}, {m.Description}, 'pending', {now}, {now})
                ON CONFLICT (id) DO NOTHING
                """, ct);
            // Two submissions for one extension take turns, so "higher than every version so far" holds for both.
            await ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('extension:' || {m.Id}, 0))", ct);
            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == m.Id, ct);
            if (ext is null || ext.AuthorId != me)
            {
                return Result<MakerVersionView>.Invalid("id", "Extensions.Id.Taken", m.Id);
            }

            if (ext.Kind != m.Kind)
            {
                return Result<MakerVersionView>.Invalid("kind", "Extensions.Kind.Changed", ext.Kind);
            }

            var existing = await ctx.ExtensionVersions.AsNoTracking().Where(v => v.ExtensionId == m.Id).Select(v => v.Version).ToListAsync(ct);
            var highest = existing.Select(SemanticVersion.Parse).Max();
            if (highest is not null && m.Version <= highest)
            {
                return Result<MakerVersionView>.Invalid("version", "Extensions.Version.NotHigher", highest.Text);
            }

            var id = Guid.CreateVersion7();
            var permissions = m.Permissions.ToArray();
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO extension_versions (id, extension_id, author_id, version, name, kind, description, permissions, sandbox_level, manifest, status, created_at)
                VALUES ({id}, {m.Id}, {me}, {m.Version.Text}, {m.Name}, {m.Kind}, {m.Description}, {permissions}, {m.SandboxLevel}, {m.Json}::jsonb, 'pending', {now})
                """, ct);
            return Result<MakerVersionView>.Ok(new MakerVersionView(id, m.Version.Text, ExtensionVersionStatuses.Pending, null, now, null));
        }, ct);

    public Task<IReadOnlyList<MakerExtensionView>> MineAsync(CancellationToken ct = default) =>
        db.RunAsync<IReadOnlyList<MakerExtensionView>>(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return [];
            }

            var exts = await ctx.Extensions.AsNoTracking().Where(e => e.AuthorId == me).OrderByDescending(e => e.UpdatedAt).ToListAsync(ct);
            var ids = exts.Select(e => e.Id).ToList();
            var versions = await ctx.ExtensionVersions.AsNoTracking().Where(v => ids.Contains(v.ExtensionId)).ToListAsync(ct);
            return exts.Select(e => new MakerExtensionView(e.Id, e.Name, e.Kind, e.Status, e.SuspendedReason,
                versions.Where(v => v.ExtensionId == e.Id).OrderByDescending(v => SemanticVersion.Parse(v.Version))
                    .Select(v => new MakerVersionView(v.Id, v.Version, v.Status, v.RejectReason, v.CreatedAt, v.ReviewedAt)).ToList())).ToList();
        }, ct);

    public Task<Result<IReadOnlyList<PendingVersionView>>> PendingAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<PendingVersionView>>.Forbidden();
            }

            var rows = await (
                from v in ctx.ExtensionVersions.AsNoTracking()
                where v.Status == ExtensionVersionStatuses.Pending
                join e in ctx.Extensions on v.ExtensionId equals e.Id
                join u in ctx.Users on v.AuthorId equals u.Id
                orderby v.CreatedAt
                select new { v, e.LatestVersion, u.DisplayName }).Take(200).ToListAsync(ct);
            return Result<IReadOnlyList<PendingVersionView>>.Ok(rows.Select(r => new PendingVersionView(r.v.Id, r.v.ExtensionId, r.v.Name, r.v.Kind,
                r.v.Version, r.LatestVersion, r.DisplayName, r.v.Permissions, r.v.SandboxLevel, r.v.Description, r.v.Manifest, r.v.CreatedAt)).ToList());
        }, ct);

    public Task<Result<IReadOnlyList<AdminExtensionView>>> AllAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<AdminExtensionView>>.Forbidden();
            }

            var rows = await (
                from e in ctx.Extensions.AsNoTracking()
                join u in ctx.Users on e.AuthorId equals u.Id
                orderby e.UpdatedAt descending
                select new AdminExtensionView(e.Id, e.Name, e.Kind, e.Status, e.LatestVersion, u.DisplayName, e.InstallCount, e.SuspendedReason))
                .Take(500).ToListAsync(ct);
            return Result<IReadOnlyList<AdminExtensionView>>.Ok(rows);
        }, ct);

    /// <summary>
    /// The version under review and its extension, locked: concurrent reviews of one extension's versions take turns, so
    /// "the newest approved" is decided once, and the version's status is read under the lock (not before it, where a
    /// second reviewer's decision could still be on its way). Null when the version does not exist.
    /// </summary>
    private static async Task<(ExtensionVersion Version, Extension Ext)?> LockForReviewAsync(StarStudioDbContext ctx, Guid versionId, CancellationToken ct)
    {
        var extensionId = await ctx.ExtensionVersions.Where(v => v.Id == versionId).Select(v => v.ExtensionId).FirstOrDefaultAsync(ct);
        if (extensionId is null)
        {
            return null;
        }

        var ext = await ctx.Extensions.FromSql($"SELECT * FROM extensions WHERE id = {extensionId} FOR UPDATE").FirstAsync(ct);
        var version = await ctx.ExtensionVersions.FirstAsync(v => v.Id == versionId, ct);
        return (version, ext);
    }

    public Task<Result<bool>> ApproveAsync(Guid versionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin || user.UserId is not { } me)
            {
                return Result<bool>.Forbidden();
            }

            if (await LockForReviewAsync(ctx, versionId, ct) is not { } locked)
            {
                return Result<bool>.NotFound();
            }

            var (version, ext) = locked;

            if (version.Status != ExtensionVersionStatuses.Pending)
            {
                return Result<bool>.Invalid("version", "Extensions.Review.AlreadyReviewed", version.Status);
            }

            var now = clock.GetUtcNow();
            version.Status = ExtensionVersionStatuses.Approved;
            version.ReviewedBy = me;
            version.ReviewedAt = now;
            var parsed = SemanticVersion.Parse(version.Version);
            var isNewest = ext.LatestVersion is null || parsed > SemanticVersion.Parse(ext.LatestVersion);
            if (isNewest)
            {
                ext.LatestVersionId = version.Id;
                ext.LatestVersion = version.Version;
                ext.Name = version.Name;
                ext.Description = version.Description;
                ext.PublishedAt ??= now;
                if (ext.Status != ExtensionStatuses.Suspended)
                {
                    ext.Status = ExtensionStatuses.Approved;
                }
            }

            ext.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            await AuditAsync(ctx, AuditActions.ReviewApproved, ext, version, null, ct);
            if (isNewest)
            {
                // Users with auto-update take the new version now; pinned users keep theirs and are told an update exists.
                await ctx.ExtensionInstallations.Where(i => i.ExtensionId == ext.Id && i.AutoUpdate && i.VersionId != version.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.VersionId, version.Id).SetProperty(i => i.UpdatedAt, now), ct);
            }

            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<bool>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin || user.UserId is not { } me)
            {
                return Result<bool>.Forbidden();
            }

            var text = (reason ?? "").Trim();
            if (text.Length == 0)
            {
                return Result<bool>.Invalid("reason", "Extensions.Review.ReasonRequired");
            }

            if (text.Length > ExtensionLimits.RejectReasonMaxLength)
            {
                return Result<bool>.Invalid("reason", "Extensions.Review.ReasonTooLong", ExtensionLimits.RejectReasonMaxLength);
            }

            if (await LockForReviewAsync(ctx, versionId, ct) is not { } locked)
            {
                return Result<bool>.NotFound();
            }

            var (version, ext) = locked;

            if (version.Status != ExtensionVersionStatuses.Pending)
            {
                return Result<bool>.Invalid("version", "Extensions.Review.AlreadyReviewed", version.Status);
            }

            var now = clock.GetUtcNow();
            version.Status = ExtensionVersionStatuses.Rejected;
            version.RejectReason = text;
            version.ReviewedBy = me;
            version.ReviewedAt = now;
            if (ext.Status == ExtensionStatuses.Pending && ext.LatestVersionId is null)
            {
                ext.Status = ExtensionStatuses.Rejected;
            }

            ext.UpdatedAt = now;
            await ctx.SaveChangesAsync(ct);
            await AuditAsync(ctx, AuditActions.ReviewRejected, ext, version, text, ct);
            return Result<bool>.Ok(true);
        }, ct);

    /// <summary>The review decision's audit entry, in the decision's transaction (docs/admin-inbox.md).</summary>
    private Task AuditAsync(StarStudioDbContext ctx, string action, Extension ext, ExtensionVersion version, string? reason, CancellationToken ct) =>
        AuditTrail.AppendAsync(ctx, new AuditEvent(action, AuditTargets.Extension, ext.Id, $"{version.Name} {version.Version}",
            Before: new { versionId = version.Id, version = version.Version, versionStatus = ExtensionVersionStatuses.Pending },
            After: new { versionId = version.Id, version = version.Version, versionStatus = version.Status, extensionStatus = ext.Status },
            Reason: reason), clientAddress?.Get(), ct);

    public Task<Result<bool>> SetSuspendedAsync(string extensionId, bool suspended, string? reason, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<bool>.Forbidden();
            }

            var text = (reason ?? "").Trim();
            if (suspended && text.Length == 0)
            {
                return Result<bool>.Invalid("reason", "Extensions.Review.ReasonRequired");
            }

            if (text.Length > ExtensionLimits.RejectReasonMaxLength)
            {
                return Result<bool>.Invalid("reason", "Extensions.Review.ReasonTooLong", ExtensionLimits.RejectReasonMaxLength);
            }

            var ext = await ctx.Extensions.FromSql($"SELECT * FROM extensions WHERE id = {extensionId} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (ext is null)
            {
                return Result<bool>.NotFound();
            }

            ext.Status = suspended ? ExtensionStatuses.Suspended
                : ext.LatestVersionId is not null ? ExtensionStatuses.Approved
                : ExtensionStatuses.Pending;
            ext.SuspendedReason = suspended ? text : null;
            ext.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<InstallationView>> InstallAsync(string extensionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<InstallationView>.Forbidden();
            }

            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == extensionId, ct);
            if (ext is null || ext.Status != ExtensionStatuses.Approved || ext.LatestVersionId is not { } latest)
            {
                return Result<InstallationView>.NotFound();
            }

            await LockUserAsync(ctx, me, ct);
            var now = clock.GetUtcNow();
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO extension_installations (id, user_id, extension_id, version_id, enabled, auto_update, installed_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {me}, {ext.Id}, {latest}, false, true, {now}, {now})
                ON CONFLICT (user_id, extension_id) DO NOTHING
                """, ct);
            return await EnableAsync(ctx, me, ext, true, now, ct);
        }, ct);

    public Task<Result<InstallationView>> SetEnabledAsync(string extensionId, bool enabled, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<InstallationView>.Forbidden();
            }

            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == extensionId, ct);
            if (ext is null)
            {
                return Result<InstallationView>.NotFound();
            }

            await LockUserAsync(ctx, me, ct);
            return await EnableAsync(ctx, me, ext, enabled, clock.GetUtcNow(), ct);
        }, ct);

    public Task<Result<InstallationView>> SetAutoUpdateAsync(string extensionId, bool autoUpdate, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<InstallationView>.Forbidden();
            }

            var install = await ctx.ExtensionInstallations.FirstOrDefaultAsync(i => i.UserId == me && i.ExtensionId == extensionId, ct);
            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == extensionId, ct);
            if (install is null || ext is null)
            {
                return Result<InstallationView>.NotFound();
            }

            install.AutoUpdate = autoUpdate;
            if (autoUpdate && ext.Status == ExtensionStatuses.Approved && ext.LatestVersionId is { } latest)
            {
                install.VersionId = latest;
            }

            install.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<InstallationView>.Ok(await ViewAsync(ctx, install, ext, ct));
        }, ct);

    public Task<Result<InstallationView>> UpdateAsync(string extensionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<InstallationView>.Forbidden();
            }

            var install = await ctx.ExtensionInstallations.FirstOrDefaultAsync(i => i.UserId == me && i.ExtensionId == extensionId, ct);
            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == extensionId, ct);
            if (install is null || ext is null || ext.Status != ExtensionStatuses.Approved || ext.LatestVersionId is not { } latest)
            {
                return Result<InstallationView>.NotFound();
            }

            install.VersionId = latest;
            install.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<InstallationView>.Ok(await ViewAsync(ctx, install, ext, ct));
        }, ct);

    public Task<Result<bool>> UninstallAsync(string extensionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<bool>.Forbidden();
            }

            var removed = await ctx.ExtensionInstallations.Where(i => i.UserId == me && i.ExtensionId == extensionId).ExecuteDeleteAsync(ct);
            return removed == 0 ? Result<bool>.NotFound() : Result<bool>.Ok(true);
        }, ct);

    public Task<Result<ExtensionReviewView>> ReviewAsync(string extensionId, int rating, string? body, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<ExtensionReviewView>.Forbidden();
            }

            var errors = new List<FieldError>();
            if (rating is < 1 or > 5)
            {
                errors.Add(new FieldError("rating", "Extensions.Reviews.Rating"));
            }

            var text = (body ?? "").Trim();
            if (text.Length > ExtensionLimits.ReviewMaxLength)
            {
                errors.Add(new FieldError("body", "Extensions.Reviews.TooLong", ExtensionLimits.ReviewMaxLength));
            }

            if (errors.Count > 0)
            {
                return Result<ExtensionReviewView>.Invalid(errors);
            }

            var ext = await ctx.Extensions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == extensionId, ct);
            if (ext is null)
            {
                return Result<ExtensionReviewView>.NotFound();
            }

            if (ext.AuthorId == me)
            {
                return Result<ExtensionReviewView>.Invalid("rating", "Extensions.Reviews.OwnExtension");
            }

            var installed = await (
                from i in ctx.ExtensionInstallations
                where i.UserId == me && i.ExtensionId == extensionId
                join v in ctx.ExtensionVersions on i.VersionId equals v.Id
                select v.Version).FirstOrDefaultAsync(ct);
            if (installed is null)
            {
                return Result<ExtensionReviewView>.Invalid("rating", "Extensions.Reviews.NotInstalled");
            }

            // One row per user: a second review edits the first; the rating trigger adds the difference.
            var now = clock.GetUtcNow();
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO extension_reviews (id, extension_id, user_id, rating, body, version, helpful_count, created_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {extensionId}, {me}, {(short)rating}, {text}, {installed}, 0, {now}, {now})
                ON CONFLICT (extension_id, user_id) DO UPDATE
                    SET rating = EXCLUDED.rating, body = EXCLUDED.body, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                """, ct);
            return Result<ExtensionReviewView>.Ok((await MyReviewAsync(ctx, extensionId, me, ct))!);
        }, ct);

    public Task<Result<int>> SetHelpfulAsync(Guid reviewId, bool helpful, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return Result<int>.Forbidden();
            }

            var review = await ctx.ExtensionReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reviewId, ct);
            if (review is null)
            {
                return Result<int>.NotFound();
            }

            if (review.UserId == me)
            {
                return Result<int>.Invalid("helpful", "Extensions.Reviews.OwnVote");
            }

            if (helpful)
            {
                await ctx.Database.ExecuteSqlAsync($"""
                    INSERT INTO extension_review_votes (review_id, user_id, created_at) VALUES ({reviewId}, {me}, {clock.GetUtcNow()})
                    ON CONFLICT DO NOTHING
                    """, ct);
            }
            else
            {
                await ctx.ExtensionReviewVotes.Where(v => v.ReviewId == reviewId && v.UserId == me).ExecuteDeleteAsync(ct);
            }

            return Result<int>.Ok(await ctx.ExtensionReviews.Where(r => r.Id == reviewId).Select(r => r.HelpfulCount).FirstAsync(ct));
        }, ct);

    public Task<ActiveExtensions> ActiveAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return ActiveExtensions.None;
            }

            var rows = await (
                from i in ctx.ExtensionInstallations.AsNoTracking()
                where i.UserId == me && i.Enabled
                join e in ctx.Extensions on i.ExtensionId equals e.Id
                where e.Status == ExtensionStatuses.Approved && (e.Kind == ExtensionKinds.ChatTemplate || e.Kind == ExtensionKinds.Theme)
                join v in ctx.ExtensionVersions on i.VersionId equals v.Id
                where v.Status == ExtensionVersionStatuses.Approved
                orderby i.UpdatedAt descending
                select new { e.Id, e.Kind, v.Name, v.Manifest }).ToListAsync(ct);
            var active = ActiveExtensions.None;
            foreach (var row in rows)
            {
                // Stored manifests passed validation when published; one that no longer parses (rules tightened) is skipped.
                if (ExtensionManifestParser.Parse(row.Manifest).Value is not { } manifest)
                {
                    continue;
                }

                if (row.Kind == ExtensionKinds.ChatTemplate && active.ChatTemplate is null && manifest.ChatTemplate is { } template)
                {
                    active = active with { ChatTemplateId = row.Id, ChatTemplate = template with { Name = row.Name } };
                }
                else if (row.Kind == ExtensionKinds.Theme && active.Theme is null && manifest.Theme is { } theme)
                {
                    active = active with { ThemeId = row.Id, ThemeName = row.Name, Theme = theme };
                }
            }

            return active;
        }, ct);

    /// <summary>Serialises one user's enable/install calls, so two tabs never leave two chat templates (or themes) enabled.</summary>
    private static Task LockUserAsync(StarStudioDbContext ctx, Guid me, CancellationToken ct) =>
        ctx.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('extensions:' || {me.ToString()}, 0))", ct);

    private static async Task<Result<InstallationView>> EnableAsync(StarStudioDbContext ctx, Guid me, Extension ext, bool enabled, DateTimeOffset now, CancellationToken ct)
    {
        var install = await ctx.ExtensionInstallations.FirstOrDefaultAsync(i => i.UserId == me && i.ExtensionId == ext.Id, ct);
        if (install is null)
        {
            return Result<InstallationView>.NotFound();
        }

        if (enabled && ExtensionKinds.CanRun(ext.Kind))
        {
            // At most one chat template and one theme pack apply at a time: enabling one disables the previous.
            var sameKind = ctx.Extensions.Where(e => e.Kind == ext.Kind).Select(e => e.Id);
            await ctx.ExtensionInstallations
                .Where(i => i.UserId == me && i.Enabled && i.ExtensionId != ext.Id && sameKind.Contains(i.ExtensionId))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Enabled, false).SetProperty(i => i.UpdatedAt, now), ct);
        }

        install.Enabled = enabled;
        install.UpdatedAt = now;
        await ctx.SaveChangesAsync(ct);
        return Result<InstallationView>.Ok(await ViewAsync(ctx, install, ext, ct));
    }

    private static async Task<InstallationView> ViewAsync(StarStudioDbContext ctx, ExtensionInstallation install, Extension ext, CancellationToken ct)
    {
        var version = await ctx.ExtensionVersions.AsNoTracking().Where(v => v.Id == install.VersionId).Select(v => v.Version).FirstAsync(ct);
        return View(install, version, ext.LatestVersionId != install.VersionId ? ext.LatestVersion : null);
    }

    private static InstallationView View(ExtensionInstallation i, string version, string? latest) =>
        new(i.VersionId, version, i.Enabled, i.AutoUpdate, latest, i.InstalledAt);

    private sealed record InstallRow(ExtensionInstallation Installation, string Version);

    private static async Task<Dictionary<string, InstallRow>> InstallationsAsync(StarStudioDbContext ctx, Guid? me, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (me is null || ids.Count == 0)
        {
            return [];
        }

        var rows = await (
            from i in ctx.ExtensionInstallations.AsNoTracking()
            where i.UserId == me && ids.Contains(i.ExtensionId)
            join v in ctx.ExtensionVersions on i.VersionId equals v.Id
            select new InstallRow(i, v.Version)).ToListAsync(ct);
        return rows.ToDictionary(r => r.Installation.ExtensionId);
    }

    private static async Task<Dictionary<Guid, ExtensionVersion>> VersionsAsync(StarStudioDbContext ctx, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await ctx.ExtensionVersions.AsNoTracking().Where(v => list.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
    }

    private static ExtensionSummary Summary(Extension e, string author, ExtensionVersion? latest, InstallRow? install) =>
        new(e.Id, e.Name, e.Kind, e.Description, e.LatestVersion, author, e.RatingAverage, e.RatingCount, e.InstallCount,
            latest?.Permissions ?? [], latest?.SandboxLevel ?? "strict",
            install is null ? null : View(install.Installation, install.Version,
                e.LatestVersionId is { } l && l != install.Installation.VersionId && e.Status == ExtensionStatuses.Approved ? e.LatestVersion : null));

    private static ExtensionReviewView ReviewView(ExtensionReview r, string author, bool voted, Guid me) =>
        new(r.Id, author, r.Rating, r.Body, r.Version, r.HelpfulCount, voted, r.UserId == me, r.CreatedAt);

    private static async Task<ExtensionReviewView?> MyReviewAsync(StarStudioDbContext ctx, string extensionId, Guid me, CancellationToken ct)
    {
        var row = await (
            from r in ctx.ExtensionReviews.AsNoTracking()
            where r.ExtensionId == extensionId && r.UserId == me
            join u in ctx.Users on r.UserId equals u.Id
            select new { r, u.DisplayName }).FirstOrDefaultAsync(ct);
        return row is null ? null : ReviewView(row.r, row.DisplayName, false, me);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
