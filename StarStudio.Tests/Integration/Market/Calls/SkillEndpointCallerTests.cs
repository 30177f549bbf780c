using StarStudio.Core.Security;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Calls;

namespace StarStudio.Tests.Integration.Market.Calls;

/// <summary>The signed call against a scripted endpoint on loopback: the good case and every way an endpoint can fail.</summary>
public sealed class SkillEndpointCallerTests : IAsyncLifetime
{
    private ScriptedSkillServer server = null!;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        server = await ScriptedSkillServer.StartAsync();
        // A generous limit: a process's first call (cold JIT, new server) took over 800 ms on a busy machine. The hang
        // test sets its own short one.
        services = MarketTestData.Services(timeout: TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private static JsonElement Args => JsonDocument.Parse("""{"city":"上海"}""").RootElement.Clone();

    private static SkillEndpointRequest Request(Uri endpoint, string? authHeader = null, string? authSecret = null) =>
        new(endpoint, "skill_weather", Args, MarketTestData.SigningSecret, ScriptedSkillServer.OutputSchema, "req-1:call-1",
            Guid.Parse("11111111-1111-1111-1111-111111111111"), Guid.Parse("22222222-2222-2222-2222-222222222222"), authHeader, authSecret);

    private Task<SkillEndpointOutcome> CallAsync(string path, ServiceProvider? sp = null) =>
        (sp ?? services).GetRequiredService<ISkillEndpointCaller>().CallAsync(Request(server.Url(path)));

    [Fact]
    public async Task CallAsync_GoodEndpoint_SendsASignedBodyAndReturnsTheValidatedAnswer()
    {
        var outcome = await services.GetRequiredService<ISkillEndpointCaller>().CallAsync(Request(server.Url("/ok"), "X-Maker-Key", "maker-secret"));

        Assert.True(outcome.Success, outcome.ErrorMessage);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal(21.5, JsonDocument.Parse(outcome.Body!).RootElement.GetProperty("temp_c").GetDouble());
        var call = Assert.Single(server.Calls);
        Assert.Equal(SignatureVerdict.Ok, SkillSignature.Verify(MarketTestData.SigningSecret, call.Signature, call.Body, DateTimeOffset.UtcNow));
        Assert.Equal("req-1:call-1", call.RequestId);
        Assert.Equal("maker-secret", call.Secret);
        var body = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal("skill_weather", body.GetProperty("tool").GetString());
        Assert.Equal("上海", body.GetProperty("arguments").GetProperty("city").GetString());
        Assert.Equal("11111111-1111-1111-1111-111111111111", body.GetProperty("star_id").GetString());
        Assert.Equal("22222222-2222-2222-2222-222222222222", body.GetProperty("conversation_id").GetString());
        Assert.Equal("req-1:call-1", body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task CallAsync_EndpointHangs_TimesOutAtTheConfiguredLimit()
    {
        await using var shortLimit = MarketTestData.Services(timeout: TimeSpan.FromMilliseconds(800));
        var clock = Stopwatch.StartNew();

        var outcome = await CallAsync("/hang", shortLimit);

        Assert.Equal(SkillCallCodes.Timeout, outcome.ErrorCode);
        Assert.InRange(clock.ElapsedMilliseconds, 700, 5000);
    }

    [Fact]
    public async Task CallAsync_TenMegabyteAnswer_IsTooLargeAndNotReadWhole()
    {
        var outcome = await CallAsync("/huge");

        Assert.False(outcome.Success);
        Assert.Equal(SkillCallCodes.TooLarge, outcome.ErrorCode);
        Assert.Null(outcome.Body);
    }

    [Theory]
    [InlineData("/html", SkillCallCodes.NotJson, 200)]
    [InlineData("/badjson", SkillCallCodes.NotJson, 200)]
    [InlineData("/violates", SkillCallCodes.SchemaViolation, 200)]
    [InlineData("/500", SkillCallCodes.HttpError, 500)]
    [InlineData("/redirect", SkillCallCodes.Redirect, 302)]
    public async Task CallAsync_BadAnswer_FailsWithItsCode(string path, string code, int status)
    {
        var outcome = await CallAsync(path);

        Assert.False(outcome.Success);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.False(string.IsNullOrWhiteSpace(outcome.ErrorMessage));
    }

    [Fact]
    public async Task CallAsync_SchemaViolation_ListsWhere()
    {
        var outcome = await CallAsync("/violates");

        Assert.Contains(outcome.ValidationErrors, e => e.StartsWith("/temp_c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallAsync_Redirect_IsNotFollowed()
    {
        await CallAsync("/redirect");

        Assert.Equal(["/redirect"], server.Calls.Select(c => c.Path));
    }

    [Fact]
    public async Task CallAsync_PrivateEndpointWhenPrivateNetworksAreNotAllowed_IsRefusedWithoutConnecting()
    {
        await using var strict = MarketTestData.Services(allowPrivate: false);

        // Plain http is refused outright; https to a loopback address by the guarded handler at connect time.
        var plain = await CallAsync("/ok", strict);
        var https = await strict.GetRequiredService<ISkillEndpointCaller>().CallAsync(Request(new Uri($"https://127.0.0.1:{server.BaseUri.Port}/ok")));

        Assert.Equal(SkillCallCodes.Refused, plain.ErrorCode);
        Assert.Equal(SkillCallCodes.Refused, https.ErrorCode);
        Assert.Contains("private or reserved", https.ErrorMessage);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task CallAsync_NothingListening_IsUnreachable()
    {
        var port = StarStudio.TestSupport.LoopbackPorts.Free();

        var outcome = await services.GetRequiredService<ISkillEndpointCaller>().CallAsync(Request(new Uri($"http://127.0.0.1:{port}/ok")));

        Assert.Equal(SkillCallCodes.Unreachable, outcome.ErrorCode);
    }
}
