using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Data;
using StarStudio.Data.Security;
using StarStudio.Tests.Unit.Knowledge.Embeddings;

namespace StarStudio.Tests.Unit.Security;

/// <summary>The guarded handler checks the address it actually connects to, against a loopback server.</summary>
public sealed class GuardedHttpHandlerTests
{
    [Fact]
    public async Task GuardedHandler_LoopbackServerWhenPrivateNetworksAreRefused_DoesNotConnect()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        server.Respond = _ => (HttpStatusCode.OK, "{}");
        using var http = new HttpClient(GuardedHttpHandler.Create(() => false));

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
        using var http = new HttpClient(GuardedHttpHandler.Create(() => false, (_, _) => Task.FromResult(new[] { IPAddress.Loopback })));

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://api.example.test:{port}/v1/models"));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GuardedHandler_LoopbackServerWhenPrivateNetworksAreAllowed_Connects()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        server.Respond = _ => (HttpStatusCode.OK, "{}");
        using var http = new HttpClient(GuardedHttpHandler.Create(() => true, (_, _) => Task.FromResult(new[] { IPAddress.Loopback })));
        var port = new Uri(server.BaseUrl).Port;

        using var response = await http.GetAsync($"http://api.example.test:{port}/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void CreateGuardedHandler_AbandonedResponse_IsNotDrained()
    {
        // A stopped chat answer must close the provider's stream, not read it to the end for connection reuse.
        using var handler = GuardedHttpHandler.Create(() => false);

        Assert.Equal(0, handler.MaxResponseDrainSize);
    }

    [Fact]
    public async Task GuardedHandler_HostResolvingToMetadataWhenPrivateNetworksAreAllowed_DoesNotConnect()
    {
        using var http = new HttpClient(GuardedHttpHandler.Create(() => true, (_, _) => Task.FromResult(new[] { IPAddress.Parse("169.254.169.254") })));

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://api.example.test/latest/meta-data/"));

        Assert.Contains("metadata", e.Message, StringComparison.Ordinal);
        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
    }

    [Fact]
    public async Task NamedClients_ForUserSuppliedUrls_AllRefuseLoopback()
    {
        await using var server = new OpenAiCompatibleEmbedderTests.EmbeddingServer();
        await server.StartAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["StarStudio:Database:ConnectionString"] = "Host=unused" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddStarStudioData(configuration);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        // The skill client included: it calls marketplace endpoints that skill makers enter.
        foreach (var name in StarStudio.Data.DependencyInjection.GuardedHttpClients.Append(StarStudio.Data.Market.Calls.SkillEndpointCaller.HttpClientName).Append(StarStudio.Data.Webhooks.WebhookSender.HttpClientName))
        {
            using var http = factory.CreateClient(name);
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.BaseUrl + "/v1/models"));
            Assert.Contains("private or reserved", e.Message, StringComparison.Ordinal);
        }

        Assert.Empty(server.Requests);
    }
}
