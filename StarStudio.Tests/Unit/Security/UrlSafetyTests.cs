using System.Net;
using StarStudio.Core.Security;

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

    [Theory]
    [InlineData("169.254.169.254")]          // AWS, GCP, Azure, Oracle, OpenStack
    [InlineData("169.254.170.2")]            // ECS task metadata
    [InlineData("169.254.0.1")]              // the rest of IPv4 link-local
    [InlineData("100.100.100.200")]          // Alibaba Cloud
    [InlineData("fd00:ec2::254")]            // AWS over IPv6
    [InlineData("fe80::a9fe:a9fe")]          // IPv6 link-local
    [InlineData("::ffff:169.254.169.254")]   // IPv4-mapped
    [InlineData("::ffff:0:169.254.169.254")] // IPv4-translated
    [InlineData("::169.254.169.254")]        // IPv4-compatible
    [InlineData("64:ff9b::169.254.169.254")] // NAT64
    [InlineData("2002:a9fe:a9fe::1")]        // 6to4
    public async Task CheckAsync_MetadataAddressWhenPrivateNetworksAreAllowed_IsStillRefused(string address)
    {
        Assert.True(UrlSafety.IsMetadataAddress(IPAddress.Parse(address)));

        var ip = IPAddress.Parse(address);
        var host = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();

        var check = await Check($"http://{host}/latest/meta-data/", allowPrivate: true);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
    }

    [Fact]
    public async Task CheckAsync_HostResolvingToMetadataWhenPrivateNetworksAreAllowed_IsRefused()
    {
        var check = await Check("https://metadata.example.test", allowPrivate: true);

        Assert.False(check.Ok);
        Assert.Equal(UrlSafety.PrivateNetworkCode, check.Code);
    }

    [Theory]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("fd12::1", false)]
    [InlineData("100.100.100.201", false)]
    [InlineData("169.253.255.255", false)]
    [InlineData("169.255.0.0", false)]
    [InlineData("fec0::1", false)]
    [InlineData("fd00:ec2::253", false)]
    [InlineData("169.254.255.255", true)]
    [InlineData("febf:ffff::1", true)]
    public void IsMetadataAddress_Boundaries_AreExact(string address, bool expected)
    {
        Assert.Equal(expected, UrlSafety.IsMetadataAddress(IPAddress.Parse(address)));
    }

    [Fact]
    public void FirstRefused_PrivateAllowed_ReturnsOnlyTheMetadataAddress()
    {
        IPAddress[] addresses = [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("169.254.169.254")];

        Assert.Equal(IPAddress.Parse("169.254.169.254"), UrlSafety.FirstRefused(addresses, allowPrivateNetworks: true));
        Assert.Equal(IPAddress.Parse("10.0.0.5"), UrlSafety.FirstRefused(addresses, allowPrivateNetworks: false));
        Assert.Null(UrlSafety.FirstRefused([IPAddress.Parse("10.0.0.5")], allowPrivateNetworks: true));
    }

    [Theory]
    // ::ffff:0:0/96, IPv4-mapped: judged by the embedded IPv4.
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:100.64.0.1", true)]
    [InlineData("::ffff:198.18.0.1", true)]
    // ::ffff:0:0:0/96, IPv4-translated: judged by the embedded IPv4 (it was taken for a public IPv6 address).
    [InlineData("::ffff:0:8.8.8.8", false)]
    [InlineData("::ffff:0:127.0.0.1", true)]
    [InlineData("::ffff:0:10.0.0.1", true)]
    // ::/96 IPv4-compatible (deprecated): refused whatever it embeds.
    [InlineData("::8.8.8.8", true)]
    // 64:ff9b::/96 NAT64 and 2002::/16 6to4: judged by the embedded IPv4; 64:ff9b:1::/48 is local.
    [InlineData("64:ff9b::8.8.8.8", false)]
    [InlineData("64:ff9b::10.0.0.1", true)]
    [InlineData("64:ff9b:1::808:808", true)]
    [InlineData("2002:0808:0808::1", false)]
    [InlineData("2002:c0a8:0101::1", true)]
    // 2001::/32 Teredo: a tunnel that reaches any IPv4 address, private ones included.
    [InlineData("2001::1", true)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", true)]
    [InlineData("2001:1::1", false)]
    // Other special-purpose ranges of 2000::/3.
    [InlineData("2001:2::1", true)]
    [InlineData("2001:2:1::1", false)]
    [InlineData("2001:10::1", true)]
    [InlineData("2001:20::1", true)]
    [InlineData("2001:30::1", false)]
    [InlineData("2001:db8::1", true)]
    [InlineData("3fff::1", true)]
    [InlineData("3fff:1000::1", false)]
    [InlineData("2606:4700:4700::1111", false)]
    [InlineData("2a00:1450:4001::200e", false)]
    // Outside 2000::/3 nothing is global unicast.
    [InlineData("100::1", true)]
    [InlineData("4000::1", true)]
    [InlineData("1fff:ffff::1", true)]
    [InlineData("fbff::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("ff0e::1", true)]
    public void IsPrivateOrReserved_Ipv6Ranges_AreClassified(string address, bool expected)
    {
        Assert.Equal(expected, UrlSafety.IsPrivateOrReserved(IPAddress.Parse(address)));
    }
}
