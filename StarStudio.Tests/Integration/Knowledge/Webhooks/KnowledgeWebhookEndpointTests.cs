using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge.Webhooks;
using StarStudio.Core.Stars;
using StarStudio.Data;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge.Webhooks;
using StarStudio.Web.Knowledge;

namespace StarStudio.Tests.Integration.Knowledge.Webhooks;

/// <summary>The endpoint over real HTTP (Kestrel on a free port), the real service and PostgreSQL, and a recording knowledge service.</summary>
public sealed class KnowledgeWebhookEndpointTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const long MaxBodyBytes = 4096;
    private static readonly byte[] TextBody = Encoding.UTF8.GetBytes("""{"title":"Hello","text":"World"}""");

    private readonly RecordingKnowledgeFactory knowledge = new();
    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();
    private WebApplication app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration[$"{KnowledgeWebhookOptions.Section}:MaxBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture);
        builder.Services.AddSingleton(pg.AppContextFactory());
        builder.Services.AddSingleton<ICurrentUser>(new FixedCurrentUser(UserContext.Anonymous));
        builder.Services.AddScoped<StarStudioDb>();
        builder.Services.AddSingleton<IKnowledgeServiceFactory>(knowledge);
        builder.Services.AddSingleton(protection);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddKnowledgeWebhooks();
        app = builder.Build();
        app.MapKnowledgeWebhooks();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<CreatedWebhookSource> SourceAsync()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var starId = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = starId, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "d", Persona = "p", Tone = "t", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var service = new KnowledgeWebhookService(pg.Db(owner), pg.AppContextFactory(), knowledge, protection,
            Options.Create(new KnowledgeWebhookOptions()), TimeProvider.System, NullLogger<KnowledgeWebhookService>.Instance);
        return (await service.CreateAsync(starId, "hook")).Value!;
    }

    private static HttpRequestMessage Signed(string path, string secret, HttpContent content, byte[] body, string? fileName = null)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-StarStudio-Timestamp", ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-StarStudio-Signature", WebhookSignature.Sign(secret, ts, body));
        if (fileName is not null)
        {
            request.Headers.Add("X-StarStudio-Filename", fileName);
        }

        return request;
    }

    private static ByteArrayContent Content(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Post_SignedText_Is202WithTheTaskIdAsJson()
    {
        var created = await SourceAsync();

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, Content(TextBody, "application/json"), TextBody));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal("accepted", json.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        Assert.True(json.GetProperty("taskId").TryGetGuid(out _));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Hello.txt", Assert.Single(knowledge.Calls).Name);
    }

    [Fact]
    public async Task Post_SignedFile_PassesTheFileNameHeader()
    {
        var created = await SourceAsync();
        var body = Encoding.UTF8.GetBytes("plain words");

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, Content(body, "text/plain"), body, "notes.txt"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var call = Assert.Single(knowledge.Calls);
        Assert.Equal("notes.txt", call.Name);
        Assert.Equal(body, call.Content);
    }

    [Fact]
    public async Task Post_BadSignature_Is401WithAReadableMessage()
    {
        var created = await SourceAsync();

        using var response = await http.SendAsync(Signed(created.UrlPath, "whsec_wrong", Content(TextBody, "application/json"), TextBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal("bad_signature", json.GetProperty("status").GetString());
        Assert.Contains("signature does not match", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("taskId").ValueKind);
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Post_UnknownSource_Is404()
    {
        using var response = await http.SendAsync(Signed($"/hooks/knowledge/{Guid.NewGuid()}", "whsec_x", Content(TextBody, "application/json"), TextBody));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown or revoked webhook", (await JsonOf(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_Is413()
    {
        var created = await SourceAsync();
        var body = new byte[MaxBodyBytes + 1];

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, Content(body, "text/plain"), body, "big.txt"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too_large", (await JsonOf(response)).GetProperty("status").GetString());
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverTheLimit_Is413()
    {
        var created = await SourceAsync();
        var body = new byte[MaxBodyBytes * 4];
        var content = new StreamContent(new UnseekableStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, content, body, "big.txt"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Post_ServiceFails_Is500WithoutDetails()
    {
        var created = await SourceAsync();
        knowledge.Answer = _ => throw new InvalidOperationException("secret internal detail");

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, Content(TextBody, "application/json"), TextBody));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internal detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.Equal("error", JsonDocument.Parse(text).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_UnknownSourceWhoseBodyNeverArrives_Is404WithoutWaitingForTheBody()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        // Declares a body within the limit and never sends it: the answer cannot depend on reading it.
        var (status, elapsed) = await PostHeadersOnlyAsync($"/hooks/knowledge/{Guid.NewGuid()}", MaxBodyBytes,
            $"X-StarStudio-Timestamp: {ts}", $"X-StarStudio-Signature: sha256={new string('a', 64)}");

        Assert.Equal(404, status);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"answered after {elapsed}");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not-a-time", "sha256=00")]
    [InlineData("1", "sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("now", "md5=abc")]
    public async Task Post_KnownSourceWithUnusableHeadersWhoseBodyNeverArrives_Is401WithoutWaitingForTheBody(string? timestamp, string? signature)
    {
        var created = await SourceAsync();
        var headers = new List<string>();
        if (timestamp is not null)
        {
            headers.Add("X-StarStudio-Timestamp: " + (timestamp == "now" ? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : timestamp));
        }

        if (signature is not null)
        {
            headers.Add("X-StarStudio-Signature: " + signature);
        }

        var (status, elapsed) = await PostHeadersOnlyAsync(created.UrlPath, MaxBodyBytes, [.. headers]);

        Assert.Equal(401, status);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"answered after {elapsed}");
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Post_DeclaredLengthOverTheLimit_Is413WithoutWaitingForTheBody()
    {
        var created = await SourceAsync();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var (status, elapsed) = await PostHeadersOnlyAsync(created.UrlPath, 100L * 1024 * 1024,
            $"X-StarStudio-Timestamp: {ts}", $"X-StarStudio-Signature: sha256={new string('a', 64)}");

        Assert.Equal(413, status);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"answered after {elapsed}");
    }

    [Fact]
    public async Task Post_SignedTextSentChunked_Is202()
    {
        var created = await SourceAsync();
        var content = new StreamContent(new UnseekableStream(TextBody));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.SendAsync(Signed(created.UrlPath, created.Secret, content, TextBody));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(knowledge.Calls);
    }

    /// <summary>
    /// Sends a POST's headers with a <c>Content-Length</c> and never the body, over a raw socket, and reads the
    /// status line. Gives up after 10 s (an endpoint that waits for the body would stall until Kestrel's minimum
    /// data rate ends the read).
    /// </summary>
    private async Task<(int Status, TimeSpan Elapsed)> PostHeadersOnlyAsync(string path, long contentLength, params string[] headers)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(http.BaseAddress!.Host, http.BaseAddress.Port);
        await using var stream = client.GetStream();
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {http.BaseAddress.Authority}\r\n")
            .Append("Content-Type: text/plain\r\nX-StarStudio-Filename: big.txt\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return (int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture), clock.Elapsed);
    }

    [Fact]
    public async Task Get_HookUrl_IsNotAllowed()
    {
        using var response = await http.GetAsync($"/hooks/knowledge/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    /// <summary>A stream whose length HttpClient cannot know, so the body is sent chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
