using StarStudio.Core.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class PromptAdapterTests
{
    private static readonly Guid Star = Guid.Parse("11111111-2222-3333-4444-555555555555");

    [Fact]
    public void RoundTrips_AndKeepsChinese()
    {
        var adapter = new PromptAdapter("先给结论，再说理由。", [new PromptExemplar("宣纸怎么保存？", "避光、恒湿，平放。")]);
        var json = adapter.ToJson();
        Assert.Contains("宣纸", json);
        var back = PromptAdapter.Parse(json)!;
        Assert.Equal(adapter.Instructions, back.Instructions);
        Assert.Equal(adapter.Exemplars, back.Exemplars);
    }

    [Fact]
    public void Parse_TrimsToLimits_AndDropsEmptyExemplars()
    {
        var many = Enumerable.Range(0, 20).Select(i => new PromptExemplar($"q{i}", $"a{i}")).Append(new PromptExemplar(" ", "x")).ToList();
        var json = new PromptAdapter(new string('x', 5000), many).ToJson();
        var back = PromptAdapter.Parse(json)!;
        Assert.Equal(PromptAdapter.MaxInstructionsChars, back.Instructions.Length);
        Assert.Equal(PromptAdapter.MaxExemplars, back.Exemplars.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Parse_Garbage_IsNull(string json) => Assert.Null(PromptAdapter.Parse(json));

    [Fact]
    public void KeyOf_AcceptsOnlyTheStarsOwnFolderInTheBucket()
    {
        var key = ModelArtifacts.VersionFolder(Star, Guid.Empty) + "adapter.json";
        Assert.Equal(key, ModelArtifacts.KeyOf(ModelArtifacts.UriOf(key), Star));

        var other = Guid.NewGuid();
        Assert.Null(ModelArtifacts.KeyOf(ModelArtifacts.UriOf(ModelArtifacts.StarPrefix(other) + "x.json"), Star));
        Assert.Null(ModelArtifacts.KeyOf("s3://exports/" + ModelArtifacts.StarPrefix(Star) + "x.json", Star));
        Assert.Null(ModelArtifacts.KeyOf("https://evil.example/" + ModelArtifacts.StarPrefix(Star) + "x.json", Star));
        Assert.Null(ModelArtifacts.KeyOf(ModelArtifacts.UriOf(ModelArtifacts.StarPrefix(Star) + "../" + ModelArtifacts.StarPrefix(other) + "x"), Star));
        Assert.Null(ModelArtifacts.KeyOf(ModelArtifacts.UriOf(ModelArtifacts.StarPrefix(Star)), Star));
        Assert.Null(ModelArtifacts.KeyOf(ModelArtifacts.UriOf(ModelArtifacts.StarPrefix(Star) + "a?b"), Star));
        Assert.Null(ModelArtifacts.KeyOf(null, Star));
    }
}
