using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Admin.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Training;

/// <summary>
/// External trainers for admins. The base URL passes the providers' SSRF check (<see cref="UrlSafety.CheckAsync"/>, and
/// the calls go through <see cref="Security.GuardedHttpHandler"/>); the API key is protected with Data Protection and never
/// read back. RLS (<c>trainers_admin</c>) enforces the admin role again.
/// </summary>
public sealed class TrainerAdminService : ITrainerAdminService
{
    private const string NameIndex = "ix_trainers_name";

    private readonly StarStudioDb db;
    private readonly IDataProtector protector;
    private readonly IOptionsMonitor<SecurityOptions> security;
    private readonly TimeProvider clock;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost;

    public TrainerAdminService(StarStudioDb db, IDataProtectionProvider protection, IOptionsMonitor<SecurityOptions> security, TimeProvider clock)
        : this(db, protection, security, clock, null)
    {
    }

    /// <summary>A service with its own host resolver, for tests that must not depend on DNS.</summary>
    internal TrainerAdminService(StarStudioDb db, IDataProtectionProvider protection, IOptionsMonitor<SecurityOptions> security, TimeProvider clock,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost)
    {
        ArgumentNullException.ThrowIfNull(protection);
        this.db = db;
        protector = protection.CreateProtector(TrainingJobRun.ApiKeyPurpose);
        this.security = security;
        this.clock = clock;
        this.resolveHost = resolveHost;
    }

    public Task<Result<IReadOnlyList<TrainerView>>> ListAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<TrainerView>>.Forbidden();
            }

            var rows = await ctx.Trainers.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
            return Result<IReadOnlyList<TrainerView>>.Ok(rows.ConvertAll(View));
        }, ct);

    public Task<Result<TrainerView>> CreateAsync(TrainerDraft draft, CancellationToken ct = default) => SaveAsync(null, draft, ct);

    public Task<Result<TrainerView>> UpdateAsync(Guid id, TrainerDraft draft, CancellationToken ct = default) => SaveAsync(id, draft, ct);

    public Task<Result<TrainerView>> DeactivateAsync(Guid id, CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<TrainerView>.Forbidden();
            }

            var trainer = await ctx.Trainers.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (trainer is null)
            {
                return Result<TrainerView>.NotFound();
            }

            trainer.IsActive = false;
            trainer.UpdatedAt = clock.GetUtcNow();
            await ctx.SaveChangesAsync(ct);
            return Result<TrainerView>.Ok(View(trainer));
        }, ct);

    /// <summary>The field errors of a draft apart from the URL's reachability.</summary>
    internal static List<FieldError> Validate(TrainerDraft draft)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim() ?? "";
        if (name.Length is 0 or > 80)
        {
            errors.Add(new FieldError(nameof(TrainerDraft.Name), "Training.Trainer.NameLength", 80));
        }

        var url = ChatModelAdminRules.NormalizeBaseUrl(draft.BaseUrl);
        if (url.Length is 0 or > 500 || UrlSafety.CheckSyntax(url) is { Ok: false } syntax)
        {
            errors.Add(new FieldError(nameof(TrainerDraft.BaseUrl), url.Length == 0 ? "Training.Trainer.UrlRequired" : UrlSafety.CheckSyntax(url).Code ?? "Training.Trainer.UrlRequired"));
        }

        var model = draft.BaseModel?.Trim() ?? "";
        if (model.Length is 0 or > 200)
        {
            errors.Add(new FieldError(nameof(TrainerDraft.BaseModel), "Training.Trainer.ModelLength", 200));
        }

        if (draft.Methods is null || draft.Methods.Count == 0)
        {
            errors.Add(new FieldError(nameof(TrainerDraft.Methods), "Training.Trainer.MethodsRequired"));
        }

        if (draft.ApiKey is { Length: > 500 })
        {
            errors.Add(new FieldError(nameof(TrainerDraft.ApiKey), "Training.Trainer.KeyLength", 500));
        }

        return errors;
    }

    private async Task<Result<TrainerView>> SaveAsync(Guid? id, TrainerDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = Validate(draft);
        var url = ChatModelAdminRules.NormalizeBaseUrl(draft.BaseUrl);
        if (!errors.Any(e => e.Field == nameof(TrainerDraft.BaseUrl)))
        {
            // Resolved before the transaction, so a slow DNS answer holds no connection.
            var check = await UrlSafety.CheckAsync(url, security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
            if (!check.Ok)
            {
                errors.Add(new FieldError(nameof(TrainerDraft.BaseUrl), check.Code!));
            }
        }

        try
        {
            return await db.RunAsync(async (ctx, user) =>
            {
                if (!user.IsAdmin)
                {
                    return Result<TrainerView>.Forbidden();
                }

                if (errors.Count > 0)
                {
                    return Result<TrainerView>.Invalid(errors);
                }

                var now = clock.GetUtcNow();
                Trainer? trainer;
                if (id is { } existing)
                {
                    trainer = await ctx.Trainers.FirstOrDefaultAsync(t => t.Id == existing, ct);
                    if (trainer is null)
                    {
                        return Result<TrainerView>.NotFound();
                    }
                }
                else
                {
                    trainer = new Trainer { Id = Guid.CreateVersion7(), CreatedAt = now };
                    ctx.Trainers.Add(trainer);
                }

                trainer.Name = draft.Name.Trim();
                trainer.BaseUrl = url;
                trainer.BaseModel = draft.BaseModel.Trim();
                trainer.Methods = draft.Methods.Distinct().ToList();
                trainer.ServingProviderId = draft.ServingProviderId;
                trainer.IsActive = draft.IsActive;
                if (!string.IsNullOrWhiteSpace(draft.ApiKey))
                {
                    trainer.ApiKeyProtected = protector.Protect(draft.ApiKey.Trim());
                }

                trainer.UpdatedAt = now;
                await ctx.SaveChangesAsync(ct);
                return Result<TrainerView>.Ok(View(trainer));
            }, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: NameIndex })
        {
            return Result<TrainerView>.Invalid(nameof(TrainerDraft.Name), "Training.Trainer.NameTaken");
        }
    }

    private static TrainerView View(Trainer t) =>
        new(t.Id, t.Name, t.BaseUrl, !string.IsNullOrEmpty(t.ApiKeyProtected), t.Methods, t.BaseModel, t.ServingProviderId, t.IsActive, t.UpdatedAt);
}
