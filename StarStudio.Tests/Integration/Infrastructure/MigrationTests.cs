using Npgsql;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Tests.Integration.Infrastructure;

/// <summary>An empty database migrated by the app's migrator, shared by the tests of one class.</summary>
public sealed class MigratedFromEmpty : IAsyncLifetime
{
    private readonly string name = "starstudio_m_" + Guid.NewGuid().ToString("N")[..12];

    public string Owner { get; private set; } = "";

    public string App => PostgresDatabase.AppConnectionFor(name);

    public async Task InitializeAsync()
    {
        await using (var conn = new NpgsqlConnection(PostgresDatabase.ServerConnectionString))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
        }

        Owner = new NpgsqlConnectionStringBuilder(PostgresDatabase.ForDatabase(PostgresDatabase.ServerConnectionString, name)) { Pooling = false }.ConnectionString;
        await DatabaseMigrator.MigrateAsync(Owner, App, logger: null);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(PostgresDatabase.ServerConnectionString);
        await conn.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn).ExecuteNonQueryAsync();
    }
}

/// <summary>The migrations build seed 000's schema from an empty database.</summary>
public sealed class MigrationTests(MigratedFromEmpty db) : IClassFixture<MigratedFromEmpty>
{

    [Fact]
    public async Task Migrate_EmptyDatabase_CreatesTheTwelveSeedTablesAndTheVectorTable()
    {
        var tables = await ListAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");

        string[] seed = ["users", "stars", "star_model_versions", "knowledge_tasks", "conversations", "conversation_feedback",
            "magnitude_history", "star_trials", "trial_entries", "skills", "skill_subscriptions", "webhooks", "star_embeddings"];
        Assert.Empty(seed.Except(tables));
    }

    [Theory]
    [InlineData("user_role", "star_owner,skill_maker,admin")]
    [InlineData("star_status", "active,paused,archived")]
    [InlineData("training_method", "qlora,dpo,sft")]
    [InlineData("knowledge_source_type", "upload,webhook,note")]
    [InlineData("knowledge_task_status", "pending,processing,completed,failed")]
    [InlineData("conversation_channel", "web,mobile,api,trial")]
    [InlineData("conversation_status", "active,closed")]
    [InlineData("magnitude_level", "L1,L2,L3,L4,L5")]
    [InlineData("trial_status", "draft,ongoing,finished")]
    [InlineData("skill_pricing_type", "free,subscription,usage")]
    [InlineData("skill_status", "draft,pending_review,published,suspended")]
    [InlineData("subscription_status", "active,expired,cancelled")]
    public async Task Migrate_Enums_HaveTheSeedLabels(string type, string labels)
    {
        var actual = await ListAsync($"SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = '{type}'");

        Assert.Equal(labels.Split(',').Order(), actual.Order());
    }

    [Theory]
    [InlineData("users", "email", "citext")]
    [InlineData("users", "preferences", "jsonb")]
    [InlineData("users", "role", "user_role")]
    [InlineData("stars", "name", "character varying(80)")]
    [InlineData("stars", "domain", "character varying(120)")]
    [InlineData("stars", "tone", "character varying(40)")]
    [InlineData("stars", "tags", "text[]")]
    [InlineData("stars", "status", "star_status")]
    [InlineData("star_model_versions", "training_data_span", "tstzrange")]
    [InlineData("star_model_versions", "version_name", "character varying(40)")]
    [InlineData("magnitude_history", "overall", "numeric(5,2)")]
    [InlineData("magnitude_history", "level", "magnitude_level")]
    [InlineData("trial_entries", "score", "numeric(5,2)")]
    [InlineData("star_trials", "answer_schema", "jsonb")]
    [InlineData("conversation_feedback", "labels", "text[]")]
    [InlineData("conversations", "feedback_score", "smallint")]
    [InlineData("skills", "schema", "jsonb")]
    [InlineData("webhooks", "event_types", "text[]")]
    [InlineData("star_embeddings", "embedding", "vector")]
    [InlineData("star_embeddings", "search_vector", "tsvector")]
    [InlineData("knowledge_tasks", "content_sha256", "character(64)")]
    [InlineData("system_configs", "value", "jsonb")]
    [InlineData("knowledge_chunks", "body", "jsonb")]
    public async Task Migrate_Columns_HaveTheSeedTypes(string table, string column, string type)
    {
        var actual = await ListAsync($"""
            SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = '{table}'::regclass AND a.attname = '{column}' AND NOT a.attisdropped
            """);

        Assert.Equal(type, Assert.Single(actual));
    }

    [Fact]
    public async Task Migrate_Embeddings_HaveAnHnswCosineIndexPerSupportedDimension()
    {
        var defs = await ListAsync("SELECT indexdef FROM pg_indexes WHERE tablename = 'star_embeddings'");

        foreach (var dim in StarStudio.Core.Knowledge.EmbeddingModel.SupportedDimensions)
        {
            Assert.Contains(defs, d => d.Contains("USING hnsw", StringComparison.Ordinal) && d.Contains("vector_cosine_ops", StringComparison.Ordinal)
                && d.Contains($"vector({dim})", StringComparison.Ordinal) && d.Contains($"dimensions = {dim}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Migrate_EmbeddingVectors_AreStoredInTheRow()
    {
        var storage = await ListAsync("SELECT attstorage::text FROM pg_attribute WHERE attrelid = 'star_embeddings'::regclass AND attname = 'embedding'");

        Assert.Equal("m", Assert.Single(storage));
    }

    [Fact]
    public async Task Migrate_StarTables_HaveRowLevelSecurityOn()
    {
        var off = await ListAsync("""
            SELECT relname FROM pg_class
            WHERE relname IN ('stars','star_model_versions','knowledge_tasks','star_embeddings','conversations','conversation_feedback',
                              'knowledge_webhook_sources','knowledge_webhook_receipts','system_configs','embeddings_models',
                              'chat_traces','chat_trace_steps','usage_records','llm_providers','chat_models',
                              'magnitude_history','trial_entries','skill_subscriptions','webhooks','knowledge_chunks','training_logs','conversation_messages')
              AND NOT relrowsecurity
            """);

        Assert.Empty(off);
    }

    [Fact]
    public async Task Migrate_Twice_IsANoOp()
    {
        await DatabaseMigrator.MigrateAsync(db.Owner, db.App, logger: null);

        var migrations = typeof(StarStudio.Data.StarStudioDbContext).Assembly.GetTypes().Count(t => t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration)));

        Assert.Equal(migrations, (await ListAsync("SELECT migration_id FROM \"__EFMigrationsHistory\"")).Count);
    }

    private async Task<List<string>> ListAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(db.Owner);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
