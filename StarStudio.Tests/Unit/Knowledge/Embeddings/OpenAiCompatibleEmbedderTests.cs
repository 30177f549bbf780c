using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Tests.Unit.Knowledge.Embeddings;

/// <summary>The OpenAI-compatible embedder against a real HTTP server on loopback.</summary>
public sealed class OpenAiCompatibleEmbedderTests : IAsyncLifetime
{
    private readonly EmbeddingServer server = new();
    private readonly HttpClient http = new();

    public Task InitializeAsync() => server.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private EmbeddingModel Model(int dimension = 4, string? baseUrl = null) => new()
    {
        Name = "text-embedding-test",
        Provider = EmbeddingProviders.OpenAi,
        Dimension = dimension,
        BaseUrl = baseUrl ?? server.BaseUrl,
    };

    [Fact]
    public async Task GenerateAsync_PostsModelAndInputsWithBearerKey_AndReturnsVectorsInOrder()
    {
        server.Respond = request => EmbeddingServer.Vectors(request, 4, reverse: true);
        var embedder = new OpenAiCompatibleEmbedder(http, Model(), "sk-test");

        var result = await embedder.GenerateAsync(["alpha", "beta", "gamma"]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("Bearer sk-test", request.Authorization);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("text-embedding-test", (string?)body["model"]);
        Assert.Equal(["alpha", "beta", "gamma"], body["input"]!.AsArray().Select(n => (string)n!).ToArray());
        // The server answers in reverse order; the index field puts the vectors back.
        Assert.Equal([0f, 1f, 2f], result.Select(e => e.Vector.Span[0]).ToArray());
        Assert.All(result, e => Assert.Equal("text-embedding-test", e.ModelId));
        Assert.Equal(3, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_SplitsIntoBatches()
    {
        server.Respond = request => EmbeddingServer.Vectors(request, 4);
        var embedder = new OpenAiCompatibleEmbedder(http, Model(), apiKey: null, batchSize: 2);

        var result = await embedder.GenerateAsync(["a", "b", "c", "d", "e"]);

        Assert.Equal(5, result.Count);
        Assert.Equal([2, 2, 1], server.Requests.Select(r => JsonNode.Parse(r.Body)!["input"]!.AsArray().Count).ToArray());
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
        Assert.Equal([0f, 1f, 0f, 1f, 0f], result.Select(e => e.Vector.Span[0]).ToArray());
    }

    [Theory]
    [InlineData("", "/v1/embeddings")]
    [InlineData("/", "/v1/embeddings")]
    [InlineData("/v1", "/v1/embeddings")]
    [InlineData("/v1/", "/v1/embeddings")]
    [InlineData("/ollama", "/ollama/v1/embeddings")]
    public void EndpointFor_AcceptsBaseUrlsWithOrWithoutV1(string path, string expected)
    {
        Assert.Equal(expected, OpenAiCompatibleEmbedder.EndpointFor(new Uri("http://127.0.0.1:9" + path)).AbsolutePath);
    }

    [Fact]
    public async Task GenerateAsync_ErrorStatus_ThrowsWithStatusAndServerMessage()
    {
        server.Respond = _ => (HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}""");
        var embedder = new OpenAiCompatibleEmbedder(http, Model(), "wrong");

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["x"]));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_WrongDimension_Throws()
    {
        server.Respond = request => EmbeddingServer.Vectors(request, 3);
        var embedder = new OpenAiCompatibleEmbedder(http, Model(dimension: 4), apiKey: null);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["x"]));

        Assert.Contains("3-dimensional", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 dimensions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NotAnEmbeddingsResponse_Throws()
    {
        server.Respond = _ => (HttpStatusCode.OK, "<html>proxy login</html>");
        var embedder = new OpenAiCompatibleEmbedder(http, Model(), apiKey: null);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["x"]));

        Assert.Contains("not an embeddings response", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_SlowServer_TimesOutWithAClearError()
    {
        server.Delay = TimeSpan.FromSeconds(5);
        server.Respond = request => EmbeddingServer.Vectors(request, 4);
        var embedder = new OpenAiCompatibleEmbedder(http, Model(), apiKey: null, timeout: TimeSpan.FromMilliseconds(200));

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["x"]));

        Assert.Null(e.StatusCode);
        Assert.Contains("did not answer within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NobodyListening_ThrowsCouldNotBeReached()
    {
        var port = StarStudio.TestSupport.LoopbackPorts.Free();
        var embedder = new OpenAiCompatibleEmbedder(http, Model(baseUrl: $"http://127.0.0.1:{port}"), apiKey: null);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["x"]));

        Assert.Contains("could not be reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithoutUsableBaseUrl_Throws()
    {
        Assert.Throws<ArgumentException>(() => new OpenAiCompatibleEmbedder(http, Model(baseUrl: ""), null));
        Assert.Throws<ArgumentException>(() => new OpenAiCompatibleEmbedder(http, Model(baseUrl: "ftp://example.test"), null));
    }

    private HttpClient RetryingClient()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(OpenAiCompatibleEmbedder.HttpClientName).AddEmbeddingRetries(TimeSpan.FromMilliseconds(1));
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(OpenAiCompatibleEmbedder.HttpClientName);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task GenerateAsync_TransientFailuresAreRetried_AndTheThirdAttemptSucceeds(HttpStatusCode transient)
    {
        var calls = 0;
        server.Respond = request => Interlocked.Increment(ref calls) <= 2 ? (transient, "{\"error\":{\"message\":\"busy\"}}") : EmbeddingServer.Vectors(request, 4);
        var embedder = new OpenAiCompatibleEmbedder(RetryingClient(), Model(), null);

        var result = await embedder.GenerateAsync(["alpha"]);

        Assert.Single(result);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_ServerThatStaysDown_FailsAfterTheRetriesWithTheStatus()
    {
        server.Respond = _ => (HttpStatusCode.InternalServerError, "down");
        var embedder = new OpenAiCompatibleEmbedder(RetryingClient(), Model(), null);

        var error = await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["alpha"]));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(1 + EmbeddingHttpResilience.MaxRetries, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_ClientError_IsNotRetried()
    {
        server.Respond = _ => (HttpStatusCode.BadRequest, "{\"error\":{\"message\":\"bad input\"}}");
        var embedder = new OpenAiCompatibleEmbedder(RetryingClient(), Model(), null);

        await Assert.ThrowsAsync<EmbeddingServiceException>(() => embedder.GenerateAsync(["alpha"]));

        Assert.Single(server.Requests);
    }

    /// <summary>A minimal HTTP/1.1 server on 127.0.0.1 that records requests and answers with <see cref="Respond"/>.</summary>
    internal sealed class EmbeddingServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private Task? loop;

        public sealed record Request(string Method, string Path, string? Authorization, string Body);

        public ConcurrentQueue<Request> Requests { get; } = new();

        public Func<Request, (HttpStatusCode Status, string Body)> Respond { get; set; } = _ => (HttpStatusCode.NotFound, "");

        public TimeSpan Delay { get; set; }

        public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        /// <summary>An OpenAI embeddings response with one vector per input; element 0 is the input's index.</summary>
        public static (HttpStatusCode, string) Vectors(Request request, int dimension, bool reverse = false)
        {
            var inputs = JsonNode.Parse(request.Body)!["input"]!.AsArray().Count;
            var items = Enumerable.Range(0, inputs).Select(i => new
            {
                @object = "embedding",
                index = i,
                embedding = Enumerable.Range(0, dimension).Select(d => d == 0 ? (float)i : 0.5f).ToArray(),
            });
            if (reverse)
            {
                items = items.Reverse();
            }

            var body = JsonSerializer.Serialize(new
            {
                @object = "list",
                data = items.ToArray(),
                model = "server-side-name",
                usage = new { prompt_tokens = inputs, total_tokens = inputs },
            });
            return (HttpStatusCode.OK, body);
        }

        public Task StartAsync()
        {
            listener.Start();
            loop = Task.Run(AcceptLoopAsync);
            return Task.CompletedTask;
        }

        private async Task AcceptLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                while (true)
                {
                    var headerBytes = new List<byte>();
                    while (!EndsWithBlankLine(headerBytes))
                    {
                        var b = new byte[1];
                        if (await stream.ReadAsync(b, stop.Token) == 0)
                        {
                            return;
                        }

                        headerBytes.Add(b[0]);
                    }

                    var lines = Encoding.ASCII.GetString(headerBytes.ToArray()).Split("\r\n");
                    var requestLine = lines[0].Split(' ');
                    var headers = lines.Skip(1).Where(l => l.Contains(':'))
                        .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
                    var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
                    var body = new byte[length];
                    var read = 0;
                    while (read < length)
                    {
                        var n = await stream.ReadAsync(body.AsMemory(read), stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        read += n;
                    }

                    var request = new Request(requestLine[0], requestLine[1], headers.GetValueOrDefault("Authorization"), Encoding.UTF8.GetString(body));
                    Requests.Enqueue(request);
                    if (Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(Delay, stop.Token);
                    }

                    var (status, responseBody) = Respond(request);
                    var payload = Encoding.UTF8.GetBytes(responseBody);
                    var head = $"HTTP/1.1 {(int)status} {status}\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                    await stream.WriteAsync(payload, stop.Token);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }

        private static bool EndsWithBlankLine(List<byte> bytes) =>
            bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            if (loop is not null)
            {
                await loop;
            }

            stop.Dispose();
        }
    }
}
