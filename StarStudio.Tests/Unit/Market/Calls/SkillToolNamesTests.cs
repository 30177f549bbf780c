using StarStudio.Core.Market.Calls;

namespace StarStudio.Tests.Unit.Market.Calls;

/// <summary>Function names for skills: valid for OpenAI-compatible APIs, stable per skill, unique per request.</summary>
public sealed class SkillToolNamesTests
{
    private static readonly Guid A = Guid.Parse("0a1b2c3d-0000-0000-0000-000000000001");
    private static readonly Guid B = Guid.Parse("9f8e7d6c-0000-0000-0000-000000000002");

    [Theory]
    [InlineData("Weather Now!", "skill_weather_now")]
    [InlineData("  Lib-Catalog 2 ", "skill_lib_catalog_2")]
    [InlineData("天气查询", "skill_0a1b2c3d")]
    [InlineData("天气 API", "skill_api")]
    public void Base_IsAsciiFromTheNameOrTheId(string name, string expected)
    {
        Assert.Equal(expected, SkillToolNames.Base(name, A));
    }

    [Fact]
    public void Assign_ClashesGetTheSkillIdAndAllNamesAreValid()
    {
        var names = SkillToolNames.Assign([("Weather", A), ("weather", B), (new string('x', 200), A), ("search knowledge", B)], ["search_knowledge", "skill_search_knowledge"]);

        Assert.Equal("skill_weather_0a1b2c3d", names[0]);
        Assert.Equal("skill_weather_9f8e7d6c", names[1]);
        Assert.Equal("skill_search_knowledge_9f8e7d6c", names[3]);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(SkillToolNames.Valid(), n));
    }

    [Fact]
    public void Assign_SameSkillTwice_StillUnique()
    {
        var names = SkillToolNames.Assign([("Weather", A), ("Weather", A)], []);

        Assert.Equal(["skill_weather_0a1b2c3d", "skill_weather_0a1b2c3d_2"], names);
    }
}
