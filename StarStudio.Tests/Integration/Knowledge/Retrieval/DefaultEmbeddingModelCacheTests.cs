using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Admin;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Security;
using StarStudio.Data;
using StarStudio.Data.Admin;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Embeddings;
using StarStudio.Tests.Integration.Admin.Chat;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>
/// Every search asks <see cref="EmbeddingModelResolver.GetDefaultAsync"/> for the default embedding model: it is read
/// from the registry at most once per <see cref="EmbeddingModelResolver.DefaultModelCacheDuration"/>, and an admin's
/// change through the admin service takes effect at once.
/// </summary>
public sealed class DefaultEmbeddingModelCacheTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    private static readonly Guid SeededLocalId = Guid.Parse("6f1c2a10-0000-4000-8000-0000000000e1");
    private const string SeededLocalName = "local-hash-384";

    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();
    private readonly ManualClock clock = new();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    // A context factory that counts the registry reads (one context per StarStudioDb.RunAsync) and can act meanwhile.
    private sealed class CountingFactory(IDbContextFactory<StarStudioDbContext> inner) : IDbContextFactory<StarStudioDbContext>
    {
        public int Created { get; private set; }

        public Action? OnCreate { get; set; }

        public StarStudioDbContext CreateDbContext()
        {
            Created++;
            OnCreate?.Invoke();
            return inner.CreateDbContext();
        }
    }

    private EmbeddingModelResolver Resolver() => new(Http, protection, clock);

    private EmbeddingModelAdminService AdminService(UserContext admin, EmbeddingModelResolver resolver) =>
        new(pg.Db(admin), new FixedCurrentUser(admin), resolver, new FixedSecurityOptions(new SecurityOptions()));

    private static EmbeddingModelDraft LocalDraft(int dimension = 768) => new()
    {
        Name = $"local-{Guid.NewGuid():N}"[..30],
        Provider = EmbeddingProviders.Local,
        Dimension = dimension,
        MaxInputTokens = 4096,
    };

    private static T Ok<T>(Result<T> result)
    {
        Assert.True(result.Succeeded, $"{result.Kind}");
        return result.Value!;
    }

    // Makes the model the default with SQL as the owning role: a change the resolver is not told about.
    private async Task SetDefaultBehindTheResolversBackAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        await owner.Database.ExecuteSqlAsync($"UPDATE embeddings_models SET is_default = false WHERE is_default");
        await owner.Database.ExecuteSqlAsync($"UPDATE embeddings_models SET is_default = true WHERE id = {id}");
    }

    [Fact]
    public async Task GetDefaultAsync_WithinTheCacheDuration_DoesNotReadTheRegistryAgain_ThenDoes()
    {
        var admin = await pg.CreateAdminAsync();
        var resolver = Resolver();
        var factory = new CountingFactory(pg.AppContextFactory());
        var db = new StarStudioDb(factory, new FixedCurrentUser(await pg.CreateUserAsync()));
        var other = Ok(await AdminService(admin, Resolver()).CreateAsync(LocalDraft()));
        try
        {
            Assert.Equal(SeededLocalName, (await resolver.GetDefaultAsync(db)).Name);
            await SetDefaultBehindTheResolversBackAsync(other.Id);

            clock.Now += EmbeddingModelResolver.DefaultModelCacheDuration - TimeSpan.FromSeconds(1);
            var cached = await resolver.GetDefaultAsync(db);
            Assert.Equal(1, factory.Created);
            Assert.Equal(SeededLocalName, cached.Name);

            clock.Now += TimeSpan.FromSeconds(1);
            var fresh = await resolver.GetDefaultAsync(db);
            Assert.Equal(2, factory.Created);
            Assert.Equal(other.Name, fresh.Name);
            Assert.Equal(768, fresh.Dimension);
        }
        finally
        {
            await SetDefaultBehindTheResolversBackAsync(SeededLocalId);
        }
    }

    [Fact]
    public async Task AdminChanges_ThroughTheService_TakeEffectAtOnce()
    {
        var admin = await pg.CreateAdminAsync();
        var user = await pg.CreateUserAsync();
        var resolver = Resolver();
        var service = AdminService(admin, resolver);
        try
        {
            Assert.Equal(SeededLocalName, (await resolver.GetDefaultAsync(pg.Db(user))).Name);

            // A new default: no time passes, yet the next search sees it.
            var created = Ok(await service.CreateAsync(LocalDraft()));
            Ok(await service.SetDefaultAsync(created.Id));
            Assert.Equal(created.Name, (await resolver.GetDefaultAsync(pg.Db(user))).Name);

            // Edited while default (it holds no vectors, so it may be renamed).
            var renamed = EmbeddingModelDraft.From(created);
            renamed.Name = $"renamed-{Guid.NewGuid():N}"[..30];
            Ok(await service.UpdateAsync(created.Id, renamed));
            Assert.Equal(renamed.Name, (await resolver.GetDefaultAsync(pg.Db(user))).Name);

            // And back.
            Ok(await service.SetDefaultAsync(SeededLocalId));
            Assert.Equal(SeededLocalName, (await resolver.GetDefaultAsync(pg.Db(user))).Name);
        }
        finally
        {
            await SetDefaultBehindTheResolversBackAsync(SeededLocalId);
        }
    }

    [Fact]
    public async Task AdminChange_RefusedByTheService_KeepsTheCache()
    {
        var admin = await pg.CreateAdminAsync();
        var resolver = Resolver();
        var factory = new CountingFactory(pg.AppContextFactory());
        var db = new StarStudioDb(factory, new FixedCurrentUser(admin));
        await resolver.GetDefaultAsync(db);

        // The default cannot be switched off: nothing changed, nothing to forget.
        Assert.False((await AdminService(admin, resolver).SetActiveAsync(SeededLocalId, false)).Succeeded);
        await resolver.GetDefaultAsync(db);

        Assert.Equal(1, factory.Created);
    }

    [Fact]
    public async Task InvalidateDefault_DuringARead_KeepsThatReadOutOfTheCache()
    {
        var resolver = Resolver();
        var factory = new CountingFactory(pg.AppContextFactory());
        var db = new StarStudioDb(factory, new FixedCurrentUser(await pg.CreateUserAsync()));

        await resolver.GetDefaultAsync(db);
        resolver.InvalidateDefault();
        // An admin's change commits while this read is under way: what it read may predate the change.
        factory.OnCreate = resolver.InvalidateDefault;
        await resolver.GetDefaultAsync(db);
        factory.OnCreate = null;
        await resolver.GetDefaultAsync(db);
        await resolver.GetDefaultAsync(db);

        // Reads: the first, the one after the invalidation, the one whose answer was not kept; then from memory.
        Assert.Equal(3, factory.Created);
    }

    [Fact]
    public async Task GetDefaultAsync_GivesEachCallerItsOwnCopy()
    {
        var resolver = Resolver();
        var db = pg.Db(await pg.CreateUserAsync());

        var first = await resolver.GetDefaultAsync(db);
        first.Name = "changed by a caller";
        first.Dimension = 1;

        var second = await resolver.GetDefaultAsync(db);
        Assert.Equal(SeededLocalName, second.Name);
        Assert.Equal(384, second.Dimension);
        Assert.NotSame(first, second);
    }
}
