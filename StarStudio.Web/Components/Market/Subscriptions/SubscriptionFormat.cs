using MudBlazor;
using StarStudio.Core.Market;

namespace StarStudio.Web.Components.Market.Subscriptions;

/// <summary>Resource keys and colours of subscription values, shared by the panel and the page.</summary>
public static class SubscriptionFormat
{
    public static string PlanKey(string plan) => "Market.Plan." + plan;

    public static string StatusKey(SubscriptionStatus status) => "Market.Sub.Status." + status;

    public static Color StatusColor(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active => Color.Success,
        SubscriptionStatus.Cancelled => Color.Warning,
        _ => Color.Default,
    };
}
