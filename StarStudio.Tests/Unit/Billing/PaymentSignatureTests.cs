using StarStudio.Core.Security;
using System.Text;
using StarStudio.Core.Billing.Payments;

namespace StarStudio.Tests.Unit.Billing;

public sealed class PaymentSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event_id":"e1","order_no":"SS1","amount":10.0,"currency":"CNY","status":"paid"}""");

    [Fact]
    public void Sign_HasTheStripeShape_AndVerifies()
    {
        var header = PaymentSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.Matches("^t=1800000000,v1=[0-9a-f]{64}$", header);
        Assert.Equal(SignatureVerdict.Ok, PaymentSignature.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public void Verify_TamperedBody_IsRefused()
    {
        var header = PaymentSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("10.0", "0.01", StringComparison.Ordinal));

        Assert.Equal(SignatureVerdict.BadSignature, PaymentSignature.Verify(Secret, header, tampered, Now));
    }

    [Fact]
    public void Verify_TamperedTimestamp_IsRefused()
    {
        var header = PaymentSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var moved = header.Replace("t=1800000000", "t=1800000001", StringComparison.Ordinal);

        Assert.Equal(SignatureVerdict.BadSignature, PaymentSignature.Verify(Secret, moved, Body, Now));
    }

    [Fact]
    public void Verify_OtherSecret_IsRefused()
    {
        var header = PaymentSignature.Sign("whsec_other", Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureVerdict.BadSignature, PaymentSignature.Verify(Secret, header, Body, Now));
    }

    [Theory]
    [InlineData(-299, SignatureVerdict.Ok)]
    [InlineData(-300, SignatureVerdict.Ok)]
    [InlineData(-301, SignatureVerdict.Expired)]
    [InlineData(300, SignatureVerdict.Ok)]
    [InlineData(301, SignatureVerdict.Expired)]
    [InlineData(-86_400, SignatureVerdict.Expired)]
    public void Verify_Timestamp_IsWithinFiveMinutesEitherWay(int offsetSeconds, SignatureVerdict expected)
    {
        var header = PaymentSignature.Sign(Secret, Now.ToUnixTimeSeconds() + offsetSeconds, Body);

        Assert.Equal(expected, PaymentSignature.Verify(Secret, header, Body, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=1800000000")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1800000000,v1=00")]
    [InlineData("t=1800000000,v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_MalformedHeader_IsRefused(string? header)
    {
        Assert.Equal(SignatureVerdict.Malformed, PaymentSignature.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public void Verify_AnyOfSeveralV1_Matches()
    {
        var good = PaymentSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var header = $"t={Now.ToUnixTimeSeconds()},v1={new string('0', 64)},{good.Split(',')[1]}";

        Assert.Equal(SignatureVerdict.Ok, PaymentSignature.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public void PaymentEvent_RoundTrips_AndRefusesUnknownStatus()
    {
        var evt = new PaymentEvent("evt_1", "SS20261205", 12.5m, "CNY", "paid");

        var parsed = PaymentEvent.Parse(evt.ToJsonBytes());

        Assert.Equal(evt, parsed);
        Assert.Equal(PaymentEventStatus.Paid, parsed!.ParsedStatus);
        Assert.Null(PaymentEvent.Parse(new PaymentEvent("evt_1", "SS1", 1m, "CNY", "refunded").ToJsonBytes()));
        Assert.Null(PaymentEvent.Parse("not json"u8));
        Assert.Equal(12.5m, PaymentEvent.Parse("""{"event_id":"e","order_no":"o","amount":"12.5000","currency":"CNY","status":"declined"}"""u8)!.Amount);
    }
}
