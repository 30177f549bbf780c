using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>Small rules of the engine: citation markers, config values, prices, endpoints.</summary>
public sealed class ChatEngineRulesTests
{
    [Theory]
    [InlineData("see [1] and [3]", new[] { 1, 3 })]
    [InlineData("see [2][1][2]", new[] { 2, 1 })]
    [InlineData("见【2】和[1, 3]、[4，5]", new[] { 2, 1, 3, 4, 5 })]
    [InlineData("no citations, [x] or [] or [0]", new int[0])]
    public void CitedNumbers_Answer_ReturnsNumbersInOrderOfFirstUse(string answer, int[] expected)
    {
        Assert.Equal(expected, StarChatEngine.CitedNumbers(answer));
    }

    [Theory]
    [InlineData("\"5f0c6a1e-2f3b-4c5d-9e8f-0a1b2c3d4e5f\"", true)]
    [InlineData("5f0c6a1e-2f3b-4c5d-9e8f-0a1b2c3d4e5f", true)]
    [InlineData("null", false)]
    [InlineData("\"\"", false)]
    [InlineData("\"not a uuid\"", false)]
    [InlineData(null, false)]
    public void ParseId_ConfigValue_ReadsQuotedUuidOrNothing(string? json, bool found)
    {
        Assert.Equal(found, ChatModelResolver.ParseId(json) is not null);
    }

    [Theory]
    [InlineData("""{"temperature":0.7,"price_in_per_1k":0.002,"price_out_per_1k":"0.006"}""", 0.002, 0.006)]
    [InlineData("{}", 0, 0)]
    [InlineData("not json", 0, 0)]
    [InlineData("""{"price_in_per_1k":-1}""", 0, 0)]
    public void Prices_DefaultParams_ReadsPricesOrZero(string json, double priceIn, double priceOut)
    {
        var (i, o) = ChatModelResolver.Prices(json);

        Assert.Equal((decimal)priceIn, i);
        Assert.Equal((decimal)priceOut, o);
    }

    [Fact]
    public void EndpointFor_BaseUrlWithOrWithoutV1_PointsAtChatCompletions()
    {
        Assert.Equal("http://vllm:8000/v1/chat/completions", OpenAiCompatibleChatClient.EndpointFor(new Uri("http://vllm:8000")).ToString());
        Assert.Equal("http://vllm:8000/v1/chat/completions", OpenAiCompatibleChatClient.EndpointFor(new Uri("http://vllm:8000/v1/")).ToString());
        Assert.Equal("https://api.example.com/openai/v1/chat/completions", OpenAiCompatibleChatClient.EndpointFor(new Uri("https://api.example.com/openai")).ToString());
    }
}
