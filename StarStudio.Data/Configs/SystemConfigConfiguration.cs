using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Knowledge;

namespace StarStudio.Data.Configs;

/// <summary><c>system_configs</c> (seed 002 §10.1; docs/admin-configs.md). The JSON value is held to its type by a check constraint.</summary>
internal sealed class SystemConfigConfiguration : IEntityTypeConfiguration<SystemConfig>
{
    /// <summary>The value types a row may have; the registry's <c>ConfigValueTypes</c> labels.</summary>
    public const string ValueTypeCheck = "value_type IN ('int', 'decimal', 'bool', 'string', 'json')";

    /// <summary>
    /// A typed row's JSON is of its type (null allowed: nullable keys), so a wrong type never reaches the table even when
    /// written around the admin page; the value column is <c>jsonb</c>, so it is always valid JSON.
    /// </summary>
    public const string ValueMatchesTypeCheck =
        "value_type = 'json' OR jsonb_typeof(value) = 'null'"
        // CASE, not AND: PostgreSQL may evaluate value::numeric first, and a string would raise a cast error instead.
        + " OR (value_type = 'int' AND CASE WHEN jsonb_typeof(value) = 'number' THEN value::numeric = trunc(value::numeric) ELSE false END)"
        + " OR (value_type = 'decimal' AND jsonb_typeof(value) = 'number')"
        + " OR (value_type = 'bool' AND jsonb_typeof(value) = 'boolean')"
        + " OR (value_type = 'string' AND jsonb_typeof(value) = 'string')";

    public void Configure(EntityTypeBuilder<SystemConfig> b)
    {
        b.ToTable("system_configs", t =>
        {
            t.HasCheckConstraint("ck_system_configs_value_type", ValueTypeCheck);
            t.HasCheckConstraint("ck_system_configs_value_matches_type", ValueMatchesTypeCheck);
        });
        b.HasKey(c => c.Key);
        b.Property(c => c.Key).HasMaxLength(100);
        b.Property(c => c.Value).HasColumnType("jsonb").IsRequired();
        b.Property(c => c.ValueType).HasMaxLength(20).HasDefaultValue("json");
        b.Property(c => c.IsPublic).HasDefaultValue(false);
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        // No foreign key to users, as in audit_logs: an anonymised user's changes keep naming the id.
        var at = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        b.HasData(
            new SystemConfig { Key = KnowledgeConfigKeys.ChunkSize, Value = "500", ValueType = "int", Description = "Chunk size in cl100k tokens", CreatedAt = at, UpdatedAt = at },
            new SystemConfig { Key = KnowledgeConfigKeys.ChunkOverlap, Value = "50", ValueType = "int", Description = "Overlap between chunks in tokens", CreatedAt = at, UpdatedAt = at },
            new SystemConfig { Key = KnowledgeConfigKeys.MaxUploadFileSize, Value = "104857600", ValueType = "int", IsPublic = true, Description = "Largest knowledge upload in bytes", CreatedAt = at, UpdatedAt = at },
            new SystemConfig { Key = KnowledgeConfigKeys.TopK, Value = "8", ValueType = "int", Description = "Passages retrieved per question", CreatedAt = at, UpdatedAt = at });
    }
}
