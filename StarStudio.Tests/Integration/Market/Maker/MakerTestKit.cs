using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Core.Security;
using StarStudio.Data.Market.Maker;

namespace StarStudio.Tests.Integration.Market.Maker;

/// <summary>Builds the maker and review services over a test database, with a fake DNS and a recording endpoint caller.</summary>
internal sealed class MakerTestKit(PostgresDatabase pg)
{
    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    public RecordingCaller Caller { get; } = new();

    public SkillMakerService Maker(UserContext user, bool allowPrivate = false) =>
        new(pg.Db(user), Protection, Caller, new FixedOptions(new SecurityOptions { AllowPrivateNetworkUrls = allowPrivate }), TimeProvider.System, ResolveAsync);

    public SkillReviewService Review(UserContext user) => new(pg.Db(user), TimeProvider.System);

    // A fake DNS: "*.example.test" is public, "*.internal.test" private, anything else does not resolve.
    public static Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult<IPAddress[]>(
        host.EndsWith(".internal.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("10.20.30.40")]
        : host.EndsWith(".example.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("93.184.216.34")]
        : []);

    public static SkillDraft Draft(string name = "天气查询", string endpoint = "https://skills.example.test/weather") => new()
    {
        Name = name,
        Description = "查询中国城市未来几天的天气",
        DescriptionEn = "Weather forecast for Chinese cities",
        Category = "weather",
        Icon = "🌦️",
        ApiEndpoint = endpoint,
        InputSchema = """{"type":"object","properties":{"city":{"type":"string","minLength":1},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city"],"additionalProperties":false}""",
        OutputSchema = """{"type":"object","properties":{"forecast":{"type":"string"}},"required":["forecast"]}""",
        PricingType = SkillPricingType.Usage,
        Price = 0.05m,
        Examples = [new SkillExample("北京明天天气怎么样？", """{"city":"北京","days":1}""")],
    };

    public static T Ok<T>(Result<T> result)
    {
        Assert.True(result.Succeeded, $"{result.Kind}: {string.Join(", ", result.Errors.Select(e => e.Field + " " + e.Code))}");
        return result.Value!;
    }

    public static void AssertError<T>(Result<T> result, string field, string code)
    {
        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    /// <summary>Records every request; answers with what <see cref="Next"/> says.</summary>
    public sealed class RecordingCaller : ISkillEndpointCaller
    {
        public List<SkillEndpointRequest> Requests { get; } = [];

        public SkillEndpointOutcome Next { get; set; } = new(true, null, null, 200, """{"forecast":"晴"}""", [], TimeSpan.FromMilliseconds(42));

        public Task<SkillEndpointOutcome> CallAsync(SkillEndpointRequest request, CancellationToken ct = default)
        {
            Requests.Add(request);
            return Task.FromResult(Next);
        }
    }

    private sealed class FixedOptions(SecurityOptions value) : IOptionsMonitor<SecurityOptions>
    {
        public SecurityOptions CurrentValue => value;

        public SecurityOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SecurityOptions, string?> listener) => null;
    }
}
