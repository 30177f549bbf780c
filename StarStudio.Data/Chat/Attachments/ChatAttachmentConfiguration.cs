using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Attachments;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Chat.Attachments;

/// <summary><c>chat_attachments</c> (seed 001 <c>files</c>; docs/chat-attachments.md): the conversation's user's rows only (RLS).</summary>
internal sealed class ChatAttachmentConfiguration : IEntityTypeConfiguration<ChatAttachment>
{
    public void Configure(EntityTypeBuilder<ChatAttachment> b)
    {
        b.ToTable("chat_attachments", t =>
        {
            t.HasCheckConstraint("ck_chat_attachments_status", "status IN ('parsing', 'ready', 'failed')");
            t.HasCheckConstraint("ck_chat_attachments_kind", "kind IN ('pdf', 'docx', 'text', 'markdown', 'image')");
            t.HasCheckConstraint("ck_chat_attachments_size", $"size_bytes > 0 AND size_bytes <= {ChatAttachmentRules.MaxBytes}");
        });
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(ChatAttachmentRules.FileNameMax);
        b.Property(a => a.Kind).HasMaxLength(16);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.ObjectKey).HasMaxLength(300);
        b.Property(a => a.Status).HasMaxLength(16);
        b.Property(a => a.Error).HasMaxLength(200);
        b.Property(a => a.Chunks).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
        b.Property(a => a.UpdatedAt).HasDefaultValueSql("now()");
        b.HasIndex(a => new { a.ConversationId, a.CreatedAt });
        b.HasIndex(a => a.MessageId);
        b.HasOne<Conversation>().WithMany().HasForeignKey(a => a.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StarUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
