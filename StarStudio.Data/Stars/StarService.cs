using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Stars;

/// <summary>Stars over PostgreSQL. Ownership is checked here and enforced again by row-level security.</summary>
internal sealed class StarService(StarStudioDb db, IObjectStore objects, TimeProvider clock) : IStarService
{
    public Task<Page<StarSummary>> ListMineAsync(StarListQuery query, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } userId)
            {
                return new Page<StarSummary>([], 0);
            }

            var stars = ctx.Stars.AsNoTracking().Where(s => s.OwnerId == userId);
            if (query.Status is { } status)
            {
                stars = stars.Where(s => s.Status == status);
            }

            var search = !string.IsNullOrWhiteSpace(query.Search);
            if (search)
            {
                var pattern = "%" + EscapeLike(query.Search!.Trim()) + "%";
                stars = stars.Where(s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.Domain, pattern, "\\"));
            }

            var total = await stars.CountAsync(ct);
            var size = Math.Clamp(query.PageSize, 1, 100);
            var page = Order(stars, query.Sort).Skip(Math.Max(query.Page, 0) * size).Take(size);
            if (!search)
            {
                // Deferred join: the page's ids come from an index-only scan of the sort order's index (which holds
                // the sort keys, the id and the columns the read policies test), then only those rows are read from
                // the heap; a plain OFFSET reads and sorts every skipped row. One statement, so one snapshot: the
                // rows are exactly the ones the ids were chosen from, and RLS applies to both halves. The search
                // keeps the plain query: its ILIKE needs every row from the heap anyway (docs/performance.md).
                var ids = page.Select(s => s.Id);
                page = Order(ids.Join(ctx.Stars.AsNoTracking(), id => id, s => s.Id, (_, s) => s), query.Sort);
            }

            var items = await page
                .Select(s => new StarSummary(s.Id, s.Name, s.Domain, s.Tone, s.Status, s.Tags, s.AvatarKey != null, s.UpdatedAt))
                .ToListAsync(ct);
            return new Page<StarSummary>(items, total);
        }, ct);

    /// <summary>The list's sort orders; each ends with the id, so every order is total and pages never overlap.</summary>
    private static IOrderedQueryable<Star> Order(IQueryable<Star> stars, StarSort sort) => sort switch
    {
        StarSort.NameAsc => stars.OrderBy(s => s.Name).ThenBy(s => s.Id),
        StarSort.CreatedDesc => stars.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id),
        _ => stars.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
    };

    public Task<Result<Star>> GetAsync(Guid id, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await FindAsync(ctx, user, id, ct);
            return star is null ? Result<Star>.NotFound() : Result<Star>.Ok(star);
        }, ct);

    public Task<Result<Star>> CreateAsync(StarDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } userId)
            {
                return Result<Star>.Forbidden();
            }

            var errors = StarRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<Star>.Invalid(errors);
            }

            var now = clock.GetUtcNow();
            var star = new Star { Id = Guid.CreateVersion7(), OwnerId = userId, CreatedAt = now, UpdatedAt = now };
            Apply(star, draft);
            ctx.Stars.Add(star);
            await ctx.SaveChangesAsync(ct);
            // Version 1 in the same transaction: a star never exists without the snapshot its chats can name.
            await PersonaVersioning.SnapshotIfChangedAsync(ctx, user, star, draft.VersionSource ?? PersonaVersionSource.Create, null, draft.ChangeLog, now, ct);
            await GrantStarOwnerAsync(ctx, userId, ct);
            return Result<Star>.Ok(star);
        }, ct);

    public Task<Result<Star>> UpdateAsync(Guid id, StarDraft draft, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await FindAsync(ctx, user, id, ct, track: true);
            if (star is null)
            {
                return Result<Star>.NotFound();
            }

            if (star.Status == StarStatus.Archived)
            {
                return Result<Star>.Invalid("Status", "Star.Archived.ReadOnly");
            }

            var errors = StarRules.Validate(draft);
            if (errors.Count > 0)
            {
                return Result<Star>.Invalid(errors);
            }

            await PersonaVersioning.LockAsync(ctx, id, ct);
            Apply(star, draft);
            star.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            await PersonaVersioning.SnapshotIfChangedAsync(ctx, user, star, draft.VersionSource ?? PersonaVersionSource.Edit, null, draft.ChangeLog, star.UpdatedAt, ct);
            return Result<Star>.Ok(star);
        }, ct);

    public Task<Result<Star>> ChangeStatusAsync(Guid id, StarStatus status, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await FindAsync(ctx, user, id, ct, track: true);
            if (star is null)
            {
                return Result<Star>.NotFound();
            }

            if (!StarRules.CanMove(star.Status, status))
            {
                return Result<Star>.Invalid("Status", "Star.Status.InvalidMove", star.Status, status);
            }

            star.Status = status;
            star.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<Star>.Ok(star);
        }, ct);

    public async Task<Result<Star>> SetAvatarAsync(Guid id, Stream content, long length, CancellationToken ct = default)
    {
        if (length > AvatarRules.MaxBytes)
        {
            return Result<Star>.Invalid("Avatar", "Star.Avatar.TooLarge", AvatarRules.MaxBytes / 1024 / 1024);
        }

        var existing = await GetAsync(id, ct);
        if (!existing.Succeeded)
        {
            return existing;
        }

        // Read at most one byte past the limit: the declared length is the browser's word, not a fact.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > AvatarRules.MaxBytes)
            {
                return Result<Star>.Invalid("Avatar", "Star.Avatar.TooLarge", AvatarRules.MaxBytes / 1024 / 1024);
            }
        }

        var type = AvatarRules.SniffImageType(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (type is null)
        {
            return Result<Star>.Invalid("Avatar", "Star.Avatar.NotImage");
        }

        var key = $"stars/{id:N}/{Guid.NewGuid():N}.{type["image/".Length..]}";
        buffer.Position = 0;
        await objects.PutAsync(Buckets.Avatars, key, buffer, type, ct);

        string? oldKey = null;
        Result<Star> result;
        try
        {
            result = await db.RunAsync(async (ctx, user) =>
            {
                var star = await FindAsync(ctx, user, id, ct, track: true);
                if (star is null)
                {
                    return Result<Star>.NotFound();
                }

                oldKey = star.AvatarKey;
                star.AvatarKey = key;
                star.UpdatedAt = clock.GetUtcNow();
                await ctx.SaveChangesAsync(ct);
                return Result<Star>.Ok(star);
            }, ct);
        }
        catch
        {
            await objects.DeleteAsync(Buckets.Avatars, key, CancellationToken.None);
            throw;
        }

        if (!result.Succeeded)
        {
            await objects.DeleteAsync(Buckets.Avatars, key, CancellationToken.None);
        }
        else if (oldKey is not null)
        {
            await objects.DeleteAsync(Buckets.Avatars, oldKey, CancellationToken.None);
        }

        return result;
    }

    public Task<Result<Star>> SetPublicAsync(Guid id, bool isPublic, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            var star = await FindAsync(ctx, user, id, ct, track: true);
            if (star is null)
            {
                return Result<Star>.NotFound();
            }

            // Publishing goes through review (docs/persona-versions.md): an owner's request leaves the star as it is
            // until an admin approves; an admin's is its own approval. Making a star private needs nobody's approval.
            var now = clock.GetUtcNow();
            await PersonaVersioning.LockAsync(ctx, id, ct);
            if (!isPublic)
            {
                await PersonaVersioning.UnpublishAsync(ctx, star, now, ct);
                return Result<Star>.Ok(star);
            }

            if (star.Status == StarStatus.Archived)
            {
                return Result<Star>.Invalid("Status", "Star.Archived.ReadOnly");
            }

            // A star from before versions existed gets its first snapshot now.
            await PersonaVersioning.SnapshotIfChangedAsync(ctx, user, star, PersonaVersionSource.Edit, null, "", now, ct);
            var wasPublic = star.IsPublic;
            await PersonaVersioning.RequestPublicationAsync(ctx, user, star, now, ct);
            if (star.IsPublic != wasPublic)
            {
                star.UpdatedAt = now;
                await ctx.SaveChangesAsync(ct);
            }

            return Result<Star>.Ok(star);
        }, ct);

    public Task<PublicStar?> GetPublicAsync(Guid id, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return null;
            }

            // RLS already limits this to the user's stars and active public ones.
            var star = await ctx.Stars.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (star is null || (star.OwnerId != me && !user.IsAdmin && !(star.IsPublic && star.Status == StarStatus.Active)))
            {
                return null;
            }

            return new PublicStar(star.Id, star.Name, star.Domain, star.Tone, star.AvatarKey != null, star.UpdatedAt, star.OwnerId == me);
        }, ct);

    public async Task<IReadOnlyList<PublicStar>> ListPublicAsync(int take, CancellationToken ct = default)
    {
        take = Math.Clamp(take, 1, 50);
        return await db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } me)
            {
                return (IReadOnlyList<PublicStar>)[];
            }

            // Only public active stars, whoever asks (an admin's or owner's private stars are not "public").
            return await ctx.Stars.AsNoTracking()
                .Where(s => s.IsPublic && s.Status == StarStatus.Active)
                .OrderByDescending(s => s.UpdatedAt).ThenBy(s => s.Id)
                .Take(take)
                .Select(s => new PublicStar(s.Id, s.Name, s.Domain, s.Tone, s.AvatarKey != null, s.UpdatedAt, s.OwnerId == me))
                .ToListAsync(ct);
        }, ct);
    }

    public async Task<StoredObject?> OpenAvatarAsync(Guid id, CancellationToken ct = default)
    {
        // A public star's avatar is as visible as the star; a private one only to its owner.
        var key = await db.RunAsync(async (ctx, user) => user.UserId is null ? null
            : await ctx.Stars.AsNoTracking().Where(s => s.Id == id).Select(s => s.AvatarKey).FirstOrDefaultAsync(ct), ct);
        return key is not null ? await objects.GetAsync(Buckets.Avatars, key, ct) : null;
    }

    private static async Task<Star?> FindAsync(StarStudioDbContext ctx, UserContext user, Guid id, CancellationToken ct, bool track = false)
    {
        if (user.UserId is not { } userId)
        {
            return null;
        }

        var stars = track ? ctx.Stars : ctx.Stars.AsNoTracking();
        var star = await stars.FirstOrDefaultAsync(s => s.Id == id, ct);
        return star is not null && (star.OwnerId == userId || user.IsAdmin) ? star : null;
    }

    private static void Apply(Star star, StarDraft draft)
    {
        star.Name = draft.Name.Trim();
        star.Domain = draft.Domain.Trim();
        star.Persona = draft.Persona.Trim();
        star.Tone = (draft.Tone ?? "").Trim();
        star.Tags = StarRules.NormalizeTags(draft.Tags);
        star.SystemPrompt = (draft.SystemPrompt ?? "").Trim();
        star.Greeting = (draft.Greeting ?? "").Trim();
        star.AlternateGreetings = StarRules.NormalizeGreetings(draft.AlternateGreetings);
        star.ExampleDialogues = (draft.ExampleDialogues ?? "").Trim();
        star.Scenario = (draft.Scenario ?? "").Trim();
        star.CreatorNotes = (draft.CreatorNotes ?? "").Trim();
    }

    // Creating a first star makes a player a star owner (the seed's role for people who own stars).
    private static async Task GrantStarOwnerAsync(StarStudioDbContext ctx, Guid userId, CancellationToken ct)
    {
        // The transaction acts as userId, which the database lets take star_owner for itself.
        await UserRoleGrants.GrantAsync(ctx, userId, RoleNames.StarOwner, ct);
        await ctx.Database.ExecuteSqlAsync(
            $"UPDATE users SET role = 'star_owner'::user_role WHERE id = {userId} AND role IS NULL", ct);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
