using System.Net;
using StarStudio.Core.Security;
using StarStudio.Tests.Unit.Knowledge.Embeddings;

namespace StarStudio.Tests.Unit.Security;

/// <summary>SSRF rules for user-supplied URLs; host names resolve through a fake resolver, never real DNS.</summary>
public sealed class UrlSafetyTests
{
    private readonly List<string> resolved = [];

    private static readonly Dictionary<string, IPAddress[]> Zone = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api.example.test"] = [IPAddress.Parse("93.184.216.34")],
        ["intranet.example.test"] = [IPAddress.Parse("10.1.2.3")],
        ["mixed.example.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("192.168.1.10")],
        ["metadata.example.test"] = [IPAddress.Parse("169.254.169.254")],
        ["v6.example.test"] = [IPAddress.Parse("2606:4700:4700::1111")],
        ["ula.example.test"] = [IPAddress.Parse("fd12:3456:789a::1")],
    };

    private Task<IPAddress[]> Resolve(string host, CancellationToken ct)
    {
        resolved.Add(host);
        return Task.FromResult(Zone.TryGetValue(host, out var a) ? a : []);
    }

    private Task<UrlCheck> Check(string url, bool allowPrivate = false) => UrlSafety.CheckAsync(url, allowPrivate, Resolve);

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:9/v1")]
    [InlineData("http://127.1.2.3")]
    [InlineData("http://[::1]")]
    [InlineData("http://[::1]:8080/v1")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5")]
    [InlineData("http://172.16.0.1")]
    [InlineData("http://172.31.255.255")]
    [InlineData("http://192.168.0.1")]
    [InlineData("http://100.64.0.1")]
    [InlineData("http://100.127.255.254")]
    [InlineData("http://0.0.0.0")]
    [InlineData("http://224.0.0.1")]
    [InlineData("http://255.255.255.255")]
    [InlineData("http://[::]")]
    [InlineData("http://[::ffff:10.0.0.1]")]
    [InlineData("http://[::ffff:127.0.0.1]")]
    [InlineData("http://[::ffff:169.254.169.254]")]
    [InlineData("http://[fc00::1]")]
    [InlineData("http://[fd12:3456:789a::1]")]
    [InlineData("http://[fe80::1]")]
    [InlineData("http://[ff02::1]")]
    [InlineData("http://[64:ff9b::a00:1]")]
    [InlineData("http://[2002:a00:1::1]")]
    public async Task CheckAsync_InternalAddressLiteral_IsRefusedAsPrivateNetwork(string url)
    {
        var check = await Check(url);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
        Assert.Empty(resolved);
    }

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    public async Task CheckAsync_ObfuscatedLoopback_IsRefused(string url)
    {
        var check = await Check(url);

        // System.Uri reads decimal, hex, octal and short IPv4 forms as the address they denote.
        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
        Assert.Empty(resolved);
    }

    [Theory]
    [InlineData("http://intranet.example.test/v1")]
    [InlineData("https://metadata.example.test")]
    [InlineData("https://ula.example.test")]
    public async Task CheckAsync_HostResolvingToAPrivateAddress_IsRefused(string url)
    {
        var check = await Check(url);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
        Assert.Single(resolved);
    }

    [Fact]
    public async Task CheckAsync_HostWithOnePrivateAddressAmongPublicOnes_IsRefused()
    {
        var check = await Check("https://mixed.example.test");

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
    }

    [Theory]
    [InlineData("https://8.8.8.8/v1")]
    [InlineData("http://93.184.216.34:8080")]
    [InlineData("https://[2606:4700:4700::1111]/v1")]
    [InlineData("https://[::ffff:8.8.8.8]")]
    [InlineData("https://api.example.test/v1")]
    [InlineData("https://v6.example.test")]
    [InlineData("  https://api.example.test/v1  ")]
    [InlineData("http://172.32.0.1")]
    [InlineData("http://100.128.0.1")]
    public async Task CheckAsync_PublicAddress_IsAllowed(string url)
    {
        var check = await Check(url);

        Assert.True(check.Ok, check.Code);
        Assert.Null(check.Code);
        Assert.NotNull(check.Uri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9")]
    [InlineData("http://[::1]")]
    [InlineData("http://169.254.169.254")]
    [InlineData("http://intranet.example.test")]
    [InlineData("http://[::ffff:10.0.0.1]")]
    public async Task CheckAsync_PrivateAddressWhenPrivateNetworksAreAllowed_IsAllowed(string url)
    {
        var check = await Check(url, allowPrivate: true);

        Assert.True(check.Ok);
    }

    [Theory]
    [InlineData("ftp://example.test/file")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:25/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ws://api.example.test")]
    public async Task CheckAsync_SchemeOtherThanHttp_IsRefusedAsScheme(string url)
    {
        var check = await Check(url, allowPrivate: true);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.SchemeCode, check.Code);
        Assert.Empty(resolved);
    }

    [Theory]
    [InlineData("http://user:pw@api.example.test")]
    [InlineData("http://user@api.example.test")]
    [InlineData("http://@api.example.test")]
    [InlineData("https://api.example.test@127.0.0.1/")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("api.example.test/v1")]
    [InlineData("/v1/embeddings")]
    [InlineData("http://")]
    [InlineData("not a url")]
    public async Task CheckAsync_MalformedOrWithCredentials_IsRefusedAsInvalid(string url)
    {
        var check = await Check(url, allowPrivate: true);

        Assert.False(check.Ok);
        Assert.Contains(check.Code, new[] { UrlSafety.InvalidCode, UrlSafety.SchemeCode });
        Assert.Empty(resolved);
    }

    [Fact]
    public async Task CheckAsync_UserInfo_IsRefusedAsInvalid()
    {
        var check = await Check("http://user:pw@api.example.test");

        Assert.Equal(UrlSafety.InvalidCode, check.Code);
    }

    [Fact]
    public async Task CheckAsync_UnknownHost_IsRefusedAsUnresolvable()
    {
        var check = await Check("https://nowhere.example.test/v1", allowPrivate: true);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.UnresolvableCode, check.Code);
    }

    [Fact]
    public async Task CheckAsync_ResolverThrowsSocketException_IsRefusedAsUnresolvable()
    {
        var check = await UrlSafety.CheckAsync(
            "https://broken.example.test", allowPrivateNetworks: false, (_, _) => throw new System.Net.Sockets.SocketException(11001));

        Assert.Equal(UrlSafety.UnresolvableCode, check.Code);
    }

    [Fact]
    public async Task CheckAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UrlSafety.CheckAsync(
            "https://api.example.test", false, (_, ct) => Task.FromCanceled<IPAddress[]>(ct), cts.Token));
    }

    [Theory]
    [InlineData("10.255.255.255", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.16.0.0", true)]
    [InlineData("192.167.1.1", false)]
    [InlineData("198.18.0.1", true)]
    [InlineData("169.253.0.1", false)]
    [InlineData("::1", true)]
    [InlineData("fbff::1", false)]
    [InlineData("fec0::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("2002:808:808::1", false)]
    public void IsPrivateOrReserved_Boundaries_AreExact(string address, bool expected)
    {
        Assert.Equal(expected, UrlSafety.IsPrivateOrReserved(IPAddress.Parse(address)));
    }

    [Fact]
    public void CheckSyntax_AcceptsHttpAndHttpsWithoutResolving()
    {
        Assert.True(UrlSafety.CheckSyntax("https://api.example.test/v1").Ok);
        Assert.Equal(UrlSafety.SchemeCode, UrlSafety.CheckSyntax("ftp://api.example.test").Code);
        Assert.Equal(UrlSafety.InvalidCode, UrlSafety.CheckSyntax(null).Code);
    }

    [Fact]
    public async Task GuardedHandler_LoopbackServerWhenPrivateNetworksAreRefused_DoesNotConnect()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        server.Respond = _ => (HttpStatusCode.OK, "{}");
        using var http = new HttpClient(UrlSafety.CreateGuardedHandler(() => false));

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.BaseUrl + "/v1/models"));

        Assert.Contains("private or reserved", e.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GuardedHandler_HostRebindingToLoopback_DoesNotConnect()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        var port = new Uri(server.BaseUrl).Port;
        using var http = new HttpClient(UrlSafety.CreateGuardedHandler(() => false, (_, _) => Task.FromResult(new[] { IPAddress.Loopback })));

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://api.example.test:{port}/v1/models"));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GuardedHandler_LoopbackServerWhenPrivateNetworksAreAllowed_Connects()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        server.Respond = _ => (HttpStatusCode.OK, "{}");
        using var http = new HttpClient(UrlSafety.CreateGuardedHandler(() => true, (_, _) => Task.FromResult(new[] { IPAddress.Loopback })));
        var port = new Uri(server.BaseUrl).Port;

        using var response = await http.GetAsync($"http://api.example.test:{port}/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void CreateGuardedHandler_AbandonedResponse_IsNotDrained()
    {
        // A stopped chat answer must close the provider's stream, not read it to the end for connection reuse.
        using var handler = UrlSafety.CreateGuardedHandler(() => false);

        Assert.Equal(0, handler.MaxResponseDrainSize);
    }
}
