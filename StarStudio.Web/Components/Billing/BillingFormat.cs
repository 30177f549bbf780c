using System.Globalization;
using StarStudio.Core.Billing.Membership;
using MudBlazor;
using StarStudio.Core.Billing.Orders;

namespace StarStudio.Web.Components.Billing;

/// <summary>How billing panels write money, times and enums (resource keys under <c>Billing.*</c>).</summary>
public static class BillingFormat
{
    /// <summary>Yuan with two to four decimals: <c>¥10.00</c>, <c>¥0.0012</c>.</summary>
    public static string Money(decimal amount) => "¥" + amount.ToString("0.00##", CultureInfo.InvariantCulture);

    /// <summary>Beijing time, to the minute.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? StarStudio.Core.Common.BeijingTime.Format(t) : "—";

    public static string StatusKey(OrderStatus s) => "Billing.Order.Status." + s;

    public static Color StatusColor(OrderStatus s) => s switch
    {
        OrderStatus.Pending => Color.Warning,
        OrderStatus.Paid => Color.Success,
        OrderStatus.Refunded => Color.Info,
        _ => Color.Default,
    };

    public static string TierKey(MembershipTier t) => "Billing.Tier." + t;

    public static string PeriodKey(MembershipPeriod p) => "Billing.Period." + p;
}
