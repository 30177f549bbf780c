using StarStudio.Core.Billing.Membership;
using StarStudio.Core.Common;

namespace StarStudio.Core.Billing.Orders;

/// <summary>What a product sells (PostgreSQL enum <c>product_kind</c>; seed 003 recharge product kinds).</summary>
public enum ProductKind
{
    /// <summary>A recharge pack: credits <see cref="BillingProduct.CreditAmount"/> (price plus any bonus) to the balance.</summary>
    Recharge,

    /// <summary>A membership tier for a month or a year.</summary>
    Membership,
}

/// <summary>A product users buy (seed 002 <c>products</c>). Money in CNY, four decimals.</summary>
public class BillingProduct
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public ProductKind Kind { get; set; }

    /// <summary>What the user pays.</summary>
    public decimal Price { get; set; }

    public string Currency { get; set; } = BillingProductRules.Currency;

    /// <summary>Balance credited by a recharge pack (at least the price; more is a bonus); 0 for memberships.</summary>
    public decimal CreditAmount { get; set; }

    public MembershipTier? MembershipTier { get; set; }
    public MembershipPeriod? MembershipPeriod { get; set; }

    /// <summary>Listed products are offered to users; unlisted ones stay for the orders that name them.</summary>
    public bool IsListed { get; set; } = true;

    public int SortOrder { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What an admin enters for a product; checked by <see cref="BillingProductRules.Validate"/>.</summary>
public sealed class ProductDraft
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public ProductKind Kind { get; set; }
    public decimal Price { get; set; }
    public decimal CreditAmount { get; set; }
    public MembershipTier? MembershipTier { get; set; }
    public MembershipPeriod? MembershipPeriod { get; set; }
    public bool IsListed { get; set; } = true;
    public int SortOrder { get; set; }

    public static ProductDraft From(BillingProduct p) => new()
    {
        Name = p.Name,
        Description = p.Description,
        Kind = p.Kind,
        Price = p.Price,
        CreditAmount = p.CreditAmount,
        MembershipTier = p.MembershipTier,
        MembershipPeriod = p.MembershipPeriod,
        IsListed = p.IsListed,
        SortOrder = p.SortOrder,
    };
}

/// <summary>Rules of products as admins enter them. Codes are <c>Billing.Product.*</c>.</summary>
public static class BillingProductRules
{
    /// <summary>The only currency: prices and the balance are CNY.</summary>
    public const string Currency = "CNY";

    public const int NameMax = 100;
    public const int DescriptionMax = 1000;
    public const decimal MinPrice = 0.01m;
    public const decimal MaxPrice = 100_000m;

    public static IReadOnlyList<FieldError> Validate(ProductDraft d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var errors = new List<FieldError>();
        var name = d.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new FieldError(nameof(ProductDraft.Name), "Billing.Product.Name.Required"));
        }
        else if (name.Length > NameMax)
        {
            errors.Add(new FieldError(nameof(ProductDraft.Name), "Billing.Product.Name.TooLong", NameMax));
        }

        if ((d.Description?.Trim().Length ?? 0) > DescriptionMax)
        {
            errors.Add(new FieldError(nameof(ProductDraft.Description), "Billing.Product.Description.TooLong", DescriptionMax));
        }

        if (d.Price < MinPrice || d.Price > MaxPrice || decimal.Round(d.Price, 2) != d.Price)
        {
            errors.Add(new FieldError(nameof(ProductDraft.Price), "Billing.Product.Price.Invalid", MinPrice, MaxPrice));
        }

        if (d.Kind == ProductKind.Recharge)
        {
            // A pack never credits less than it costs; the difference is the bonus.
            if (d.CreditAmount < d.Price || d.CreditAmount > MaxPrice * 2 || decimal.Round(d.CreditAmount, 2) != d.CreditAmount)
            {
                errors.Add(new FieldError(nameof(ProductDraft.CreditAmount), "Billing.Product.Credit.Invalid", MaxPrice * 2));
            }
        }
        else
        {
            if (d.MembershipTier is null)
            {
                errors.Add(new FieldError(nameof(ProductDraft.MembershipTier), "Billing.Product.Tier.Required"));
            }

            if (d.MembershipPeriod is null)
            {
                errors.Add(new FieldError(nameof(ProductDraft.MembershipPeriod), "Billing.Product.Period.Required"));
            }
        }

        return errors;
    }

    /// <summary>The bonus of a recharge pack: what it credits beyond its price.</summary>
    public static decimal Bonus(BillingProduct p) => p.Kind == ProductKind.Recharge ? Math.Max(0, p.CreditAmount - p.Price) : 0;
}
