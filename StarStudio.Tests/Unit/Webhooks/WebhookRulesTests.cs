using System.Text;
using System.Text.Json;
using StarStudio.Core.Security;
using StarStudio.Core.Webhooks;

namespace StarStudio.Tests.Unit.Webhooks;

public sealed class WebhookRulesTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"e1","type":"rating.created"}""");

    [Fact]
    public void Sign_OneSecret_IsStripeStyleHeaderTheReceiverVerifies()
    {
        var header = WebhookRules.Sign(["whsec_a"], 1_700_000_000, Body);

        Assert.Matches("^t=1700000000,v1=[0-9a-f]{64}$", header);
        Assert.Equal(TimestampedSignature.Sign("whsec_a", 1_700_000_000, Body), header);
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify("whsec_a", header, Body, DateTimeOffset.FromUnixTimeSeconds(1_700_000_010), TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureVerdict.BadSignature, TimestampedSignature.Verify("whsec_b", header, Body, DateTimeOffset.FromUnixTimeSeconds(1_700_000_010), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Sign_DigestIsHmacOfTimestampDotBody()
    {
        var header = WebhookRules.Sign(["s"], 42, Body);
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes("s"));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("42.").Concat(Body).ToArray()));

        Assert.Equal("t=42,v1=" + expected, header);
    }

    [Fact]
    public void Sign_TwoSecrets_CarriesAV1ForEachAndBothVerify()
    {
        var header = WebhookRules.Sign(["new", "old"], 100, Body);

        Assert.Equal(2, header.Split(",v1=").Length - 1);
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify("new", header, Body, DateTimeOffset.FromUnixTimeSeconds(100), TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureVerdict.Ok, TimestampedSignature.Verify("old", header, Body, DateTimeOffset.FromUnixTimeSeconds(100), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void SigningSecrets_InsideOverlap_BothAfterOverlap_CurrentOnly()
    {
        var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(["cur", "prev"], WebhookRules.SigningSecrets("cur", "prev", now.AddHours(1), now));
        Assert.Equal(["cur"], WebhookRules.SigningSecrets("cur", "prev", now.AddSeconds(-1), now));
        Assert.Equal(["cur"], WebhookRules.SigningSecrets("cur", "prev", now, now));
        Assert.Equal(["cur"], WebhookRules.SigningSecrets("cur", null, null, now));
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(10, 15360)]
    [InlineData(11, 30720)]
    [InlineData(12, 43200)] // capped at 12 h
    [InlineData(40, 43200)]
    public void BaseDelay_DoublesFrom30SecondsUpTo12Hours(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRules.BaseDelay(attempt));

    [Fact]
    public void NextAttempt_JitterStaysBetweenHalfAndAllOfTheDelay()
    {
        var created = DateTimeOffset.UnixEpoch;
        var now = created.AddMinutes(5);

        Assert.Equal(now.AddMinutes(1), WebhookRules.NextAttempt(3, created, now, TimeSpan.FromDays(3), 0));
        Assert.Equal(now.AddMinutes(1.5), WebhookRules.NextAttempt(3, created, now, TimeSpan.FromDays(3), 0.5));
        Assert.Equal(now.AddMinutes(2), WebhookRules.NextAttempt(3, created, now, TimeSpan.FromDays(3), 1));
    }

    [Fact]
    public void NextAttempt_WholeSchedule_RetriesForThreeDaysThenGivesUp()
    {
        var created = DateTimeOffset.UnixEpoch;
        var now = created;
        var attempts = 1;
        while (WebhookRules.NextAttempt(attempts, created, now, TimeSpan.FromDays(3), 1) is { } next)
        {
            Assert.True(next > now);
            now = next;
            attempts++;
        }

        // 30 s … 12 h (11 doublings, about 17 h), then 12-hourly until the window closes: 16 attempts, the last after 2.5 days.
        Assert.Equal(16, attempts);
        Assert.InRange(now - created, TimeSpan.FromDays(2.5), TimeSpan.FromDays(3));
    }

    [Fact]
    public void NextAttempt_PastTheWindow_IsNull() =>
        Assert.Null(WebhookRules.NextAttempt(1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(3), TimeSpan.FromDays(3), 0));

    [Fact]
    public void Body_HasIdTypeCreatedAtStarAndData()
    {
        var id = Guid.NewGuid();
        var star = Guid.NewGuid();
        var body = WebhookRules.Body(id, WebhookEvents.RatingCreated, DateTimeOffset.UnixEpoch, star, new { rating = 5 });
        using var doc = JsonDocument.Parse(body);

        Assert.Equal(id, doc.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("rating.created", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(star, doc.RootElement.GetProperty("star_id").GetGuid());
        Assert.Equal(5, doc.RootElement.GetProperty("data").GetProperty("rating").GetInt32());
        Assert.Equal(DateTimeOffset.UnixEpoch, doc.RootElement.GetProperty("created_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("", WebhookRules.UrlRequiredCode)]
    [InlineData("ftp://example.com/x", UrlSafety.SchemeCode)]
    [InlineData("https://user:pw@example.com/", UrlSafety.InvalidCode)]
    public void Validate_BadUrl_NamesTheReason(string url, string code) =>
        Assert.Contains(WebhookRules.Validate(url, [WebhookEvents.RatingCreated]), e => e.Field == "Url" && e.Code == code);

    [Fact]
    public void Validate_NoOrUnknownEvents_Refused()
    {
        Assert.Contains(WebhookRules.Validate("https://example.com/", []), e => e.Code == WebhookRules.EventsRequiredCode);
        Assert.Contains(WebhookRules.Validate("https://example.com/", ["webhook.test"]), e => e.Code == WebhookRules.EventUnknownCode);
        Assert.Empty(WebhookRules.Validate("https://example.com/", WebhookEvents.All.ToList()));
    }

    [Fact]
    public void GenerateSecret_IsLongRandomAndUrlSafe()
    {
        var a = WebhookRules.GenerateSecret();
        var b = WebhookRules.GenerateSecret();

        Assert.NotEqual(a, b);
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", a);
    }

    [Fact]
    public void Excerpt_KeepsFirstKilobyteAsTextWithoutNuls()
    {
        var bytes = Encoding.UTF8.GetBytes("<b>\0" + new string('x', 2000));

        var excerpt = WebhookRules.Excerpt(bytes);

        Assert.StartsWith("<b>x", excerpt, StringComparison.Ordinal);
        Assert.Equal(1023, excerpt.Length);
    }
}
