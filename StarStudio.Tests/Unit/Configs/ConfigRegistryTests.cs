using StarStudio.Core.Configs;
using StarStudio.Core.Knowledge;

namespace StarStudio.Tests.Unit.Configs;

public sealed class ConfigRegistryTests
{
    [Fact]
    public void EveryKey_IsUniqueDescribedInBothLanguagesAndItsDefaultIsValid()
    {
        Assert.Equal(ConfigRegistry.All.Count, ConfigRegistry.All.Select(d => d.Key).Distinct().Count());
        Assert.All(ConfigRegistry.All, d =>
        {
            Assert.True(d.Key.Length <= 100, d.Key);
            Assert.False(string.IsNullOrWhiteSpace(d.DescriptionEn), d.Key);
            Assert.False(string.IsNullOrWhiteSpace(d.DescriptionZh), d.Key);
            Assert.True(d.Accepts(d.DefaultJson), d.Key);
            if (d.SchemaText is { } schema)
            {
                ConfigDefinition.Build(schema);
            }
        });
    }

    [Fact]
    public void Find_UnknownKey_IsNull_AndGetThrows()
    {
        Assert.Null(ConfigRegistry.Find("no_such_key"));
        Assert.Throws<ArgumentException>(() => ConfigRegistry.Get("no_such_key"));
    }

    [Fact]
    public void Snapshot_UsesStoredValueWhenValid_DefaultOtherwise()
    {
        var snapshot = new SystemConfigSnapshot(new Dictionary<string, string>
        {
            [KnowledgeConfigKeys.ChunkSize] = "640",
            [KnowledgeConfigKeys.ChunkOverlap] = "\"oops\"",
            [KnowledgeConfigKeys.TopK] = "0",
        });
        Assert.Equal(640, snapshot.Int32(KnowledgeConfigKeys.ChunkSize));
        Assert.Equal(KnowledgeConfigKeys.DefaultChunkOverlap, snapshot.Int32(KnowledgeConfigKeys.ChunkOverlap));
        Assert.Equal(KnowledgeConfigKeys.DefaultTopK, snapshot.Int32(KnowledgeConfigKeys.TopK));
        Assert.Equal(KnowledgeConfigKeys.DefaultMaxUploadFileSize, snapshot.Int64(KnowledgeConfigKeys.MaxUploadFileSize));
        Assert.Null(snapshot.String(StarStudio.Core.Admin.Chat.ChatModelConfigKeys.DefaultChatModel));
    }
}
