using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace StarStudio.Data.Knowledge.Embeddings;

/// <summary>Retries for the embeddings client: a busy (429) or briefly failing (5xx) server should not fail a whole document.</summary>
public static class EmbeddingHttpResilience
{
    /// <summary>Retries after the first attempt; with the default 1 s base delay and exponential backoff, about 7 s in all.</summary>
    public const int MaxRetries = 3;

    /// <summary>
    /// Retries transient failures (429, 408, 5xx, connection errors) up to <see cref="MaxRetries"/> times with exponential
    /// backoff and jitter, honouring <c>Retry-After</c>. A 4xx that is not 408/429 is the caller's mistake and is not
    /// retried; the embedder's own deadline (<see cref="OpenAiCompatibleEmbedder.Timeout"/>) bounds the whole sequence.
    /// </summary>
    public static IHttpClientBuilder AddEmbeddingRetries(this IHttpClientBuilder builder, TimeSpan? baseDelay = null)
    {
        builder.AddResilienceHandler("embedding-retries", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromSeconds(1),
            ShouldRetryAfterHeader = true,
        }));
        return builder;
    }
}
