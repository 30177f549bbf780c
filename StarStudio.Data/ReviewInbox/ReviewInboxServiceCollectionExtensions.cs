using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Reports;
using StarStudio.Core.ReviewInbox;
using StarStudio.Data.Reports;

namespace StarStudio.Data.ReviewInbox;

/// <summary>Registers content reports and the review inbox (docs/admin-inbox.md).</summary>
public static class ReviewInboxServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioReviewInbox(this IServiceCollection services)
    {
        services.AddScoped<IContentReportService, ContentReportService>();
        services.AddScoped<IReviewInbox, ReviewInboxService>();
        return services;
    }
}
