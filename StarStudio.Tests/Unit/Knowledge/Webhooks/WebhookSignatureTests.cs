using System.Security.Cryptography;
using System.Text;
using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Tests.Unit.Knowledge.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"title":"Hello","text":"World"}""");

    private static string Ts(TimeSpan offset) => (Now + offset).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Sign_KnownVector_MatchesAnIndependentHmac()
    {
        var expected = Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1700000000.").Concat(Body).ToArray()));

        var signature = WebhookSignature.Sign(Secret, 1_700_000_000, Body);

        Assert.Equal("sha256=" + expected, signature);
        // Computed outside .NET (Python hmac): a change to the wire format breaks senders, not just this test.
        Assert.Equal("sha256=741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7c", signature);
    }

    [Fact]
    public void Sign_AnyBody_IsPrefixedLowercaseHexOf64()
    {
        var signature = WebhookSignature.Sign(Secret, 1, []);

        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
    }

    [Fact]
    public void Verify_FreshSignedRequest_IsOk()
    {
        var ts = Ts(TimeSpan.Zero);

        Assert.Equal(WebhookVerdict.Ok, WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now));
    }

    [Theory]
    [InlineData(-4 * 60)]
    [InlineData(-5 * 60)]
    [InlineData(5 * 60)]
    public void Verify_WithinTolerance_IsOk(int seconds)
    {
        var ts = Ts(TimeSpan.FromSeconds(seconds));

        Assert.Equal(WebhookVerdict.Ok, WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now));
    }

    [Theory]
    [InlineData(-6 * 60)]
    [InlineData(-5 * 60 - 1)]
    [InlineData(5 * 60 + 1)]
    [InlineData(-365 * 24 * 3600)]
    public void Verify_OutsideTolerance_IsExpired(int seconds)
    {
        var ts = Ts(TimeSpan.FromSeconds(seconds));

        Assert.Equal(WebhookVerdict.Expired, WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now));
    }

    [Fact]
    public void Verify_CustomTolerance_IsApplied()
    {
        var ts = Ts(TimeSpan.FromMinutes(-2));
        var signature = WebhookSignature.Sign(Secret, ts, Body);

        Assert.Equal(WebhookVerdict.Expired, WebhookSignature.Verify(Secret, ts, signature, Body, Now, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(null, "sha256=00")]
    [InlineData("", "sha256=00")]
    [InlineData("1700000000", null)]
    [InlineData("1700000000", "  ")]
    public void Verify_MissingHeader_IsMissingHeaders(string? ts, string? signature)
    {
        Assert.Equal(WebhookVerdict.MissingHeaders, WebhookSignature.Verify(Secret, ts, signature, Body, Now));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1700000000.5")]
    [InlineData("-1700000000")]
    [InlineData("+1700000000")]
    [InlineData("1.7e9")]
    [InlineData("2023-11-14T22:13:20Z")]
    [InlineData("99999999999999999999999")]
    public void Verify_TimestampNotUnixSeconds_IsBadTimestamp(string ts)
    {
        Assert.Equal(WebhookVerdict.BadTimestamp, WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, 1_700_000_000, Body), Body, Now));
    }

    [Fact]
    public void Verify_TamperedBody_IsBadSignature()
    {
        var ts = Ts(TimeSpan.Zero);
        var signature = WebhookSignature.Sign(Secret, ts, Body);
        var tampered = Encoding.UTF8.GetBytes("""{"title":"Hello","text":"Worlds"}""");

        Assert.Equal(WebhookVerdict.BadSignature, WebhookSignature.Verify(Secret, ts, signature, tampered, Now));
    }

    [Fact]
    public void Verify_ChangedTimestamp_IsBadSignature()
    {
        var signature = WebhookSignature.Sign(Secret, Ts(TimeSpan.Zero), Body);

        Assert.Equal(WebhookVerdict.BadSignature, WebhookSignature.Verify(Secret, Ts(TimeSpan.FromSeconds(1)), signature, Body, Now));
    }

    [Fact]
    public void Verify_OtherSecret_IsBadSignature()
    {
        var ts = Ts(TimeSpan.Zero);

        Assert.Equal(WebhookVerdict.BadSignature, WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign("whsec_other", ts, Body), Body, Now));
    }

    [Theory]
    [InlineData("741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7c")]
    [InlineData("sha1=741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7c")]
    [InlineData("sha256=741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7")]
    [InlineData("sha256=741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7cc")]
    [InlineData("sha256=zz1c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7c")]
    [InlineData("sha256=dGhpcyBpcyBub3QgaGV4")]
    public void Verify_MalformedSignature_IsBadSignature(string signature)
    {
        Assert.Equal(WebhookVerdict.BadSignature, WebhookSignature.Verify(Secret, "1700000000", signature, Body, Now));
    }

    [Fact]
    public void Verify_UppercaseHexAndPrefix_IsOk()
    {
        var signature = WebhookSignature.Sign(Secret, 1_700_000_000, Body).ToUpperInvariant();

        Assert.Equal(WebhookVerdict.Ok, WebhookSignature.Verify(Secret, " 1700000000 ", signature, Body, Now));
    }

    [Fact]
    public void ReceiptKey_UpperAndLowerCaseSpellings_AreTheSameKey()
    {
        var signature = WebhookSignature.Sign(Secret, 1_700_000_000, Body);

        Assert.Equal("741c350b4c165be7c76bc5636fdee02800e513d34f10cebdcdb8282c4fdeac7c", WebhookSignature.ReceiptKey(signature));
        Assert.Equal(WebhookSignature.ReceiptKey(signature), WebhookSignature.ReceiptKey(signature.ToUpperInvariant()));
        Assert.Null(WebhookSignature.ReceiptKey("sha256=nothex"));
    }

    [Fact]
    public void GenerateSecret_Format_IsPrefixedBase64UrlOf32RandomBytes()
    {
        var secret = WebhookSignature.GenerateSecret();

        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(secret.AsSpan("whsec_".Length)).Length);
        Assert.NotEqual(secret, WebhookSignature.GenerateSecret());
    }

    [Theory]
    [InlineData(WebhookVerdict.MissingHeaders, "X-StarStudio-Timestamp")]
    [InlineData(WebhookVerdict.BadTimestamp, "seconds")]
    [InlineData(WebhookVerdict.Expired, "5 minutes")]
    [InlineData(WebhookVerdict.BadSignature, "HMAC-SHA256")]
    public void Describe_EachRefusal_SaysWhatIsWrong(WebhookVerdict verdict, string expected)
    {
        Assert.Contains(expected, WebhookSignature.Describe(verdict), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "sha256=" + "ab", WebhookVerdict.MissingHeaders)]
    [InlineData("0", null, WebhookVerdict.MissingHeaders)]
    [InlineData("12.5", "sha256=" + "ab", WebhookVerdict.BadTimestamp)]
    [InlineData("1", "sha256=" + "ab", WebhookVerdict.Expired)]
    [InlineData("now", "sha256=abc", WebhookVerdict.BadSignature)]
    [InlineData("now", "md5=0000000000000000000000000000000000000000000000000000000000000000", WebhookVerdict.BadSignature)]
    [InlineData("now", "sha256=0000000000000000000000000000000000000000000000000000000000000000", WebhookVerdict.Ok)]
    public void CheckHeaders_WithoutSecretOrBody_RefusesWhatCanNeverVerify(string? timestamp, string? signature, WebhookVerdict expected)
    {
        var ts = timestamp == "now" ? Ts(TimeSpan.Zero) : timestamp;

        Assert.Equal(expected, WebhookSignature.CheckHeaders(ts, signature, Now));
    }

    [Fact]
    public void CheckHeaders_WhatVerifyRefusesWithoutTheMac_AgreesWithVerify()
    {
        string?[] timestamps = [null, "", "x", "1", Ts(TimeSpan.Zero), Ts(TimeSpan.FromMinutes(6))];
        string?[] signatures = [null, "sha256=zz", WebhookSignature.Sign(Secret, Ts(TimeSpan.Zero), Body)];
        foreach (var ts in timestamps)
        {
            foreach (var sig in signatures)
            {
                var headers = WebhookSignature.CheckHeaders(ts, sig, Now);
                if (headers != WebhookVerdict.Ok)
                {
                    Assert.Equal(headers, WebhookSignature.Verify(Secret, ts, sig, Body, Now));
                }
            }
        }
    }
}
