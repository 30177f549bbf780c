namespace StarStudio.Core.Knowledge;

/// <summary>A registered embedding model (seed 002 <c>embeddings_models</c>); admins manage the list.</summary>
public class EmbeddingModel
{
    public Guid Id { get; set; }
    /// <summary>The name recorded on every vector, e.g. <c>local-hash-384</c> or <c>text-embedding-3-small</c>.</summary>
    public string Name { get; set; } = "";
    /// <summary><c>local</c> (built in) or <c>openai</c> (any OpenAI-compatible <c>/v1/embeddings</c>).</summary>
    public string Provider { get; set; } = EmbeddingProviders.Local;
    public int Dimension { get; set; }
    public int MaxInputTokens { get; set; }
    public string? BaseUrl { get; set; }
    /// <summary>Protected with ASP.NET Core Data Protection; never shown again once saved.</summary>
    public string? ApiKeyProtected { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Vector sizes the schema has an HNSW index for (docs/decisions.md).</summary>
    public static readonly IReadOnlyList<int> SupportedDimensions = [384, 768, 1024, 1536];
}

/// <summary>Providers an embedding model can have.</summary>
public static class EmbeddingProviders
{
    public const string Local = "local";
    public const string OpenAi = "openai";
}

/// <summary>
/// A platform setting (seed 002 <c>system_configs</c>): a key, a JSON value and its type. The known keys, their types and
/// defaults are declared in <c>StarStudio.Core.Configs.ConfigRegistry</c> (docs/admin-configs.md).
/// </summary>
public class SystemConfig
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "null";
    /// <summary><c>int</c>, <c>decimal</c>, <c>bool</c>, <c>string</c> or <c>json</c>; a check constraint holds the value to it.</summary>
    public string ValueType { get; set; } = "json";
    public string? Description { get; set; }
    /// <summary>Whether any signed-in user may be shown the value; otherwise only admins.</summary>
    public bool IsPublic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Set by a trigger on every write, with <see cref="UpdatedBy"/> (the transaction's acting user, null for none).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
}

/// <summary>The keys of <see cref="SystemConfig"/> the knowledge pipeline reads, with their defaults.</summary>
public static class KnowledgeConfigKeys
{
    public const string ChunkSize = "rag_default_chunk_size";
    public const string ChunkOverlap = "rag_default_chunk_overlap";
    public const string MaxUploadFileSize = "max_upload_file_size";
    public const string TopK = "rag_default_top_k";

    public const int DefaultChunkSize = 500;
    public const int DefaultChunkOverlap = 50;
    public const long DefaultMaxUploadFileSize = 100L * 1024 * 1024;
    public const int DefaultTopK = 8;
}

/// <summary>An inbound webhook that adds knowledge to a star; POSTs are signed with its secret.</summary>
public class KnowledgeWebhookSource
{
    public Guid Id { get; set; }
    public Guid StarId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The signing secret, protected with Data Protection (it must be recoverable to check signatures).</summary>
    public string SecretProtected { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
