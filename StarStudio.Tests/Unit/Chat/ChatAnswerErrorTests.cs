using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat;

public sealed class ChatAnswerErrorTests
{
    [Theory]
    [InlineData(ChatErrorPhases.ModelCall, ChatRules.AnswerFailedProvider)]
    [InlineData(ChatErrorPhases.Stream, ChatRules.AnswerFailedProvider)]
    [InlineData(ChatErrorPhases.Config, ChatRules.AnswerFailed)]
    [InlineData(ChatErrorPhases.Internal, ChatRules.AnswerFailed)]
    [InlineData(null, ChatRules.AnswerFailed)]
    public void NonAdmins_GetAResourceKeyByPhase_NeverTheEngineText(string? phase, string expected) =>
        Assert.Equal(expected, ChatRules.AnswerError(phase, "HTTP 500 from http://10.0.0.5:8000: {\"error\":\"secret\"}", isAdmin: false));

    [Fact]
    public void Admins_GetTheEngineText() =>
        Assert.Equal("HTTP 500: boom", ChatRules.AnswerError(ChatErrorPhases.ModelCall, "HTTP 500: boom", isAdmin: true));

    [Fact]
    public void Admins_WithoutEngineText_GetTheResourceKey() =>
        Assert.Equal(ChatRules.AnswerFailed, ChatRules.AnswerError(null, null, isAdmin: true));
}
