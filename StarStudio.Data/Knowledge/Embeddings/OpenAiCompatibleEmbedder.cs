using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using StarStudio.Core.Knowledge;

namespace StarStudio.Data.Knowledge.Embeddings;

/// <summary>
/// An embedding model behind any OpenAI-compatible <c>POST {baseUrl}/v1/embeddings</c> (OpenAI, vLLM, Ollama,
/// DeepSeek, Qwen …). Inputs go in batches of <see cref="BatchSize"/>; every returned vector must have the
/// dimension the model is registered with, since the database indexes vectors per dimension.
/// </summary>
public sealed class OpenAiCompatibleEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client this generator uses.</summary>
    public const string HttpClientName = "StarStudio.Embeddings";

    public const int DefaultBatchSize = 64;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly string? apiKey;

    /// <param name="http">A client from <see cref="IHttpClientFactory"/>; not disposed here.</param>
    /// <param name="model">The registered model: name, dimension and base URL.</param>
    /// <param name="apiKey">The plain API key, or null for servers that need none.</param>
    public OpenAiCompatibleEmbedder(HttpClient http, EmbeddingModel model, string? apiKey, int batchSize = DefaultBatchSize, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (string.IsNullOrWhiteSpace(model.BaseUrl)
            || !Uri.TryCreate(model.BaseUrl.Trim(), UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Embedding model '{model.Name}' needs an absolute http(s) base URL, not '{model.BaseUrl}'.", nameof(model));
        }

        this.http = http;
        this.apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
        ModelName = model.Name;
        Dimension = model.Dimension;
        BatchSize = batchSize;
        Timeout = timeout ?? DefaultTimeout;
        Endpoint = EndpointFor(baseUri);
        Metadata = new EmbeddingGeneratorMetadata(EmbeddingProviders.OpenAi, baseUri, model.Name, model.Dimension);
    }

    public string ModelName { get; }

    public int Dimension { get; }

    public int BatchSize { get; }

    /// <summary>How long one request (one batch) may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The URL requests go to.</summary>
    public Uri Endpoint { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary><c>{baseUrl}/v1/embeddings</c>, accepting base URLs given with or without the <c>/v1</c>.</summary>
    public static Uri EndpointFor(Uri baseUri)
    {
        var path = baseUri.AbsolutePath.TrimEnd('/');
        path += path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? "/embeddings" : "/v1/embeddings";
        return new UriBuilder(baseUri) { Path = path, Query = "", Fragment = "" }.Uri;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimension)
        {
            throw new ArgumentException($"Model '{ModelName}' is registered with {Dimension} dimensions, not {requested}.", nameof(options));
        }

        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        long? inputTokens = null;
        long? totalTokens = null;
        for (var start = 0; start < inputs.Count; start += BatchSize)
        {
            var batch = new string[Math.Min(BatchSize, inputs.Count - start)];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = inputs[start + i] ?? "";
            }

            var response = await PostAsync(batch, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            foreach (var vector in Vectors(response, batch.Length))
            {
                result.Add(new Embedding<float>(vector) { ModelId = ModelName, CreatedAt = now });
            }

            if (response.Usage is { } usage)
            {
                inputTokens = (inputTokens ?? 0) + usage.PromptTokens;
                totalTokens = (totalTokens ?? 0) + usage.TotalTokens;
            }
        }

        if (inputTokens is not null)
        {
            result.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = totalTokens };
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private async Task<EmbeddingsResponse> PostAsync(string[] batch, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        // A buffered body with Content-Length: some OpenAI-compatible servers and proxies reject chunked requests.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new EmbeddingsRequest(ModelName, batch), Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                throw new EmbeddingServiceException(
                    $"Embedding model '{ModelName}' at {Endpoint} answered HTTP {(int)response.StatusCode} ({response.ReasonPhrase}): {ErrorMessage(body)}",
                    response.StatusCode);
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<EmbeddingsResponse>(Json, timeout.Token)
                    ?? throw new EmbeddingServiceException($"Embedding model '{ModelName}' at {Endpoint} returned an empty body.", response.StatusCode);
            }
            catch (JsonException e)
            {
                throw new EmbeddingServiceException($"Embedding model '{ModelName}' at {Endpoint} returned a body that is not an embeddings response: {e.Message}", response.StatusCode, e);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new EmbeddingServiceException($"Embedding model '{ModelName}' at {Endpoint} did not answer within {Timeout.TotalSeconds:0.#} s.", statusCode: null, e);
        }
        catch (HttpRequestException e)
        {
            throw new EmbeddingServiceException($"Embedding model '{ModelName}' at {Endpoint} could not be reached: {e.Message}", e.StatusCode, e);
        }
    }

    private IEnumerable<float[]> Vectors(EmbeddingsResponse response, int expected)
    {
        var data = response.Data ?? [];
        if (data.Count != expected)
        {
            throw new EmbeddingServiceException($"Embedding model '{ModelName}' returned {data.Count} vectors for {expected} inputs.", HttpStatusCode.OK);
        }

        var ordered = new float[expected][];
        for (var i = 0; i < data.Count; i++)
        {
            var item = data[i];
            var index = item.Index ?? i;
            if ((uint)index >= (uint)expected || ordered[index] is not null)
            {
                throw new EmbeddingServiceException($"Embedding model '{ModelName}' returned a vector with a bad index {index}.", HttpStatusCode.OK);
            }

            var vector = item.Embedding ?? [];
            if (vector.Length != Dimension)
            {
                throw new EmbeddingServiceException(
                    $"Embedding model '{ModelName}' returned {vector.Length}-dimensional vectors, but it is registered with {Dimension} dimensions.",
                    HttpStatusCode.OK);
            }

            ordered[index] = vector;
        }

        return ordered;
    }

    // The OpenAI error shape is {"error":{"message":...}}; other servers send text. Either way keep it short.
    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return Truncate(message.GetString()!);
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    return Truncate(error.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(body) ? "(no body)" : Truncate(body);
    }

    private static string Truncate(string s) => s.Length <= 300 ? s.Trim() : s[..300].Trim() + "…";

    private sealed record EmbeddingsRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("input")] string[] Input);

    private sealed class EmbeddingsResponse
    {
        [JsonPropertyName("data")]
        public List<EmbeddingItem>? Data { get; set; }

        [JsonPropertyName("model")]
        public string? Model { get; set; }

        [JsonPropertyName("usage")]
        public EmbeddingUsage? Usage { get; set; }
    }

    private sealed class EmbeddingItem
    {
        [JsonPropertyName("index")]
        public int? Index { get; set; }

        [JsonPropertyName("embedding")]
        public float[]? Embedding { get; set; }
    }

    private sealed class EmbeddingUsage
    {
        [JsonPropertyName("prompt_tokens")]
        public long PromptTokens { get; set; }

        [JsonPropertyName("total_tokens")]
        public long TotalTokens { get; set; }
    }
}

/// <summary>An embedding server refused, failed or answered something unusable; the message says which and how.</summary>
public sealed class EmbeddingServiceException(string message, HttpStatusCode? statusCode, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status the server answered with; null when it was not reached or did not answer in time.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
