using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>How configuration chooses the storage adapters, and what an operator reads when it is wrong.</summary>
public sealed class StorageRegistrationTests
{
    [Fact]
    public void AddStarStudioStorage_NoSettings_RegistersPostgresDocumentsAndLocalObjects()
    {
        var services = Services(Configuration());

        Assert.Equal(typeof(PostgresKnowledgeChunkStore), Implementation<IKnowledgeChunkStore>(services, ServiceLifetime.Scoped));
        Assert.Equal(typeof(PostgresConversationMessageStore), Implementation<IConversationMessageStore>(services, ServiceLifetime.Scoped));
        Assert.Equal(typeof(PostgresTrainingLogStore), Implementation<ITrainingLogStore>(services, ServiceLifetime.Scoped));
        Assert.Equal(typeof(PostgresDocumentStoreHealth), Implementation<IDocumentStoreHealth>(services, ServiceLifetime.Scoped));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<LocalObjectStore>(provider.GetRequiredService<IObjectStore>());
    }

    [Fact]
    public void AddStarStudioStorage_RelativeLocalRoot_IsTakenFromTheContentRoot()
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "starstudio-content-" + Guid.NewGuid().ToString("N"));
        var services = Services(Configuration(
            ("contentRoot", contentRoot),
            ("StarStudio:ObjectStore:LocalRoot", "../.data/objects")));

        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<LocalObjectStore>(provider.GetRequiredService<IObjectStore>());

        Assert.Equal(Path.GetFullPath(Path.Combine(contentRoot, "..", ".data", "objects")), store.Root);
    }

    [Fact]
    public async Task AddStarStudioStorage_InAWebApplication_TakesRelativeLocalRootFromItsContentRootPath()
    {
        var contentRoot = Directory.CreateTempSubdirectory("starstudio-content-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
            builder.Configuration["StarStudio:ObjectStore:Provider"] = "Local";
            builder.Configuration["StarStudio:ObjectStore:LocalRoot"] = "objects";
            builder.Services.AddStarStudioStorage(builder.Configuration);
            await using var app = builder.Build();

            var store = Assert.IsType<LocalObjectStore>(app.Services.GetRequiredService<IObjectStore>());

            Assert.Equal(Path.Combine(app.Environment.ContentRootPath, "objects"), store.Root);
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public void AddStarStudioStorage_MongoAndMinioProviders_RegisterThoseAdapters()
    {
        var services = Services(Configuration(
            ("StarStudio:DocumentStore:Provider", "mongo"),
            ("StarStudio:DocumentStore:MongoConnectionString", "mongodb://127.0.0.1:27017"),
            ("StarStudio:ObjectStore:Provider", "Minio"),
            ("StarStudio:ObjectStore:Endpoint", "127.0.0.1:9000"),
            ("StarStudio:ObjectStore:AccessKey", "key"),
            ("StarStudio:ObjectStore:SecretKey", "secret")));

        using var provider = services.BuildServiceProvider();

        Assert.IsType<MongoKnowledgeChunkStore>(provider.GetRequiredService<IKnowledgeChunkStore>());
        Assert.IsType<MongoConversationMessageStore>(provider.GetRequiredService<IConversationMessageStore>());
        Assert.IsType<MongoTrainingLogStore>(provider.GetRequiredService<ITrainingLogStore>());
        Assert.IsType<MongoDocumentStoreHealth>(provider.GetRequiredService<IDocumentStoreHealth>());
        Assert.IsType<MinioObjectStore>(provider.GetRequiredService<IObjectStore>());
    }

    [Fact]
    public void Options_MongoWithoutConnectionString_NameTheMissingSetting()
    {
        var error = OptionsError<DocumentStoreOptions>(("StarStudio:DocumentStore:Provider", "Mongo"));

        Assert.Contains("StarStudio__DocumentStore__MongoConnectionString is required when StarStudio__DocumentStore__Provider is Mongo", error);
    }

    [Fact]
    public void Options_UnknownProviders_ListTheKnownOnes()
    {
        var documents = OptionsError<DocumentStoreOptions>(("StarStudio:DocumentStore:Provider", "Cassandra"));
        var objects = OptionsError<ObjectStoreOptions>(("StarStudio:ObjectStore:Provider", "S3"));

        Assert.Contains("'Cassandra'", documents);
        Assert.Contains("Postgres, Mongo", documents);
        Assert.Contains("'S3'", objects);
        Assert.Contains("Local, Minio", objects);
    }

    [Fact]
    public void Options_MinioEndpointWithSchemeAndNoKeys_ExplainEachProblem()
    {
        var error = OptionsError<ObjectStoreOptions>(
            ("StarStudio:ObjectStore:Provider", "Minio"),
            ("StarStudio:ObjectStore:Endpoint", "http://127.0.0.1:9000"));

        Assert.Contains("without a scheme", error);
        Assert.Contains("StarStudio__ObjectStore__AccessKey is required", error);
        Assert.Contains("StarStudio__ObjectStore__SecretKey is required", error);
    }

    [Fact]
    public async Task HostStart_InvalidStorageSettings_FailsBeforeServingWithTheMessage()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("StarStudio:DocumentStore:Provider", "Mongo")]);
        builder.Services.AddStarStudioStorage(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("StarStudio__DocumentStore__MongoConnectionString is required", error.Message);
    }

    [Fact]
    public void Resolve_UnknownProvider_ThrowsTheSameClearMessage()
    {
        var services = Services(Configuration(("StarStudio:ObjectStore:Provider", "Ftp")));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IObjectStore>());

        Assert.Contains("StarStudio__ObjectStore__Provider is 'Ftp'", error.Message);
    }

    /// <summary>Services as the host has them: the configuration is itself a service (BindConfiguration reads it there).</summary>
    private static IServiceCollection Services(IConfiguration configuration) =>
        new ServiceCollection().AddSingleton(configuration).AddStarStudioStorage(configuration);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private static Type? Implementation<TService>(IServiceCollection services, ServiceLifetime lifetime)
    {
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(TService));
        Assert.Equal(lifetime, descriptor.Lifetime);
        return descriptor.ImplementationType;
    }

    private static string OptionsError<TOptions>(params (string Key, string Value)[] settings)
        where TOptions : class
    {
        using var provider = Services(Configuration(settings)).BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TOptions>>().Value).Message;
    }
}
