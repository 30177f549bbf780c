using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Unit.Market.Maker;

public class SkillVersionDiffTests
{
    private static SkillVersion V(string name = "天气", decimal price = 0.05m, string endpoint = "https://a.example.test/") => new()
    {
        Version = "1.0.0", Name = name, Description = "d", Category = "weather", Icon = "🌦️", ApiEndpoint = endpoint,
        InputSchema = """{"type": "object"}""", OutputSchema = "{}", PricingType = SkillPricingType.Usage, Price = price, Examples = "[]",
    };

    [Fact]
    public void ListsOnlyTheFieldsThatChanged()
    {
        var changes = SkillVersionDiff.Between(V(), V(price: 0.1m, endpoint: "https://b.example.test/"));
        Assert.Equal(["ApiEndpoint", "Price"], changes.Select(c => c.Field));
        Assert.Equal(("0.05", "0.1"), (changes[1].Before, changes[1].After));
        Assert.Empty(SkillVersionDiff.Between(V(), V()));
    }

    [Fact]
    public void AFirstSubmission_ShowsEveryFieldWithAValue() =>
        Assert.Equal(["Name", "Description", "Category", "Icon", "ApiEndpoint", "InputSchema", "OutputSchema", "PricingType", "Price", "Examples"],
            SkillVersionDiff.Between(null, V()).Select(c => c.Field));
}
