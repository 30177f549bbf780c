using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Storage;

/// <summary>Registers the document store and object store adapters that configuration chooses.</summary>
public static class StorageServiceCollectionExtensions
{
    internal const string MongoClientKey = "StarStudio.DocumentStore";

    /// <summary>
    /// Binds <see cref="DocumentStoreOptions"/> and <see cref="ObjectStoreOptions"/>, checks them when the app
    /// starts, and registers the adapters their <c>Provider</c> names. The PostgreSQL document stores need
    /// <see cref="StarStudioDb"/> (registered by <c>AddStarStudioData</c>).
    /// </summary>
    public static IServiceCollection AddStarStudioStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DocumentStoreOptions>().BindConfiguration(DocumentStoreOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DocumentStoreOptions>, DocumentStoreOptionsValidator>();
        services.AddOptions<ObjectStoreOptions>().BindConfiguration(ObjectStoreOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObjectStoreOptions>, ObjectStoreOptionsValidator>();

        // The provider decides which types exist, so it is read now; the rest is read (and validated) on resolve.
        var documentProvider = StorageProviders.Normalize(configuration[$"{DocumentStoreOptions.Section}:Provider"], StorageProviders.Postgres);
        switch (documentProvider)
        {
            case StorageProviders.Postgres:
                services.AddScoped<IConversationMessageStore, PostgresConversationMessageStore>();
                services.AddScoped<IKnowledgeChunkStore, PostgresKnowledgeChunkStore>();
                services.AddScoped<ITrainingLogStore, PostgresTrainingLogStore>();
                services.AddScoped<IDocumentStoreHealth, PostgresDocumentStoreHealth>();
                break;
            case StorageProviders.Mongo:
                services.AddKeyedSingleton<IMongoClient>(MongoClientKey, (sp, _) =>
                    new MongoClient(sp.GetRequiredService<IOptions<DocumentStoreOptions>>().Value.MongoConnectionString));
                services.AddSingleton(sp => new MongoDocumentDatabase(
                    sp.GetRequiredKeyedService<IMongoClient>(MongoClientKey),
                    sp.GetRequiredService<IOptions<DocumentStoreOptions>>().Value.MongoDatabase));
                services.AddSingleton<IConversationMessageStore, MongoConversationMessageStore>();
                services.AddSingleton<IKnowledgeChunkStore, MongoKnowledgeChunkStore>();
                services.AddSingleton<ITrainingLogStore, MongoTrainingLogStore>();
                services.AddSingleton<IDocumentStoreHealth, MongoDocumentStoreHealth>();
                break;
            default:
                var documentError = StorageProviders.UnknownDocumentProvider(configuration[$"{DocumentStoreOptions.Section}:Provider"]);
                services.AddScoped<IConversationMessageStore>(_ => throw new InvalidOperationException(documentError));
                services.AddScoped<IKnowledgeChunkStore>(_ => throw new InvalidOperationException(documentError));
                services.AddScoped<ITrainingLogStore>(_ => throw new InvalidOperationException(documentError));
                services.AddScoped<IDocumentStoreHealth>(_ => throw new InvalidOperationException(documentError));
                break;
        }

        var objectProvider = StorageProviders.Normalize(configuration[$"{ObjectStoreOptions.Section}:Provider"], StorageProviders.Local);
        switch (objectProvider)
        {
            case StorageProviders.Local:
                services.AddSingleton<IObjectStore>(sp => new LocalObjectStore(
                    ResolveLocalRoot(sp.GetRequiredService<IOptions<ObjectStoreOptions>>().Value.LocalRoot, configuration)));
                break;
            case StorageProviders.Minio:
                services.AddSingleton<IObjectStore>(sp => new MinioObjectStore(
                    MinioObjectStore.CreateClient(sp.GetRequiredService<IOptions<ObjectStoreOptions>>().Value)));
                break;
            default:
                var objectError = StorageProviders.UnknownObjectProvider(configuration[$"{ObjectStoreOptions.Section}:Provider"]);
                services.AddSingleton<IObjectStore>(_ => throw new InvalidOperationException(objectError));
                break;
        }

        return services;
    }

    /// <summary>
    /// A relative <see cref="ObjectStoreOptions.LocalRoot"/> is taken from the host's content root (the
    /// <c>contentRoot</c> setting the host puts in configuration), or from the current directory without one.
    /// </summary>
    internal static string ResolveLocalRoot(string localRoot, IConfiguration configuration)
    {
        if (Path.IsPathFullyQualified(localRoot))
        {
            return Path.GetFullPath(localRoot);
        }

        var contentRoot = configuration["contentRoot"];
        var basePath = string.IsNullOrWhiteSpace(contentRoot)
            ? Directory.GetCurrentDirectory()
            : Path.GetFullPath(contentRoot, AppContext.BaseDirectory);
        return Path.GetFullPath(localRoot, basePath);
    }
}

/// <summary>The provider names of the storage options, compared without regard to case.</summary>
internal static class StorageProviders
{
    public const string Postgres = "Postgres";
    public const string Mongo = "Mongo";
    public const string Local = "Local";
    public const string Minio = "Minio";

    public static readonly string[] DocumentProviders = [Postgres, Mongo];
    public static readonly string[] ObjectProviders = [Local, Minio];

    /// <summary>The canonical spelling of <paramref name="value"/>; blank means the default, anything unknown stays as it is.</summary>
    public static string Normalize(string? value, string fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var trimmed = value.Trim();
        return DocumentProviders.Concat(ObjectProviders).FirstOrDefault(p => string.Equals(p, trimmed, StringComparison.OrdinalIgnoreCase)) ?? trimmed;
    }

    public static string UnknownDocumentProvider(string? value) =>
        $"StarStudio__DocumentStore__Provider is '{value}', which is not a document store; use one of: {string.Join(", ", DocumentProviders)}.";

    public static string UnknownObjectProvider(string? value) =>
        $"StarStudio__ObjectStore__Provider is '{value}', which is not an object store; use one of: {string.Join(", ", ObjectProviders)}.";
}

internal sealed class DocumentStoreOptionsValidator : IValidateOptions<DocumentStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, DocumentStoreOptions options)
    {
        var errors = new List<string>();
        switch (StorageProviders.Normalize(options.Provider, StorageProviders.Postgres))
        {
            case StorageProviders.Postgres:
                break;
            case StorageProviders.Mongo:
                if (string.IsNullOrWhiteSpace(options.MongoConnectionString))
                {
                    errors.Add("StarStudio__DocumentStore__MongoConnectionString is required when StarStudio__DocumentStore__Provider is Mongo (e.g. mongodb://127.0.0.1:27017).");
                }
                else if (!IsMongoUrl(options.MongoConnectionString))
                {
                    errors.Add("StarStudio__DocumentStore__MongoConnectionString is not a MongoDB connection string (mongodb://host:port or mongodb+srv://host).");
                }

                if (string.IsNullOrWhiteSpace(options.MongoDatabase))
                {
                    errors.Add("StarStudio__DocumentStore__MongoDatabase must not be empty when StarStudio__DocumentStore__Provider is Mongo.");
                }

                break;
            default:
                errors.Add(StorageProviders.UnknownDocumentProvider(options.Provider));
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsMongoUrl(string value)
    {
        try
        {
            _ = MongoUrl.Create(value);
            return true;
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            return false;
        }
    }
}

internal sealed class ObjectStoreOptionsValidator : IValidateOptions<ObjectStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ObjectStoreOptions options)
    {
        var errors = new List<string>();
        switch (StorageProviders.Normalize(options.Provider, StorageProviders.Local))
        {
            case StorageProviders.Local:
                if (string.IsNullOrWhiteSpace(options.LocalRoot))
                {
                    errors.Add("StarStudio__ObjectStore__LocalRoot must not be empty when StarStudio__ObjectStore__Provider is Local.");
                }

                break;
            case StorageProviders.Minio:
                if (string.IsNullOrWhiteSpace(options.Endpoint))
                {
                    errors.Add("StarStudio__ObjectStore__Endpoint is required when StarStudio__ObjectStore__Provider is Minio (host:port, e.g. 127.0.0.1:9000).");
                }
                else if (options.Endpoint.Contains("://", StringComparison.Ordinal) || options.Endpoint.Contains('/'))
                {
                    errors.Add($"StarStudio__ObjectStore__Endpoint is '{options.Endpoint}'; give host:port without a scheme or path (e.g. 127.0.0.1:9000), and StarStudio__ObjectStore__UseSsl=true for https.");
                }

                if (string.IsNullOrWhiteSpace(options.AccessKey))
                {
                    errors.Add("StarStudio__ObjectStore__AccessKey is required when StarStudio__ObjectStore__Provider is Minio.");
                }

                if (string.IsNullOrWhiteSpace(options.SecretKey))
                {
                    errors.Add("StarStudio__ObjectStore__SecretKey is required when StarStudio__ObjectStore__Provider is Minio.");
                }

                break;
            default:
                errors.Add(StorageProviders.UnknownObjectProvider(options.Provider));
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
