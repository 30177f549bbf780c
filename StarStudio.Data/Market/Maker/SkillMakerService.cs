using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Arena;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Core.Security;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Market.Maker;

/// <summary>
/// The skill maker's service over PostgreSQL. The role and ownership are checked here and again by row-level security
/// (<c>skills_write</c>, <c>skill_versions_*</c>) and the guards (<c>skills_guard</c>: a maker cannot publish or unsuspend).
/// Endpoint addresses are resolved outside the transaction, which then checks the draft did not change meanwhile.
/// </summary>
public sealed class SkillMakerService : ISkillMakerService
{
    /// <summary>Bytes of a new signing secret (encoded base64url: 43 characters).</summary>
    public const int SigningSecretBytes = 32;

    /// <summary>How many schema violations of "try it" arguments are listed.</summary>
    public const int ArgumentErrorsShown = 10;

    public const string ArgumentsField = "Arguments";

    private readonly StarStudioDb db;
    private readonly IDataProtector authSecrets;
    private readonly IDataProtector signingSecrets;
    private readonly ISkillEndpointCaller? caller;
    private readonly IOptionsMonitor<SecurityOptions> security;
    private readonly TimeProvider clock;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost;

    /// <summary>The service as the app registers it (host names resolved with DNS).</summary>
    /// <param name="callers">The endpoint caller, taken as a sequence so the maker's pages still resolve while no caller is
    /// registered (the market calls' registration adds it); "try it" then says it is unavailable.</param>
    public SkillMakerService(StarStudioDb db, IDataProtectionProvider protection, IEnumerable<ISkillEndpointCaller> callers, IOptionsMonitor<SecurityOptions> security, TimeProvider clock)
        : this(db, protection, callers?.LastOrDefault(), security, clock, resolveHost: null)
    {
    }

    /// <summary>A service with its own host resolver, for tests that must not depend on DNS.</summary>
    internal SkillMakerService(
        StarStudioDb db,
        IDataProtectionProvider protection,
        ISkillEndpointCaller? caller,
        IOptionsMonitor<SecurityOptions> security,
        TimeProvider clock,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost)
    {
        ArgumentNullException.ThrowIfNull(protection);
        this.db = db;
        authSecrets = protection.CreateProtector(ProtectionPurposes.SkillAuthSecret);
        signingSecrets = protection.CreateProtector(ProtectionPurposes.SkillSigningSecret);
        this.caller = caller;
        this.security = security;
        this.clock = clock;
        this.resolveHost = resolveHost;
    }

    private bool AllowPrivate => security.CurrentValue.AllowPrivateNetworkUrls;

    /// <summary>A new signing secret: 32 random bytes, base64url without padding.</summary>
    public static string NewSigningSecret() => Base64Url(RandomNumberGenerator.GetBytes(SigningSecretBytes));

    public Task<Result<bool>> BecomeMakerAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (user.UserId is not { } userId)
            {
                return Result<bool>.Forbidden();
            }

            // As StarService does for star_owner: the transaction acts as the user, whom the database lets take
            // skill_maker for themself (migration SkillMakerSelfGrant). The security stamp is left alone, so the
            // session stays valid; the web layer re-issues the cookie so the new role claim takes effect.
            await UserRoleGrants.GrantAsync(ctx, userId, RoleNames.SkillMaker, ct);
            // users.role is the primary role, admin > skill_maker > star_owner (docs/decisions.md).
            await ctx.Database.ExecuteSqlAsync(
                $"UPDATE users SET role = 'skill_maker'::user_role WHERE id = {userId} AND (role IS NULL OR role = 'star_owner')", ct);
            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<IReadOnlyList<MakerSkillSummary>>> ListMineAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<IReadOnlyList<MakerSkillSummary>>.Forbidden();
            }

            var skills = await ctx.Skills.AsNoTracking().Where(s => s.OwnerId == userId)
                .OrderByDescending(s => s.UpdatedAt).ThenBy(s => s.Id).ToListAsync(ct);
            var versions = (await ctx.SkillVersions.AsNoTracking().Where(v => v.OwnerId == userId).ToListAsync(ct))
                .ToLookup(v => v.SkillId);
            var list = skills.Select(s =>
            {
                var mine = versions[s.Id].ToList();
                var published = mine.FirstOrDefault(v => v.Id == s.PublishedVersionId);
                // What still needs the maker's attention: versions waiting for review, and rejections newer than what is live.
                var open = mine
                    .Where(v => v.Status == SkillVersionStatus.PendingReview
                                || (v.Status == SkillVersionStatus.Rejected && (published is null || v.SubmittedAt > published.SubmittedAt)))
                    .OrderByDescending(v => v.SubmittedAt)
                    .Select(View)
                    .ToList();
                return new MakerSkillSummary(s.Id, s.Name, s.Icon, s.Category, s.Status, s.SuspendedReason, published?.Version, open, s.UpdatedAt);
            }).ToList();
            return Result<IReadOnlyList<MakerSkillSummary>>.Ok(list);
        }, ct);

    public Task<Result<MakerSkillView>> GetAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<MakerSkillView>.Forbidden();
            }

            var skill = await ctx.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Id == skillId && s.OwnerId == userId, ct);
            return skill is null ? Result<MakerSkillView>.NotFound() : Result<MakerSkillView>.Ok(View(skill));
        }, ct);

    public async Task<Result<MakerSkillView>> CreateAsync(SkillDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = await CheckDraftAsync(draft, ct);
        if (errors.Count > 0)
        {
            return Result<MakerSkillView>.Invalid(errors);
        }

        return await db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<MakerSkillView>.Forbidden();
            }

            var now = clock.GetUtcNow();
            var skill = new Skill
            {
                Id = Guid.CreateVersion7(),
                OwnerId = userId,
                Status = SkillStatus.Draft,
                SigningSecretProtected = signingSecrets.Protect(NewSigningSecret()),
                CreatedAt = now,
                UpdatedAt = now,
            };
            Apply(skill, draft);
            ctx.Skills.Add(skill);
            await ctx.SaveChangesAsync(ct);
            return Result<MakerSkillView>.Ok(View(skill));
        }, ct);
    }

    public async Task<Result<MakerSkillView>> UpdateAsync(Guid skillId, SkillDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = await CheckDraftAsync(draft, ct);
        if (errors.Count > 0)
        {
            return Result<MakerSkillView>.Invalid(errors);
        }

        return await EditAsync(skillId, skill => Apply(skill, draft), ct);
    }

    public Task<Result<MakerSkillView>> SetHeaderSecretAsync(Guid skillId, string header, string secret, CancellationToken ct = default)
    {
        var errors = SkillRules.ValidateHeaderSecret(header, secret);
        if (errors.Count > 0)
        {
            return Task.FromResult(Result<MakerSkillView>.Invalid(errors));
        }

        return EditAsync(skillId, skill =>
        {
            skill.AuthType = SkillAuthType.HeaderSecret;
            skill.AuthHeader = header.Trim();
            skill.AuthSecretProtected = authSecrets.Protect(secret);
        }, ct);
    }

    public Task<Result<MakerSkillView>> ClearHeaderSecretAsync(Guid skillId, CancellationToken ct = default) =>
        EditAsync(skillId, skill =>
        {
            skill.AuthType = SkillAuthType.None;
            skill.AuthHeader = null;
            skill.AuthSecretProtected = null;
        }, ct);

    public Task<Result<string>> RevealSigningSecretAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<string>.Forbidden();
            }

            var stored = await ctx.Skills.AsNoTracking().Where(s => s.Id == skillId && s.OwnerId == userId)
                .Select(s => s.SigningSecretProtected).FirstOrDefaultAsync(ct);
            return stored is null ? Result<string>.NotFound() : Result<string>.Ok(signingSecrets.Unprotect(stored));
        }, ct);

    public async Task<Result<string>> RotateSigningSecretAsync(Guid skillId, CancellationToken ct = default)
    {
        var secret = NewSigningSecret();
        var result = await EditAsync(skillId, skill => skill.SigningSecretProtected = signingSecrets.Protect(secret), ct);
        return result.Succeeded ? Result<string>.Ok(secret)
            : result.Kind == ResultKind.NotFound ? Result<string>.NotFound() : Result<string>.Forbidden();
    }

    public async Task<Result<SkillTryResult>> TryAsync(Guid skillId, string argumentsJson, CancellationToken ct = default)
    {
        var loaded = await LoadOwnAsync(skillId, ct);
        if (loaded.Value is not { } skill)
        {
            return loaded.Kind == ResultKind.NotFound ? Result<SkillTryResult>.NotFound() : Result<SkillTryResult>.Forbidden();
        }

        // The saved draft is what is tried: its input schema, endpoint, output schema and secrets.
        var schemaErrors = new List<FieldError>();
        if (SkillRules.AcceptInputSchema(skill.Schema, schemaErrors) is not { } input)
        {
            return Result<SkillTryResult>.Invalid(schemaErrors);
        }

        var validation = AnswerSchemas.Validate(input, argumentsJson);
        if (!validation.Succeeded)
        {
            return Result<SkillTryResult>.Invalid(ArgumentsField, "Market.Try.Arguments.NotJson");
        }

        if (validation.Value!.Count > 0)
        {
            return Result<SkillTryResult>.Invalid(validation.Value.Take(ArgumentErrorsShown)
                .Select(e => new FieldError(ArgumentsField, "Market.Try.Arguments.Invalid", e.Pointer.Length == 0 ? "/" : e.Pointer, e.Message)).ToList());
        }

        if (await CheckEndpointAsync(skill.ApiEndpoint, ct) is { } endpointError)
        {
            return Result<SkillTryResult>.Invalid([endpointError]);
        }

        using var args = JsonDocument.Parse(argumentsJson);
        var request = new SkillEndpointRequest(
            new Uri(skill.ApiEndpoint.Trim()),
            TryToolName(skill),
            args.RootElement.Clone(),
            signingSecrets.Unprotect(skill.SigningSecretProtected),
            skill.OutputSchema,
            "try-" + Guid.NewGuid().ToString("N"),
            AuthHeader: skill.AuthType == SkillAuthType.HeaderSecret ? skill.AuthHeader : null,
            AuthSecret: skill.AuthType == SkillAuthType.HeaderSecret && skill.AuthSecretProtected is { } s ? authSecrets.Unprotect(s) : null);
        if (caller is null)
        {
            return Result<SkillTryResult>.Invalid(ArgumentsField, "Market.Try.Unavailable");
        }

        // Not billed and not recorded: "try it" writes nothing (no skill_calls row, no ledger entry).
        var outcome = await caller.CallAsync(request, ct);
        return Result<SkillTryResult>.Ok(new SkillTryResult(
            outcome.Success, outcome.ErrorCode, outcome.ErrorMessage, outcome.HttpStatus, outcome.Body, outcome.ValidationErrors,
            (int)Math.Round(outcome.Latency.TotalMilliseconds), args.RootElement.GetRawText()));
    }

    /// <summary>The <c>tool</c> "try it" sends: the name the chat gives the skill (<see cref="Core.Market.Calls.SkillToolNames.Base"/>), so makers see one name.</summary>
    public static string TryToolName(Skill skill) => Core.Market.Calls.SkillToolNames.Base(skill.Name, skill.Id);

    public async Task<Result<SkillVersionView>> SubmitAsync(Guid skillId, string version, string changeLog, CancellationToken ct = default)
    {
        var loaded = await LoadOwnAsync(skillId, ct);
        if (loaded.Value is not { } before)
        {
            return loaded.Kind == ResultKind.NotFound ? Result<SkillVersionView>.NotFound() : Result<SkillVersionView>.Forbidden();
        }

        // The saved draft must still pass every rule (limits or the private-network setting may have changed since it was saved).
        var draft = SkillDraft.From(before);
        var errors = await CheckDraftAsync(draft, ct);
        if (before.AuthType == SkillAuthType.HeaderSecret && (before.AuthSecretProtected is null || !SkillRules.IsValidHeaderName(before.AuthHeader)))
        {
            errors.Add(new FieldError(SkillRules.AuthSecretField, "Market.Skill.AuthSecret.Required"));
        }

        if (errors.Count > 0)
        {
            return Result<SkillVersionView>.Invalid(errors);
        }

        try
        {
            return await db.RunAsync(async (ctx, user) =>
            {
                var skill = await LockOwnAsync(ctx, user, skillId, ct);
                if (skill is null)
                {
                    return Result<SkillVersionView>.NotFound();
                }

                if (skill.UpdatedAt != before.UpdatedAt)
                {
                    return Result<SkillVersionView>.Invalid(SkillTransitions.StatusField, "Market.Skill.ChangedMeanwhile");
                }

                var earlier = await ctx.SkillVersions.AsNoTracking().Where(v => v.SkillId == skillId)
                    .Select(v => new { v.Version, v.Status }).ToListAsync(ct);
                var move = SkillTransitions.Submit(skill.Status, version, changeLog, earlier.Select(v => v.Version),
                    earlier.Any(v => v.Status == SkillVersionStatus.PendingReview));
                if (!move.Succeeded)
                {
                    return Result<SkillVersionView>.Invalid(move.Errors);
                }

                var snapshot = Snapshot(skill, user.UserId!.Value, version.Trim(), changeLog.Trim(), clock.GetUtcNow());
                ctx.SkillVersions.Add(snapshot);
                skill.Status = move.Value;
                await ctx.SaveChangesAsync(ct);
                return Result<SkillVersionView>.Ok(View(snapshot));
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two submissions of the same version raced; the other one won.
            return Result<SkillVersionView>.Invalid(SkillTransitions.VersionField, "Market.Version.NotGreater", version.Trim());
        }
    }

    public Task<Result<bool>> WithdrawAsync(Guid versionId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<bool>.Forbidden();
            }

            var found = await ctx.SkillVersions.AsNoTracking().Where(v => v.Id == versionId && v.OwnerId == userId)
                .Select(v => new { v.SkillId }).FirstOrDefaultAsync(ct);
            var skill = found is null ? null : await LockOwnAsync(ctx, user, found.SkillId, ct);
            var version = skill is null ? null : await ctx.SkillVersions.FirstOrDefaultAsync(v => v.Id == versionId, ct);
            if (skill is null || version is null)
            {
                return Result<bool>.NotFound();
            }

            var move = SkillTransitions.Withdraw(skill.Status, version.Status);
            if (!move.Succeeded)
            {
                return Result<bool>.Invalid(move.Errors);
            }

            ctx.SkillVersions.Remove(version);
            skill.Status = move.Value;
            await ctx.SaveChangesAsync(ct);
            return Result<bool>.Ok(true);
        }, ct);

    public Task<Result<IReadOnlyList<SkillVersionView>>> ListVersionsAsync(Guid skillId, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<IReadOnlyList<SkillVersionView>>.Forbidden();
            }

            if (!await ctx.Skills.AnyAsync(s => s.Id == skillId && s.OwnerId == userId, ct))
            {
                return Result<IReadOnlyList<SkillVersionView>>.NotFound();
            }

            var versions = await ctx.SkillVersions.AsNoTracking().Where(v => v.SkillId == skillId && v.OwnerId == userId)
                .OrderByDescending(v => v.SubmittedAt).ThenByDescending(v => v.Id).ToListAsync(ct);
            return Result<IReadOnlyList<SkillVersionView>>.Ok(versions.Select(View).ToList());
        }, ct);

    /// <summary>The immutable snapshot of a skill's draft as version <paramref name="version"/>.</summary>
    internal static SkillVersion Snapshot(Skill skill, Guid ownerId, string version, string changeLog, DateTimeOffset now)
    {
        return new SkillVersion
        {
            Id = Guid.CreateVersion7(),
            SkillId = skill.Id,
            OwnerId = ownerId,
            Version = version,
            ChangeLog = changeLog,
            Name = skill.Name,
            Description = skill.Description,
            DescriptionEn = skill.DescriptionEn,
            Category = skill.Category,
            Icon = skill.Icon,
            ApiEndpoint = skill.ApiEndpoint,
            InputSchema = skill.Schema,
            OutputSchema = skill.OutputSchema,
            PricingType = skill.PricingType,
            Price = skill.Price,
            Examples = skill.Examples,
            Status = SkillVersionStatus.PendingReview,
            SubmittedAt = now,
            SearchText = Core.Market.Catalog.SkillSearchText.For(skill.Name, skill.Description, skill.DescriptionEn, skill.Category, skill.Examples),
        };
    }

    internal static SkillVersionView View(SkillVersion v) =>
        new(v.Id, v.SkillId, v.Version, v.ChangeLog, v.Status, v.RejectReason, v.SubmittedAt, v.ReviewedAt);

    private static MakerSkillView View(Skill s) =>
        new(s.Id, SkillDraft.From(s), s.AuthType, s.AuthHeader, !string.IsNullOrEmpty(s.AuthSecretProtected), s.Status, s.SuspendedReason,
            s.PublishedVersionId, s.PublishedAt, s.UpdatedAt);

    private static Guid? MakerId(UserContext user) =>
        user.UserId is { } id && user.IsInRole(RoleNames.SkillMaker) ? id : null;

    private Task<Result<MakerSkillView>> EditAsync(Guid skillId, Action<Skill> change, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is null)
            {
                return Result<MakerSkillView>.Forbidden();
            }

            var skill = await LockOwnAsync(ctx, user, skillId, ct);
            if (skill is null)
            {
                return Result<MakerSkillView>.NotFound();
            }

            change(skill);
            skill.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<MakerSkillView>.Ok(View(skill));
        }, ct);

    private Task<Result<Skill>> LoadOwnAsync(Guid skillId, CancellationToken ct) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (MakerId(user) is not { } userId)
            {
                return Result<Skill>.Forbidden();
            }

            var skill = await ctx.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Id == skillId && s.OwnerId == userId, ct);
            return skill is null ? Result<Skill>.NotFound() : Result<Skill>.Ok(skill);
        }, ct);

    /// <summary>The maker's own skill, tracked and row-locked for the rest of the transaction (submits and withdrawals serialize on it).</summary>
    private static async Task<Skill?> LockOwnAsync(StarStudioDbContext ctx, UserContext user, Guid skillId, CancellationToken ct)
    {
        if (MakerId(user) is not { } userId)
        {
            return null;
        }

        return await ctx.Skills.FromSql($"SELECT * FROM skills WHERE id = {skillId} AND owner_id = {userId} FOR UPDATE").FirstOrDefaultAsync(ct);
    }

    private async Task<List<FieldError>> CheckDraftAsync(SkillDraft draft, CancellationToken ct)
    {
        var errors = SkillRules.Validate(draft, AllowPrivate).ToList();
        if (errors.All(e => e.Field != SkillRules.EndpointField) && await CheckEndpointAsync(draft.ApiEndpoint, ct) is { } endpointError)
        {
            errors.Add(endpointError);
        }

        return errors;
    }

    /// <summary>Syntax (https unless private networks are allowed) and the SSRF address rules; null when the endpoint may be called.</summary>
    private async Task<FieldError?> CheckEndpointAsync(string endpoint, CancellationToken ct)
    {
        if (SkillRules.CheckEndpointSyntax(endpoint, AllowPrivate) is { } code)
        {
            return new FieldError(SkillRules.EndpointField, code);
        }

        var check = await UrlSafety.CheckAsync(endpoint, AllowPrivate, resolveHost, ct);
        return check.Ok ? null : new FieldError(SkillRules.EndpointField, check.Code!);
    }

    private static void Apply(Skill skill, SkillDraft draft)
    {
        skill.Name = draft.Name.Trim();
        skill.Description = Blank(draft.Description);
        skill.DescriptionEn = Blank(draft.DescriptionEn);
        skill.Category = draft.Category;
        skill.Icon = draft.Icon;
        skill.ApiEndpoint = draft.ApiEndpoint.Trim();
        skill.Schema = draft.InputSchema;
        skill.OutputSchema = draft.OutputSchema;
        skill.PricingType = draft.PricingType;
        skill.Price = draft.PricingType == SkillPricingType.Free ? 0 : draft.Price;
        skill.Examples = SkillExample.ToJson(draft.Examples);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
