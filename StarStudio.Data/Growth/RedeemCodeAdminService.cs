using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Growth;

/// <summary>Redeem codes for admins; the role is checked here and by the <c>profile_redeem_code</c> policies.</summary>
internal sealed class RedeemCodeAdminService(StarStudioDb db, TimeProvider clock) : IRedeemCodeAdminService
{
    public Task<Result<Page<RedeemCodeView>>> ListAsync(string? search, int page, int pageSize, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<Page<RedeemCodeView>>.Forbidden();
            }

            var codes = ctx.RedeemCodes.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(search))
            {
                var term = search.Trim();
                var code = RedeemCodeRules.Normalize(term);
                codes = codes.Where(c => c.Code.StartsWith(code) || c.BatchId == term);
            }

            var size = Math.Clamp(pageSize, 1, 200);
            var items = await codes.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Code)
                .Skip(Math.Max(page, 0) * size).Take(size)
                .Select(c => new RedeemCodeView(c.Code, c.Mode, c.RewardPoints, c.MaxUses, c.GlobalUsedCount, c.Enabled, c.AllowedUserIds.Length,
                    c.StartsAt, c.ExpiresAt, c.BatchId, c.Note, c.CreatedAt))
                .ToListAsync(ct);
            return Result<Page<RedeemCodeView>>.Ok(new Page<RedeemCodeView>(items, await codes.CountAsync(ct)));
        }, ct);

    public async Task<Result<RedeemCodeView>> CreateAsync(RedeemCodeDraft draft, CancellationToken ct = default)
    {
        try
        {
            return await CreateOnceAsync(draft, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_profile_redeem_code" })
        {
            // The same code created twice at once (a double submit): both found it free; the first one stands.
            return Result<RedeemCodeView>.Invalid(nameof(RedeemCodeDraft.Code), "Growth.RedeemCode.Code.Taken");
        }
    }

    private Task<Result<RedeemCodeView>> CreateOnceAsync(RedeemCodeDraft draft, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<RedeemCodeView>.Forbidden();
            }

            var errors = RedeemCodeRules.Validate(draft, generated: false).ToList();
            var allowed = await ResolveUsersAsync(ctx, draft, errors, ct);
            var code = RedeemCodeRules.Normalize(draft.Code);
            if (errors.Count == 0 && await ctx.RedeemCodes.AnyAsync(c => c.Code == code, ct))
            {
                errors.Add(new FieldError(nameof(RedeemCodeDraft.Code), "Growth.RedeemCode.Code.Taken"));
            }

            if (errors.Count > 0)
            {
                return Result<RedeemCodeView>.Invalid(errors);
            }

            var row = NewCode(code, draft, allowed, batchId: null, user.UserId, clock.GetUtcNow());
            ctx.RedeemCodes.Add(row);
            await ctx.SaveChangesAsync(ct);
            return Result<RedeemCodeView>.Ok(View(row));
        }, ct);

    public async Task<Result<GeneratedBatch>> GenerateAsync(RedeemCodeDraft draft, int count, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await GenerateOnceAsync(draft, count, ct);
            }
            catch (DbUpdateException ex) when (attempt < 2 && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // A generated code met an existing one (about 1 in 10^16 per pair): draw the batch again.
            }
        }
    }

    private Task<Result<GeneratedBatch>> GenerateOnceAsync(RedeemCodeDraft draft, int count, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<GeneratedBatch>.Forbidden();
            }

            var errors = RedeemCodeRules.Validate(draft, generated: true).ToList();
            if (count is < 1 or > RedeemCodeRules.MaxBatchSize)
            {
                errors.Add(new FieldError("Count", "Growth.RedeemCode.Count.OutOfRange", 1, RedeemCodeRules.MaxBatchSize));
            }

            var allowed = await ResolveUsersAsync(ctx, draft, errors, ct);
            if (errors.Count > 0)
            {
                return Result<GeneratedBatch>.Invalid(errors);
            }

            var now = clock.GetUtcNow();
            var batchId = string.Create(CultureInfo.InvariantCulture, $"B{now.ToOffset(BeijingTime.Offset):yyyyMMddHHmmss}{RedeemCodeRules.Generate(4)}");
            var codes = new HashSet<string>(StringComparer.Ordinal);
            while (codes.Count < count)
            {
                codes.Add(RedeemCodeRules.Generate());
            }

            ctx.RedeemCodes.AddRange(codes.Select(c => NewCode(c, draft, allowed, batchId, user.UserId, now)));
            await ctx.SaveChangesAsync(ct);
            return Result<GeneratedBatch>.Ok(new GeneratedBatch(batchId, codes.Order(StringComparer.Ordinal).ToList()));
        }, ct);

    public Task<Result<RedeemCodeView>> SetEnabledAsync(string code, bool enabled, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<RedeemCodeView>.Forbidden();
            }

            var normalized = RedeemCodeRules.Normalize(code);
            var row = await ctx.RedeemCodes.FirstOrDefaultAsync(c => c.Code == normalized, ct);
            if (row is null)
            {
                return Result<RedeemCodeView>.NotFound();
            }

            row.Enabled = enabled;
            row.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<RedeemCodeView>.Ok(View(row));
        }, ct);

    /// <summary>Private codes name users by e-mail address or id; every entry must be an existing account.</summary>
    private static async Task<Guid[]> ResolveUsersAsync(StarStudioDbContext ctx, RedeemCodeDraft draft, List<FieldError> errors, CancellationToken ct)
    {
        if (draft.Mode != RedeemCodeMode.Private)
        {
            return [];
        }

        var entries = draft.AllowedUsers.Select(e => e.Trim()).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ids = entries.Select(e => Guid.TryParse(e, out var id) ? id : (Guid?)null).Where(id => id is not null).Select(id => id!.Value).ToList();
        var emails = entries.Where(e => !Guid.TryParse(e, out _)).Select(e => e.ToUpperInvariant()).ToList();
        var found = await ctx.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id) || (u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail)))
            .Select(u => new { u.Id, u.NormalizedEmail })
            .ToListAsync(ct);
        var unknown = entries.Where(e => Guid.TryParse(e, out var id)
            ? found.All(f => f.Id != id)
            : found.All(f => f.NormalizedEmail != e.ToUpperInvariant())).ToList();
        if (unknown.Count > 0)
        {
            errors.Add(new FieldError(nameof(RedeemCodeDraft.AllowedUsers), "Growth.RedeemCode.AllowedUsers.Unknown", string.Join(", ", unknown)));
        }

        return found.Select(f => f.Id).Distinct().ToArray();
    }

    private static RedeemCode NewCode(string code, RedeemCodeDraft draft, Guid[] allowed, string? batchId, Guid? by, DateTimeOffset now) => new()
    {
        Code = code,
        Mode = draft.Mode,
        RewardPoints = draft.RewardPoints,
        MaxUses = draft.Mode == RedeemCodeMode.Unique ? 1 : draft.MaxUses,
        Enabled = true,
        AllowedUserIds = allowed,
        StartsAt = draft.StartsAt,
        ExpiresAt = draft.ExpiresAt,
        BatchId = batchId,
        Note = string.IsNullOrWhiteSpace(draft.Note) ? null : draft.Note.Trim(),
        CreatedBy = by,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static RedeemCodeView View(RedeemCode c) =>
        new(c.Code, c.Mode, c.RewardPoints, c.MaxUses, c.GlobalUsedCount, c.Enabled, c.AllowedUserIds.Length, c.StartsAt, c.ExpiresAt, c.BatchId, c.Note, c.CreatedAt);
}
