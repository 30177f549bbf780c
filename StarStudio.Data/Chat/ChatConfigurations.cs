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
