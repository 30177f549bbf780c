using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using StarStudio.Core.Admin;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Data.Admin;

/// <summary>
/// The embedding model registry for admins, over PostgreSQL. The admin role is checked here and enforced again by
/// row-level security (<c>embeddings_models_write</c> looks the role up in <c>user_roles</c>), so a stale or forged
/// role claim still cannot write.
/// </summary>
public sealed class EmbeddingModelAdminService : IEmbeddingModelAdminService
{
    /// <summary>How long <see cref="TestAsync"/> waits for the model.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private const string NameIndex = "ix_embeddings_models_name";

    private readonly StarStudioDb db;
    private readonly ICurrentUser currentUser;
    private readonly EmbeddingModelResolver models;
    private readonly IOptionsMonitor<SecurityOptions> security;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost;

    /// <summary>The service as the app registers it (host names resolved with DNS).</summary>
    public EmbeddingModelAdminService(StarStudioDb db, ICurrentUser currentUser, EmbeddingModelResolver models, IOptionsMonitor<SecurityOptions> security)
        : this(db, currentUser, models, security, resolveHost: null)
    {
    }

    /// <summary>A service with its own host resolver, for tests that must not depend on DNS.</summary>
    internal EmbeddingModelAdminService(
        StarStudioDb db,
        ICurrentUser currentUser,
        EmbeddingModelResolver models,
        IOptionsMonitor<SecurityOptions> security,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost)
    {
        this.db = db;
        this.currentUser = currentUser;
        this.models = models;
        this.security = security;
        this.resolveHost = resolveHost;
    }

    public Task<Result<IReadOnlyList<EmbeddingModelView>>> ListAsync(CancellationToken ct = default) =>
        db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<IReadOnlyList<EmbeddingModelView>>.Forbidden();
            }

            var list = await ctx.EmbeddingModels.AsNoTracking()
                .OrderByDescending(m => m.IsDefault)
                .ThenByDescending(m => m.IsActive)
                .ThenBy(m => m.Name)
                .Select(m => new EmbeddingModelView(
                    m.Id, m.Name, m.Provider, m.Dimension, m.MaxInputTokens, m.BaseUrl,
                    m.ApiKeyProtected != null && m.ApiKeyProtected != "", m.IsActive, m.IsDefault, m.CreatedAt))
                .ToListAsync(ct);
            return Result<IReadOnlyList<EmbeddingModelView>>.Ok(list);
        }, ct);

    public async Task<Result<EmbeddingModelView>> CreateAsync(EmbeddingModelDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!await IsAdminAsync(ct))
        {
            return Result<EmbeddingModelView>.Forbidden();
        }

        // The URL's host is resolved before the transaction, so that a slow DNS answer holds no connection.
        var urlError = await CheckBaseUrlAsync(draft, ct);
        return await WriteAsync(async (ctx, user) =>
        {
            var errors = EmbeddingModelRules.Validate(draft, hasStoredApiKey: false).ToList();
            AddIfAny(errors, urlError);
            var name = draft.Name?.Trim() ?? "";
            if (!HasError(errors, nameof(EmbeddingModelDraft.Name)) && await ctx.EmbeddingModels.AnyAsync(m => m.Name == name, ct))
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken));
            }

            if (errors.Count > 0)
            {
                return Result<EmbeddingModelView>.Invalid(errors);
            }

            var model = new EmbeddingModel { Id = Guid.CreateVersion7(), IsActive = true, IsDefault = false };
            Apply(model, draft);
            ctx.EmbeddingModels.Add(model);
            await ctx.SaveChangesAsync(ct);
            return Result<EmbeddingModelView>.Ok(View(model));
        }, ct);
    }

    public async Task<Result<EmbeddingModelView>> UpdateAsync(Guid id, EmbeddingModelDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!await IsAdminAsync(ct))
        {
            return Result<EmbeddingModelView>.Forbidden();
        }

        var urlError = await CheckBaseUrlAsync(draft, ct);
        return await WriteAsync(async (ctx, user) =>
        {
            var model = await ctx.EmbeddingModels.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return Result<EmbeddingModelView>.NotFound();
            }

            var errors = EmbeddingModelRules.Validate(draft, hasStoredApiKey: !string.IsNullOrEmpty(model.ApiKeyProtected)).ToList();
            AddIfAny(errors, urlError);
            var name = draft.Name?.Trim() ?? "";
            if (!HasError(errors, nameof(EmbeddingModelDraft.Name)) && name != model.Name
                && await ctx.EmbeddingModels.AnyAsync(m => m.Name == name && m.Id != id, ct))
            {
                errors.Add(new FieldError(nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken));
            }

            // Vectors name their model and are indexed per dimension: renaming or resizing a model in use would
            // strand them (retrieval finds the model by the name on the vectors).
            var renamed = !HasError(errors, nameof(EmbeddingModelDraft.Name)) && name != model.Name;
            var resized = !HasError(errors, nameof(EmbeddingModelDraft.Dimension)) && draft.Dimension != model.Dimension;
            if ((renamed || resized) && await ctx.StarEmbeddings.AnyAsync(e => e.EmbeddingModel == model.Name, ct))
            {
                if (renamed)
                {
                    errors.Add(new FieldError(nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameInUse));
                }

                if (resized)
                {
                    errors.Add(new FieldError(nameof(EmbeddingModelDraft.Dimension), EmbeddingModelRules.DimensionInUse));
                }
            }

            if (errors.Count > 0)
            {
                return Result<EmbeddingModelView>.Invalid(errors);
            }

            Apply(model, draft);
            await ctx.SaveChangesAsync(ct);
            return Result<EmbeddingModelView>.Ok(View(model));
        }, ct);
    }

    public Task<Result<EmbeddingModelView>> SetDefaultAsync(Guid id, CancellationToken ct = default) =>
        WriteAsync(async (ctx, user) =>
        {
            // Lock the registry (a handful of rows) so that two admins switching the default at once take turns
            // instead of one of them hitting the unique index on is_default.
            await ctx.Database.ExecuteSqlAsync($"SELECT id FROM embeddings_models ORDER BY id FOR UPDATE", ct);
            var model = await ctx.EmbeddingModels.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return Result<EmbeddingModelView>.NotFound();
            }

            if (!model.IsActive)
            {
                return Result<EmbeddingModelView>.Invalid("IsDefault", EmbeddingModelRules.DefaultInactive);
            }

            if (!model.IsDefault)
            {
                // One transaction: clear the old default, then set the new one (the partial unique index allows
                // one default at a time, checked per statement).
                await ctx.EmbeddingModels.Where(m => m.IsDefault && m.Id != id).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsDefault, false), ct);
                var set = await ctx.EmbeddingModels.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsDefault, true), ct);
                if (set != 1)
                {
                    throw new DbUpdateConcurrencyException("The embedding model could not be made the default.");
                }

                model.IsDefault = true;
            }

            return Result<EmbeddingModelView>.Ok(View(model));
        }, ct);

    public Task<Result<EmbeddingModelView>> SetActiveAsync(Guid id, bool active, CancellationToken ct = default) =>
        WriteAsync(async (ctx, user) =>
        {
            var model = await ctx.EmbeddingModels.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return Result<EmbeddingModelView>.NotFound();
            }

            if (!active && model.IsDefault)
            {
                return Result<EmbeddingModelView>.Invalid("IsActive", EmbeddingModelRules.ActiveIsDefault);
            }

            if (model.IsActive != active)
            {
                model.IsActive = active;
                await ctx.SaveChangesAsync(ct);
            }

            return Result<EmbeddingModelView>.Ok(View(model));
        }, ct);

    public async Task<Result<EmbeddingModelTestResult>> TestAsync(Guid id, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(ct))
        {
            return Result<EmbeddingModelTestResult>.Forbidden();
        }

        var found = await db.RunAsync(async (ctx, user) =>
        {
            if (!user.IsAdmin)
            {
                return Result<EmbeddingModel>.Forbidden();
            }

            var model = await ctx.EmbeddingModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
            return model is null ? Result<EmbeddingModel>.NotFound() : Result<EmbeddingModel>.Ok(model);
        }, ct);
        if (found.Value is not { } model)
        {
            return found.Kind == ResultKind.NotFound ? Result<EmbeddingModelTestResult>.NotFound() : Result<EmbeddingModelTestResult>.Forbidden();
        }

        // The URL was checked when it was saved; check again, since DNS and the settings may have changed since.
        if (model.Provider == EmbeddingProviders.OpenAi)
        {
            var check = await UrlSafety.CheckAsync(model.BaseUrl ?? "", security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
            if (!check.Ok)
            {
                return Result<EmbeddingModelTestResult>.Ok(new(false, null, TimeSpan.Zero, check.Code, model.BaseUrl));
            }
        }

        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TestTimeout);
        try
        {
            var generator = models.Create(model);
            var embeddings = await generator.GenerateAsync([EmbeddingModelTestResult.Probe], options: null, timeout.Token);
            watch.Stop();
            var length = embeddings.Count == 1 ? embeddings[0].Vector.Length : (int?)null;
            if (length != model.Dimension)
            {
                return Result<EmbeddingModelTestResult>.Ok(new(
                    false, length, watch.Elapsed, EmbeddingModelTestResult.DimensionMismatchCode,
                    $"Expected one {model.Dimension}-dimensional vector, got {embeddings.Count} vector(s){(length is { } l ? $" of {l} dimensions" : "")}."));
            }

            return Result<EmbeddingModelTestResult>.Ok(new(true, length, watch.Elapsed));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<EmbeddingModelTestResult>.Ok(new(
                false, null, watch.Elapsed, EmbeddingModelTestResult.TimeoutCode, $"No answer within {TestTimeout.TotalSeconds:0} s."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong is what the admin needs to see: a refused key, an unreachable host, a bad answer.
            var code = e is EmbeddingServiceException { InnerException: OperationCanceledException }
                ? EmbeddingModelTestResult.TimeoutCode
                : EmbeddingModelTestResult.FailedCode;
            return Result<EmbeddingModelTestResult>.Ok(new(false, null, watch.Elapsed, code, e.Message));
        }
    }

    // Runs a write for an admin (anyone else gets Forbidden without it running), turning what the database refuses
    // into results: a name taken by a concurrent create, and writes that row-level security rejects (a role claim the
    // database does not confirm). Once it has committed, the resolver's cached default model is dropped, so that
    // searches and ingestion use the change at once.
    private async Task<Result<EmbeddingModelView>> WriteAsync(
        Func<StarStudioDbContext, UserContext, Task<Result<EmbeddingModelView>>> work, CancellationToken ct)
    {
        try
        {
            var result = await db.RunAsync((ctx, user) => user.IsAdmin ? work(ctx, user) : Task.FromResult(Result<EmbeddingModelView>.Forbidden()), ct);
            if (result.Succeeded)
            {
                models.InvalidateDefault();
            }

            return result;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: NameIndex })
        {
            return Result<EmbeddingModelView>.Invalid(nameof(EmbeddingModelDraft.Name), EmbeddingModelRules.NameTaken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<EmbeddingModelView>.Forbidden();
        }
        catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege }
            || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege })
        {
            return Result<EmbeddingModelView>.Forbidden();
        }
    }

    private async Task<bool> IsAdminAsync(CancellationToken ct) => (await currentUser.GetAsync(ct)).IsAdmin;

    private static bool HasError(List<FieldError> errors, string field) => errors.Exists(e => e.Field == field);

    private static void AddIfAny(List<FieldError> errors, FieldError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    // Whether the base URL's host is public (or private networks are allowed). Only an openai URL that passes the
    // syntax rules is resolved; the rules report the others.
    private async Task<FieldError?> CheckBaseUrlAsync(EmbeddingModelDraft draft, CancellationToken ct)
    {
        var url = draft.BaseUrl?.Trim() ?? "";
        if (EmbeddingModelRules.NormalizeProvider(draft.Provider) != EmbeddingProviders.OpenAi
            || url.Length is 0 or > EmbeddingModelRules.BaseUrlMax
            || !UrlSafety.CheckSyntax(url).Ok)
        {
            return null;
        }

        var check = await UrlSafety.CheckAsync(url, security.CurrentValue.AllowPrivateNetworkUrls, resolveHost, ct);
        return check.Ok ? null : new FieldError(nameof(EmbeddingModelDraft.BaseUrl), check.Code!);
    }

    private void Apply(EmbeddingModel model, EmbeddingModelDraft draft)
    {
        model.Name = draft.Name.Trim();
        model.Provider = EmbeddingModelRules.NormalizeProvider(draft.Provider);
        model.Dimension = draft.Dimension;
        model.MaxInputTokens = draft.MaxInputTokens;
        if (model.Provider == EmbeddingProviders.OpenAi)
        {
            model.BaseUrl = draft.BaseUrl!.Trim();
            if (!string.IsNullOrWhiteSpace(draft.ApiKey))
            {
                model.ApiKeyProtected = models.ProtectApiKey(draft.ApiKey.Trim());
            }
        }
        else
        {
            // The built-in model calls nothing: it keeps no endpoint and no secret.
            model.BaseUrl = null;
            model.ApiKeyProtected = null;
        }
    }

    private static EmbeddingModelView View(EmbeddingModel m) => new(
        m.Id, m.Name, m.Provider, m.Dimension, m.MaxInputTokens, m.BaseUrl, !string.IsNullOrEmpty(m.ApiKeyProtected), m.IsActive, m.IsDefault, m.CreatedAt);
}
