using StarStudio.Core.Arena;

namespace StarStudio.Tests.Unit.Arena;

public sealed class SchemaOutlineTests
{
    [Fact]
    public void Of_NestedSchema_ListsFieldsWithRequiredRulesAndDescriptions()
    {
        const string schema = """
            {"type":"object","required":["title","tags"],"additionalProperties":false,
             "properties":{
               "title":{"type":"string","minLength":1,"maxLength":80,"title":"标题"},
               "tags":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string","enum":["诗","文"]}},
               "score":{"type":["integer","null"],"minimum":0,"maximum":10}}}
            """;

        var fields = SchemaOutline.Of(schema);

        Assert.Equal(["title", "tags", "tags[]", "score"], fields.Select(f => f.Path));
        Assert.Equal([true, true, false, false], fields.Select(f => f.Required));
        Assert.Equal([0, 0, 1, 0], fields.Select(f => f.Depth));
        Assert.Contains(new SchemaRule("Length", "1–80"), fields[0].Rules);
        Assert.Equal("标题", fields[0].Description);
        Assert.Contains(new SchemaRule("Unique", ""), fields[1].Rules);
        Assert.Contains(new SchemaRule("OneOf", "诗, 文"), fields[2].Rules);
        Assert.Equal("integer | null", fields[3].Type);
        Assert.Contains(new SchemaRule("Range", "0–10"), fields[3].Rules);
    }

    [Fact]
    public void Of_RefsIntoDefs_AreFollowedAndARecursiveOnePrintsOnce()
    {
        const string schema = """
            {"$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},
             "type":"object","properties":{"root":{"$ref":"#/$defs/node"}}}
            """;

        var fields = SchemaOutline.Of(schema);

        Assert.Equal(["root", "root.name", "root.children", "root.children[]"], fields.Select(f => f.Path));
        Assert.Equal("→ #/$defs/node", fields[^1].Type);
    }

    [Fact]
    public void Of_DeepSchema_StopsAtTheDepthLimit()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"a":""", 15)) + "{}" + new string('}', 30);

        var fields = SchemaOutline.Of(deep);

        Assert.Equal(SchemaOutline.MaxDepth + 1, fields.Count);
    }
}
