using Microsoft.EntityFrameworkCore;
using StarStudio.Data;

namespace StarStudio.TestSupport;

/// <summary>Contexts over one connection string, configured as the app configures them (snake_case, pgvector, enums).</summary>
public sealed class StarStudioContextFactory(string connectionString) : IDbContextFactory<StarStudioDbContext>
{
    public string ConnectionString { get; } = connectionString;

    public StarStudioDbContext CreateDbContext() => Create(ConnectionString);

    /// <summary>One context, for arranging or checking.</summary>
    public static StarStudioDbContext Create(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<StarStudioDbContext>();
        StarStudioDbContext.Configure(builder, connectionString);
        return new StarStudioDbContext(builder.Options);
    }
}
