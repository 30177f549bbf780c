using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Chat;
using StarStudio.Core.Stars;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Chat;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> b)
    {
        b.ToTable("conversations", t => t.HasCheckConstraint("ck_conversations_feedback_score", "feedback_score BETWEEN 1 AND 5"));
        b.Property(c => c.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Star>().WithMany().HasForeignKey(c => c.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.UserId, c.CreatedAt }).IsDescending(false, true);
        b.HasIndex(c => new { c.StarId, c.CreatedAt }).IsDescending(false, true);
        b.Property(c => c.Title).HasMaxLength(120).IsRequired().HasDefaultValue("");
        b.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(c => new { c.UserId, c.UpdatedAt }).IsDescending(false, true).HasFilter("deleted_at IS NULL");
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(c => c.PersonaVersionId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class LlmProviderConfiguration : IEntityTypeConfiguration<LlmProvider>
{
    public void Configure(EntityTypeBuilder<LlmProvider> b)
    {
        b.ToTable("llm_providers");
        b.Property(p => p.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(p => p.Name).HasMaxLength(80).IsRequired();
        b.Property(p => p.BaseUrl).IsRequired();
        b.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        b.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(p => p.Name).IsUnique();
    }
}

internal sealed class ChatModelConfiguration : IEntityTypeConfiguration<ChatModel>
{
    public void Configure(EntityTypeBuilder<ChatModel> b)
    {
        b.ToTable("chat_models", t =>
        {
            t.HasCheckConstraint("ck_chat_models_context", "max_context_tokens BETWEEN 256 AND 2000000");
            t.HasCheckConstraint("ck_chat_models_prices", "price_in_per_1k >= 0 AND price_out_per_1k >= 0");
        });
        b.Property(m => m.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(m => m.ModelId).HasMaxLength(200).IsRequired();
        b.Property(m => m.DisplayName).HasMaxLength(120).IsRequired();
        b.Property(m => m.MaxContextTokens).HasDefaultValue(4096);
        b.Property(m => m.DefaultParams).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(m => m.PriceInPer1K).HasColumnName("price_in_per_1k").HasPrecision(18, 6).HasDefaultValue(0m);
        b.Property(m => m.PriceOutPer1K).HasColumnName("price_out_per_1k").HasPrecision(18, 6).HasDefaultValue(0m);
        b.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        b.Property(m => m.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<LlmProvider>().WithMany().HasForeignKey(m => m.ProviderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.ProviderId, m.ModelId }).IsUnique();
    }
}

internal sealed class ChatTraceConfiguration : IEntityTypeConfiguration<ChatTrace>
{
    public void Configure(EntityTypeBuilder<ChatTrace> b)
    {
        b.ToTable("chat_traces");
        b.Property(t => t.Model).HasMaxLength(200).IsRequired();
        b.Property(t => t.Cost).HasPrecision(12, 6);
        b.Property(t => t.ErrorPhase).HasMaxLength(40);
        b.Property(t => t.Prompt).HasColumnType("jsonb");
        b.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Conversation>().WithMany().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(t => t.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.MessageId);
        b.HasIndex(t => new { t.StarId, t.CreatedAt }).IsDescending(false, true);
        b.HasOne<StarModelVersion>().WithMany().HasForeignKey(t => t.ModelVersionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StarPersonaVersion>().WithMany().HasForeignKey(t => t.PersonaVersionId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ChatTraceStepConfiguration : IEntityTypeConfiguration<ChatTraceStep>
{
    public void Configure(EntityTypeBuilder<ChatTraceStep> b)
    {
        b.ToTable("chat_trace_steps");
        b.Property(s => s.Kind).HasMaxLength(20).IsRequired();
        b.Property(s => s.Name).HasMaxLength(200).IsRequired();
        b.Property(s => s.Input).HasColumnType("jsonb");
        b.Property(s => s.Output).HasColumnType("jsonb");
        b.HasOne<ChatTrace>().WithMany().HasForeignKey(s => s.TraceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.TraceId, s.Seq }).IsUnique();
    }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> b)
    {
        b.ToTable("usage_records");
        b.Property(u => u.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(u => u.RequestId).HasMaxLength(100).IsRequired();
        b.Property(u => u.Provider).HasMaxLength(80).IsRequired();
        b.Property(u => u.Model).HasMaxLength(200).IsRequired();
        b.Property(u => u.Cost).HasPrecision(12, 6);
        b.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(u => u.RequestId).IsUnique();
        b.HasIndex(u => new { u.UserId, u.CreatedAt });
        b.HasIndex(u => new { u.StarId, u.CreatedAt });
        b.HasOne<Star>().WithMany().HasForeignKey(u => u.StarId).OnDelete(DeleteBehavior.Cascade);
        // Usage billing (docs/billing.md): what a batch priced the record at, and the batch's ledger key.
        b.Property(u => u.BilledCost).HasPrecision(18, 8);
        b.Property(u => u.BillingKey).HasMaxLength(200);
        b.HasIndex(u => new { u.CreatedAt, u.Id }).HasDatabaseName("ix_usage_records_unbilled").HasFilter("billed_at IS NULL");
    }
}

internal sealed class ConversationFeedbackConfiguration : IEntityTypeConfiguration<ConversationFeedback>
{
    public void Configure(EntityTypeBuilder<ConversationFeedback> b)
    {
        b.ToTable("conversation_feedback", t => t.HasCheckConstraint("ck_conversation_feedback_rating", "rating BETWEEN 1 AND 5"));
        b.Property(f => f.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(f => f.Labels).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Conversation>().WithMany().HasForeignKey(f => f.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => f.ConversationId);
    }
}

internal sealed class AnswerFeedbackConfiguration : IEntityTypeConfiguration<AnswerFeedback>
{
    public void Configure(EntityTypeBuilder<AnswerFeedback> b)
    {
        b.ToTable("answer_feedback", t => t.HasCheckConstraint("ck_answer_feedback_rating", "rating BETWEEN 1 AND 5"));
        b.Property(f => f.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(f => f.Labels).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.Property(f => f.Prompt).IsRequired();
        b.Property(f => f.Answer).IsRequired();
        b.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        b.Property(f => f.UpdatedAt).HasDefaultValueSql("now()");
        b.HasOne<Conversation>().WithMany().HasForeignKey(f => f.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Star>().WithMany().HasForeignKey(f => f.StarId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ChatTrace>().WithMany().HasForeignKey(f => f.TraceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarModelVersion>().WithMany().HasForeignKey(f => f.ModelVersionId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(f => f.TraceId).IsUnique();
        b.HasIndex(f => new { f.StarId, f.CreatedAt });
        b.HasIndex(f => f.MessageId);
    }
}
