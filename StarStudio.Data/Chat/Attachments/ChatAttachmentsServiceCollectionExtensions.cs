using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Chat.Attachments;

namespace StarStudio.Data.Chat.Attachments;

/// <summary>Registers chat attachments (docs/chat-attachments.md). Needs the knowledge feature's parser and the object store.</summary>
public static class ChatAttachmentsServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioChatAttachments(this IServiceCollection services)
    {
        services.AddScoped<IChatAttachmentService, ChatAttachmentService>();
        return services;
    }
}
