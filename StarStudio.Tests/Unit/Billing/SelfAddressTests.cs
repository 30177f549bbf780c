using StarStudio.Web.Billing;

namespace StarStudio.Tests.Unit.Billing;

public sealed class SelfAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5055", "/", "http://127.0.0.1:5055/")]
    [InlineData("http://+:8080", "/", "http://localhost:8080/")]
    [InlineData("http://*:8080", "/studio-app/", "http://localhost:8080/studio-app/")]
    [InlineData("http://0.0.0.0:80", "/", "http://localhost/")]
    [InlineData("http://[::]:8080", "/", "http://localhost:8080/")]
    public void From_AListeningAddress_GivesALoopbackUrlWithThePathBase(string listening, string pathBase, string expected) =>
        Assert.Equal(expected, SelfAddress.From([listening], pathBase)!.AbsoluteUri);

    [Fact]
    public void From_PrefersPlainHttp_AndNeverTheRequestsHost()
    {
        Assert.Equal("http://localhost:8080/", SelfAddress.From(["https://localhost:8443", "http://localhost:8080"], "/")!.AbsoluteUri);
        Assert.Null(SelfAddress.From([], "/"));
        Assert.Null(SelfAddress.From((IEnumerable<string>?)null, "/"));
    }
}
