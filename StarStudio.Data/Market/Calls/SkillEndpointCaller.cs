using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StarStudio.Core.Arena;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Security;

namespace StarStudio.Data.Market.Calls;

/// <summary>
/// <see cref="ISkillEndpointCaller"/> over the named client <see cref="HttpClientName"/> (SSRF-guarded, redirects not
/// followed): signs the body, sends it, and checks the answer in order — status (3xx: redirect, else 2xx), content type
/// (JSON), size (at most <see cref="MarketCallOptions.MaxResponseBytes"/>, read no further), JSON, output schema — all within
/// <see cref="MarketCallOptions.CallTimeout"/>. Never throws for what the endpoint does.
/// </summary>
public sealed class SkillEndpointCaller(
    IHttpClientFactory clients,
    IOptionsMonitor<MarketCallOptions> options,
    IOptionsMonitor<SecurityOptions> security,
    TimeProvider clock) : ISkillEndpointCaller
{
    public const string HttpClientName = "StarStudio.Market.Skills";

    private const int MaxSchemaCache = 512;
    private static readonly ConcurrentDictionary<string, Result> Schemas = new(StringComparer.Ordinal);

    private sealed record Result(AcceptedSchema? Schema, string? Error);

    public async Task<SkillEndpointOutcome> CallAsync(SkillEndpointRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var settings = options.CurrentValue;
        SkillEndpointOutcome Fail(string code, string message, int? status = null, string? body = null, IReadOnlyList<string>? errors = null) =>
            new(false, code, message, status, body, errors ?? [], Stopwatch.GetElapsedTime(started));

        var endpoint = request.Endpoint;
        var allowPrivate = security.CurrentValue.AllowPrivateNetworkUrls;
        if (!endpoint.IsAbsoluteUri || !(endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && allowPrivate)))
        {
            return Fail(SkillCallCodes.Refused, $"The skill's endpoint must be an https URL (plain http only where private networks are allowed); it is '{endpoint}'.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            tool = request.ToolName,
            arguments = request.Arguments,
            star_id = request.StarId,
            conversation_id = request.ConversationId,
            request_id = request.RequestId,
        });
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.TryAddWithoutValidation(SkillSignature.HeaderName, SkillSignature.Header(request.SigningSecret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        message.Headers.TryAddWithoutValidation(SkillSignature.RequestIdHeaderName, request.RequestId);
        if (!string.IsNullOrWhiteSpace(request.AuthHeader) && request.AuthSecret is not null
            && !message.Headers.TryAddWithoutValidation(request.AuthHeader, request.AuthSecret))
        {
            return Fail(SkillCallCodes.Refused, $"The skill's auth header '{request.AuthHeader}' is not a header StarStudio can send.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.CallTimeout);
        try
        {
            var http = clients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                return Fail(SkillCallCodes.Redirect, $"The skill answered HTTP {status} (a redirect to '{response.Headers.Location}'); StarStudio does not follow redirects.", status);
            }

            if (status is < 200 or >= 300)
            {
                var preview = await ReadAsync(response, 512, timeout.Token);
                return Fail(SkillCallCodes.HttpError, $"The skill answered HTTP {status}.", status, preview.Text);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            {
                return Fail(SkillCallCodes.NotJson, $"The skill answered '{mediaType ?? "no content type"}', not application/json.", status);
            }

            var max = Math.Max(1, settings.MaxResponseBytes);
            if (response.Content.Headers.ContentLength is { } length && length > max)
            {
                return Fail(SkillCallCodes.TooLarge, $"The skill's answer has {length} bytes; at most {max} are accepted.", status);
            }

            var read = await ReadAsync(response, max, timeout.Token);
            if (read.Truncated)
            {
                return Fail(SkillCallCodes.TooLarge, $"The skill's answer is larger than {max} bytes; it was not read further.", status);
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(read.Text, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                return Fail(SkillCallCodes.NotJson, "The skill's answer is not valid JSON: " + e.Message, status, Preview(read.Text));
            }

            using (doc)
            {
                var schema = Accepted(request.OutputSchema);
                if (schema.Schema is null)
                {
                    return Fail(SkillCallCodes.SchemaViolation, "The skill's output schema is not a usable JSON Schema: " + schema.Error, status, Preview(read.Text));
                }

                var errors = AnswerSchemas.Evaluate(schema.Schema, doc.RootElement);
                if (errors.Count > 0)
                {
                    var list = errors.Select(e => $"{(e.Pointer.Length == 0 ? "/" : e.Pointer)}: {e.Message}").ToList();
                    return Fail(SkillCallCodes.SchemaViolation, "The skill's answer does not match its output schema: " + string.Join("; ", list.Take(3)), status, Preview(read.Text), list);
                }
            }

            return new SkillEndpointOutcome(true, null, null, status, read.Text, [], Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Fail(SkillCallCodes.Timeout, $"The skill did not answer within {settings.CallTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            return IsGuardRefusal(e)
                ? Fail(SkillCallCodes.Refused, "StarStudio does not call this endpoint: " + e.Message)
                : Fail(SkillCallCodes.Unreachable, "The skill's endpoint could not be reached: " + e.Message);
        }
        catch (IOException e)
        {
            return Fail(SkillCallCodes.Unreachable, "The connection to the skill broke: " + e.Message);
        }
    }

    /// <summary>The output schema accepted once per text (building a schema costs far more than evaluating it).</summary>
    private static Result Accepted(string? text)
    {
        var key = string.IsNullOrWhiteSpace(text) ? "{}" : text;
        if (Schemas.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var accepted = AnswerSchemas.Accept(key);
        var result = accepted.Succeeded ? new Result(accepted.Value, null) : new Result(null, string.Join("; ", accepted.Errors.Select(e => e.Code)));
        if (Schemas.Count >= MaxSchemaCache)
        {
            Schemas.Clear();
        }

        Schemas[key] = result;
        return result;
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; one more byte means the answer was larger (truncated).</summary>
    private static async Task<(string Text, bool Truncated)> ReadAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 64 * 1024));
        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > max)
                    {
                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var n = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, max + 1) - total), ct);
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (total > max)
                {
                    return ("", true);
                }
            }

            return (Encoding.UTF8.GetString(buffer, 0, total), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Preview(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Whether the guarded handler refused the address (its messages; see GuardedHttpHandler).</summary>
    private static bool IsGuardRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("StarStudio does not call those", StringComparison.Ordinal)
                || e.Message.Contains("StarStudio never calls those", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
