using System.Text.Json;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Unit.Market.Maker;

public class TryItFormTests
{
    private const string Schema = """
        {"type":"object","required":["city"],"properties":{
          "city":{"type":"string","description":"城市"},
          "days":{"type":"integer"},
          "lat":{"type":"number"},
          "metric":{"type":"boolean"},
          "unit":{"enum":["c","f"]},
          "tags":{"type":"array","items":{"type":"string"}},
          "either":{"type":["string","null"]}}}
        """;

    [Fact]
    public void Fields_FollowTheSchemasTopLevelProperties()
    {
        var fields = TryItForm.Fields(Schema);
        Assert.Equal(
            [("city", TryFieldKind.String, true), ("days", TryFieldKind.Integer, false), ("lat", TryFieldKind.Number, false), ("metric", TryFieldKind.Boolean, false),
             ("unit", TryFieldKind.Enum, false), ("tags", TryFieldKind.Json, false), ("either", TryFieldKind.Json, false)],
            fields.Select(f => (f.Name, f.Kind, f.Required)));
        Assert.Equal(["c", "f"], fields.Single(f => f.Name == "unit").Options);
        Assert.Equal("城市", fields[0].Description);
        Assert.Empty(TryItForm.Fields("not json"));
        Assert.Empty(TryItForm.Fields("""{"type":"object"}"""));
    }

    [Fact]
    public void Compose_WritesTypedValues_LeavesEmptiesOut_KeepsUnparsableTextForTheSchemaToReport()
    {
        var fields = TryItForm.Fields(Schema);
        var json = TryItForm.Compose(fields, new Dictionary<string, string?>
        {
            ["city"] = "北京", ["days"] = "3", ["lat"] = "39.9", ["metric"] = "true", ["unit"] = "c", ["tags"] = """["a","b"]""", ["either"] = "",
        });
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("北京", root.GetProperty("city").GetString());
        Assert.Equal(3, root.GetProperty("days").GetInt32());
        Assert.Equal(39.9m, root.GetProperty("lat").GetDecimal());
        Assert.True(root.GetProperty("metric").GetBoolean());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("tags").ValueKind);
        Assert.False(root.TryGetProperty("either", out _));

        using var bad = JsonDocument.Parse(TryItForm.Compose(fields, new Dictionary<string, string?> { ["days"] = "three", ["tags"] = "[oops" }));
        Assert.Equal("three", bad.RootElement.GetProperty("days").GetString());
        Assert.Equal("[oops", bad.RootElement.GetProperty("tags").GetString());
    }
}
