namespace StarStudio.Data.Infrastructure;

/// <summary><c>StarStudio:Database</c>: how to reach PostgreSQL.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "StarStudio:Database";

    /// <summary>The application's role: neither superuser nor table owner, so row-level security applies to it.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>A role that owns the tables; when set, the app applies migrations on start and grants the app role.</summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary>
    /// Hangfire's storage, as a role of its own that reaches only the <c>hangfire</c> schema (never the owner: job
    /// storage runs at request time). The migrator creates the schema and grants it this role.
    /// </summary>
    public string JobsConnectionString { get; set; } = "";

    /// <summary>Statements each pooled connection of the app role keeps prepared, unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 200;

    /// <summary>
    /// The app role's connection string as the app uses it: with Npgsql's automatic preparation on (a statement used
    /// twice on a connection is prepared there, so PostgreSQL parses and plans it once, not on every call) unless the
    /// string sets <c>Max Auto Prepare</c> itself (0 turns it off). A third of PostgreSQL's time in a burst of chat
    /// answers was planning the same statements again (docs/performance.md, "500 players: no circuit ends"). Only the
    /// app role: the migration role runs DDL, after which prepared statements of changed tables would fail.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        if (connectionString.Replace(" ", "", StringComparison.Ordinal).Contains("maxautoprepare=", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare, AutoPrepareMinUsages = 2 }.ConnectionString;
    }
}

/// <summary><c>StarStudio:DocumentStore</c>: where the seed 000 §2 collections live.</summary>
public sealed class DocumentStoreOptions
{
    public const string Section = "StarStudio:DocumentStore";

    /// <summary><c>Postgres</c> (jsonb tables, the default) or <c>Mongo</c>.</summary>
    public string Provider { get; set; } = "Postgres";
    public string? MongoConnectionString { get; set; }
    public string MongoDatabase { get; set; } = "starstudio";
}

/// <summary><c>StarStudio:ObjectStore</c>: where the seed 000 §4 buckets live.</summary>
public sealed class ObjectStoreOptions
{
    public const string Section = "StarStudio:ObjectStore";

    /// <summary><c>Local</c> (a directory, the default) or <c>Minio</c> (any S3-compatible endpoint).</summary>
    public string Provider { get; set; } = "Local";
    /// <summary>Root directory of the local adapter; relative paths are taken from the content root.</summary>
    public string LocalRoot { get; set; } = "../.data/objects";
    /// <summary>host:port of the S3 endpoint, without scheme.</summary>
    public string? Endpoint { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public bool UseSsl { get; set; }
    public string Region { get; set; } = "us-east-1";
}
