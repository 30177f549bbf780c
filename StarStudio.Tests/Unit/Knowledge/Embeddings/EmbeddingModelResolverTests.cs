using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Tests.Unit.Knowledge.Embeddings;

public sealed class EmbeddingModelResolverTests : IAsyncLifetime
{
    private readonly OpenAiCompatibleEmbedderTests.EmbeddingServer server = new();
    private readonly ServiceProvider services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private EmbeddingModelResolver Resolver() => new(services.GetRequiredService<IHttpClientFactory>(), protection);

    [Fact]
    public void Create_LocalModel_IsTheHashingEmbedderWithItsNameAndDimension()
    {
        var generator = Resolver().Create(new EmbeddingModel { Name = "local-hash-1024", Provider = EmbeddingProviders.Local, Dimension = 1024 });

        var local = Assert.IsType<LocalHashingEmbedder>(generator);
        Assert.Equal(1024, local.Dimension);
        Assert.Equal("local-hash-1024", local.ModelName);
    }

    [Fact]
    public async Task Create_OpenAiModel_SendsTheUnprotectedKey()
    {
        server.Respond = request => OpenAiCompatibleEmbedderTests.EmbeddingServer.Vectors(request, 384);
        var resolver = Resolver();
        var model = new EmbeddingModel
        {
            Name = "remote-384",
            Provider = EmbeddingProviders.OpenAi,
            Dimension = 384,
            BaseUrl = server.BaseUrl + "/v1",
            ApiKeyProtected = protection.CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.EmbeddingModelApiKey).Protect("sk-secret"),
        };

        var vector = await resolver.Create(model).GenerateVectorAsync("hello");

        Assert.Equal(384, vector.Length);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer sk-secret", request.Authorization);
        Assert.Equal("/v1/embeddings", request.Path);
    }

    [Fact]
    public void Create_KeyProtectedWithAnotherKeyRing_ThrowsAClearError()
    {
        var model = new EmbeddingModel
        {
            Name = "remote",
            Provider = EmbeddingProviders.OpenAi,
            Dimension = 1536,
            BaseUrl = server.BaseUrl,
            ApiKeyProtected = new EphemeralDataProtectionProvider().CreateProtector(StarStudio.Data.Infrastructure.ProtectionPurposes.EmbeddingModelApiKey).Protect("sk"),
        };

        var e = Assert.Throws<InvalidOperationException>(() => Resolver().Create(model));

        Assert.Contains("cannot be decrypted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnsupportedDimensionOrProvider_Throws()
    {
        Assert.Throws<ArgumentException>(() => Resolver().Create(new EmbeddingModel { Name = "x", Provider = EmbeddingProviders.Local, Dimension = 512 }));
        Assert.Throws<NotSupportedException>(() => Resolver().Create(new EmbeddingModel { Name = "x", Provider = "cohere", Dimension = 384 }));
    }

    [Fact]
    public async Task EmbedAsync_EmbedsInBatches_InOrder_ReportingProgress()
    {
        var texts = Enumerable.Range(0, 10).Select(i => $"text {i}").ToArray();
        var generator = new CountingGenerator();
        var reported = new List<int>();

        var result = await EmbeddingModelResolver.EmbedAsync(generator, texts, batchSize: 4, new SyncProgress(reported.Add));

        Assert.Equal(10, result.Count);
        Assert.Equal([4, 4, 2], generator.BatchSizes);
        Assert.Equal([4, 8, 10], reported);
        Assert.Equal(new LocalHashingEmbedder().Embed("text 7"), result[7].Vector.ToArray());
    }

    [Fact]
    public async Task EmbedAsync_GeneratorReturningTooFew_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddingModelResolver.EmbedAsync(new CountingGenerator { Drop = true }, ["a", "b"], batchSize: 8));
    }

    [Fact]
    public async Task EmbedAsync_PropagatesServerErrors()
    {
        server.Respond = _ => (HttpStatusCode.TooManyRequests, """{"error":{"message":"Rate limit reached"}}""");
        var generator = Resolver().Create(new EmbeddingModel { Name = "r", Provider = EmbeddingProviders.OpenAi, Dimension = 768, BaseUrl = server.BaseUrl });

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => EmbeddingModelResolver.EmbedAsync(generator, ["a"], 64));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private sealed class CountingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly LocalHashingEmbedder inner = new();

        public List<int> BatchSizes { get; } = [];

        public bool Drop { get; init; }

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            BatchSizes.Add(list.Count);
            var result = await inner.GenerateAsync(Drop ? list.Skip(1) : list, options, cancellationToken);
            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
