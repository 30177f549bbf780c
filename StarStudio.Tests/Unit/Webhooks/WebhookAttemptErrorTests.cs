using StarStudio.Core.Webhooks;

namespace StarStudio.Tests.Unit.Webhooks;

public sealed class WebhookAttemptErrorTests
{
    public static TheoryData<WebhookAttemptError, string> Stored => new()
    {
        { WebhookAttemptError.HttpStatus(503), "http: 503" },
        { WebhookAttemptError.TimedOut(TimeSpan.FromMilliseconds(2500)), "timeout: 2.5" },
        { new(WebhookAttemptError.Redirect, "http://169.254.169.254/latest: x"), "redirect: http://169.254.169.254/latest: x" },
        { new(WebhookAttemptError.Unreachable, "Connection refused (127.0.0.1:9)"), "unreachable: Connection refused (127.0.0.1:9)" },
        { new(WebhookAttemptError.Secret, null), "secret" },
    };

    [Theory]
    [MemberData(nameof(Stored))]
    public void Store_ThenParse_GivesTheSameCodeAndDetail(WebhookAttemptError error, string stored)
    {
        Assert.Equal(stored, error.Store());
        Assert.Equal(error, WebhookAttemptError.Parse(stored));
    }

    [Theory]
    [InlineData("The receiver answered HTTP 500.")]
    [InlineData("nonsense: with a colon")]
    [InlineData("HTTP: upper case is not a code")]
    public void Parse_TextWrittenBeforeCodes_IsUnknownWithTheWholeText(string stored)
    {
        var e = WebhookAttemptError.Parse(stored)!;

        Assert.Equal(WebhookAttemptError.Unknown, e.Code);
        Assert.Equal(stored, e.Detail);
        Assert.Equal("Webhooks.Error.unknown", e.ResourceKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Nothing_IsNoError(string? stored) => Assert.Null(WebhookAttemptError.Parse(stored));
}
