using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StarStudio.Core.Training;

namespace StarStudio.Data.Training;

/// <summary>A request to an external trainer failed; <see cref="Code"/> is the job's error resource key.</summary>
public sealed class TrainerCallException(string code, string? detail = null, Exception? inner = null)
    : Exception(detail is null ? code : $"{code}: {detail}", inner)
{
    public string Code { get; } = code;

    public string? Detail { get; } = detail;
}

/// <summary>
/// Calls an external trainer in the OpenAI fine-tuning API's shape through the SSRF-guarded named client
/// <see cref="HttpClientName"/>. Every request has its own timeout; answers larger than <see cref="MaxBodyBytes"/> are refused.
/// </summary>
public sealed class ExternalTrainerClient(IHttpClientFactory http)
{
    public const string HttpClientName = "StarStudio.Trainers";

    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<FineTuningJobStatus> CreateAsync(string baseUrl, string? apiKey, FineTuningJobRequest request, TimeSpan timeout, CancellationToken ct) =>
        SendAsync<FineTuningJobStatus>(HttpMethod.Post, baseUrl, "v1/fine_tuning/jobs", apiKey, request, timeout, ct);

    public Task<FineTuningJobStatus> GetAsync(string baseUrl, string? apiKey, string id, TimeSpan timeout, CancellationToken ct) =>
        SendAsync<FineTuningJobStatus>(HttpMethod.Get, baseUrl, $"v1/fine_tuning/jobs/{Uri.EscapeDataString(id)}", apiKey, null, timeout, ct);

    public Task<FineTuningEventList> EventsAsync(string baseUrl, string? apiKey, string id, TimeSpan timeout, CancellationToken ct) =>
        SendAsync<FineTuningEventList>(HttpMethod.Get, baseUrl, $"v1/fine_tuning/jobs/{Uri.EscapeDataString(id)}/events?limit=100", apiKey, null, timeout, ct);

    public Task<FineTuningJobStatus> CancelAsync(string baseUrl, string? apiKey, string id, TimeSpan timeout, CancellationToken ct) =>
        SendAsync<FineTuningJobStatus>(HttpMethod.Post, baseUrl, $"v1/fine_tuning/jobs/{Uri.EscapeDataString(id)}/cancel", apiKey, null, timeout, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string baseUrl, string path, string? apiKey, object? body, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var client = http.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var bytes = await ReadCappedAsync(response.Content, cts.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new TrainerCallException("Training.Job.Error.TrainerHttp", $"HTTP {(int)response.StatusCode}");
            }

            try
            {
                return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new TrainerCallException("Training.Job.Error.TrainerGarbage");
            }
            catch (JsonException e)
            {
                throw new TrainerCallException("Training.Job.Error.TrainerGarbage", null, e);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TrainerCallException("Training.Job.Error.TrainerTimeout", $"{timeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new TrainerCallException("Training.Job.Error.TrainerUnreachable", e.HttpRequestError.ToString(), e);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new TrainerCallException("Training.Job.Error.TrainerGarbage", "response too large");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
