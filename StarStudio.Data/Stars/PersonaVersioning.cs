using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Stars;

/// <summary>
/// The writes persona versions and reviews share (star saves, rollbacks, publishing), inside the caller's transaction:
/// snapshot the working copy as a new version when it changed, and keep a public star's review in step with it.
/// </summary>
internal static class PersonaVersioning
{
    /// <summary>Copies a version's content back into the star's working copy (a rollback).</summary>
    public static void Restore(Star star, StarPersonaVersion v)
    {
        star.Name = v.Name;
        star.Domain = v.Domain;
        star.Persona = v.Persona;
        star.Tone = v.Tone;
        star.Tags = [.. v.Tags];
        star.SystemPrompt = v.SystemPrompt;
        star.Greeting = v.Greeting;
        star.AlternateGreetings = [.. v.AlternateGreetings];
        star.ExampleDialogues = v.ExampleDialogues;
        star.Scenario = v.Scenario;
        star.CreatorNotes = v.CreatorNotes;
    }

    /// <summary>
    /// Takes the star's row lock, so two saves of one star number their versions one after the other instead of
    /// colliding on the unique (star_id, version_no).
    /// </summary>
    public static Task LockAsync(StarStudioDbContext ctx, Guid starId, CancellationToken ct) =>
        ctx.Database.ExecuteSqlAsync($"SELECT 1 FROM stars WHERE id = {starId} FOR UPDATE", ct);

    /// <summary>
    /// Snapshots a saved (tracked) star as a new version if a snapshotted field differs from its latest version (or it
    /// has none), points <c>stars.persona_version_id</c> at it and saves. Returns the new version, or null when nothing
    /// changed. A public star's new version is sent to review (or published at once when an admin saved it).
    /// </summary>
    public static async Task<StarPersonaVersion?> SnapshotIfChangedAsync(
        StarStudioDbContext ctx, UserContext user, Star star, PersonaVersionSource source, Guid? basedOn, string changeLog, DateTimeOffset now, CancellationToken ct)
    {
        var latest = star.PersonaVersionId is { } id ? await ctx.StarPersonaVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct) : null;
        if (!PersonaVersionRules.NeedsNewVersion(latest is null ? null : PersonaSnapshot.Of(latest), PersonaSnapshot.Of(star)) && basedOn is null)
        {
            return null;
        }

        var number = await ctx.StarPersonaVersions.Where(v => v.StarId == star.Id).MaxAsync(v => (int?)v.VersionNo, ct);
        var version = new StarPersonaVersion
        {
            Id = Guid.CreateVersion7(),
            StarId = star.Id,
            VersionNo = PersonaVersionRules.NextNumber(number),
            Name = star.Name,
            Domain = star.Domain,
            Persona = star.Persona,
            Tone = star.Tone,
            Tags = [.. star.Tags],
            SystemPrompt = star.SystemPrompt,
            Greeting = star.Greeting,
            AlternateGreetings = [.. star.AlternateGreetings],
            ExampleDialogues = star.ExampleDialogues,
            Scenario = star.Scenario,
            CreatorNotes = star.CreatorNotes,
            Source = source,
            BasedOnVersionId = basedOn,
            ChangeLog = (changeLog ?? "").Trim(),
            CreatedBy = user.UserId,
            CreatedAt = now,
        };
        ctx.StarPersonaVersions.Add(version);
        await ctx.SaveChangesAsync(ct);
        star.PersonaVersionId = version.Id;
        await ctx.SaveChangesAsync(ct);

        // Players keep the approved version until this one is approved: a public star (or one waiting for its first
        // approval) asks for review of the new version on the owner's behalf.
        if (star.IsPublic || await ctx.StarReviews.AnyAsync(r => r.StarId == star.Id && r.Status == StarReviewStatus.Pending, ct))
        {
            await RequestPublicationAsync(ctx, user, star, now, ct);
        }

        return version;
    }

    /// <summary>
    /// Asks for the star's current version to be shown to players. An admin's request is its own approval (the star goes
    /// public at once and the decision is recorded); an owner's becomes the star's one pending review, replacing a
    /// pending request for an older version. A version that is already the approved one needs no review.
    /// </summary>
    /// <returns>The review row written, or null when nothing needed reviewing.</returns>
    public static async Task<StarReview?> RequestPublicationAsync(StarStudioDbContext ctx, UserContext user, Star star, DateTimeOffset now, CancellationToken ct)
    {
        var versionId = star.PersonaVersionId!.Value;
        var pending = await ctx.StarReviews.Where(r => r.StarId == star.Id && r.Status == StarReviewStatus.Pending).ToListAsync(ct);
        if (star.PublicVersionId == versionId && !user.IsAdmin)
        {
            star.IsPublic = true;
            Withdraw(pending);
            await ctx.SaveChangesAsync(ct);
            return null;
        }

        if (user.IsAdmin)
        {
            var decided = pending.FirstOrDefault(r => r.PersonaVersionId == versionId);
            Withdraw(pending.Where(r => r != decided));
            if (decided is null)
            {
                decided = NewReview(star, versionId, user, now);
                ctx.StarReviews.Add(decided);
            }

            decided.Status = StarReviewStatus.Approved;
            decided.ReviewedBy = user.UserId;
            decided.ReviewedAt = now;
            star.IsPublic = true;
            star.PublicVersionId = versionId;
            await ctx.SaveChangesAsync(ct);
            return decided;
        }

        if (pending.FirstOrDefault(r => r.PersonaVersionId == versionId) is { } same)
        {
            return same;
        }

        // The withdrawal is saved first: at most one pending review per star (a unique partial index).
        Withdraw(pending);
        await ctx.SaveChangesAsync(ct);
        var review = NewReview(star, versionId, user, now);
        ctx.StarReviews.Add(review);
        await ctx.SaveChangesAsync(ct);
        return review;
    }

    /// <summary>
    /// Makes a (tracked, locked) star private and withdraws its pending publication: what its owner does with "make
    /// private", and what an admin does when a report about the star is upheld (docs/admin-inbox.md).
    /// </summary>
    public static async Task UnpublishAsync(StarStudioDbContext ctx, Star star, DateTimeOffset now, CancellationToken ct)
    {
        star.IsPublic = false;
        star.UpdatedAt = now;
        await ctx.SaveChangesAsync(ct);
        await WithdrawPendingAsync(ctx, star.Id, ct);
    }

    /// <summary>Withdraws the star's pending review, if any (the owner made the star private or withdrew the request).</summary>
    public static async Task<StarReview?> WithdrawPendingAsync(StarStudioDbContext ctx, Guid starId, CancellationToken ct)
    {
        var pending = await ctx.StarReviews.Where(r => r.StarId == starId && r.Status == StarReviewStatus.Pending).ToListAsync(ct);
        Withdraw(pending);
        await ctx.SaveChangesAsync(ct);
        return pending.FirstOrDefault();
    }

    private static void Withdraw(IEnumerable<StarReview> reviews)
    {
        foreach (var review in reviews)
        {
            review.Status = StarReviewStatus.Withdrawn;
        }
    }

    private static StarReview NewReview(Star star, Guid versionId, UserContext user, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        StarId = star.Id,
        PersonaVersionId = versionId,
        Status = StarReviewStatus.Pending,
        RequestedBy = user.UserId!.Value,
        RequestedAt = now,
    };
}
