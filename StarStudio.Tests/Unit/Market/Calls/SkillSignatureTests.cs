using StarStudio.Core.Security;
using System.Text;
using StarStudio.Core.Market.Calls;

namespace StarStudio.Tests.Unit.Market.Calls;

/// <summary>The call signature against fixed vectors (computed independently with Python's hmac), and the verifier's refusals.</summary>
public sealed class SkillSignatureTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Header_FixedVector_MatchesHmacSha256OfTimeDotBody()
    {
        var header = SkillSignature.Header("whsec_test", 1_700_000_000, Encoding.UTF8.GetBytes("{\"a\":1}"));

        Assert.Equal("t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789", header);
    }

    [Fact]
    public void Compute_Utf8SecretAndBody_MatchesFixedVector()
    {
        var v1 = SkillSignature.Compute("密钥-secret", 1_733_400_000, Encoding.UTF8.GetBytes("{\"city\":\"北京\"}"));

        Assert.Equal("6cb2674bfaee7c073be171f2aabc4d2f3d57d40c2962b04d74e0ce96516d14c4", v1);
    }

    [Fact]
    public void Verify_OwnSignatureWithinTolerance_IsValid()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var header = SkillSignature.Header("whsec_test", At.ToUnixTimeSeconds(), body);

        Assert.Equal(SignatureVerdict.Ok, SkillSignature.Verify("whsec_test", header, body, At.AddMinutes(4)));
        Assert.Equal(SignatureVerdict.Ok, SkillSignature.Verify("whsec_test", header, body, At.AddMinutes(-4)));
    }

    [Fact]
    public void Verify_OutsideTheWindow_IsExpired()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var header = SkillSignature.Header("s", At.ToUnixTimeSeconds(), body);

        Assert.Equal(SignatureVerdict.Expired, SkillSignature.Verify("s", header, body, At.AddSeconds(301)));
        Assert.Equal(SignatureVerdict.Ok, SkillSignature.Verify("s", header, body, At.AddSeconds(301), TimeSpan.FromMinutes(10)));
    }

    [Theory]
    [InlineData("{\"a\":2}", "whsec_test")]
    [InlineData("{\"a\":1}", "whsec_other")]
    [InlineData("{\"a\":1} ", "whsec_test")]
    public void Verify_ChangedBodyOrWrongSecret_IsMismatch(string body, string secret)
    {
        var header = SkillSignature.Header("whsec_test", At.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes("{\"a\":1}"));

        Assert.Equal(SignatureVerdict.BadSignature, SkillSignature.Verify(secret, header, Encoding.UTF8.GetBytes(body), At));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789")]
    [InlineData("t=1700000000")]
    [InlineData("t=abc,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789")]
    [InlineData("t=1700000000,v1=short")]
    public void Verify_Malformed_IsRefused(string? header)
    {
        Assert.Equal(SignatureVerdict.Malformed, SkillSignature.Verify("whsec_test", header, Encoding.UTF8.GetBytes("{\"a\":1}"), At));
    }

    [Fact]
    public void Verify_SecondV1ForARotatedSecret_IsAccepted()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var header = "t=1700000000,v1=" + new string('0', 64) + ",v1=" + SkillSignature.Compute("whsec_test", 1_700_000_000, body).ToUpperInvariant();

        Assert.Equal(SignatureVerdict.Ok, SkillSignature.Verify("whsec_test", header, body, At));
    }
}
