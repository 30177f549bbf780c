using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Web.Components.Market.Maker;

namespace StarStudio.Tests.Components.Market.Maker;

public class SkillEditorPageTests : ComponentTest
{
    private const string Schema = """
        {"type":"object","required":["city"],"properties":{
          "city":{"type":"string","description":"城市"},
          "days":{"type":"integer"},
          "metric":{"type":"boolean"},
          "unit":{"enum":["c","f"]},
          "tags":{"type":"array"}}}
        """;

    private readonly FakeMarketMaker maker = new();
    private readonly IRenderedComponent<MudDialogProvider> dialogs;

    public SkillEditorPageTests()
    {
        Context.Services.AddSingleton<ISkillMakerService>(maker);
        Context.Render<MudPopoverProvider>();
        Context.Render<MudSnackbarProvider>();
        dialogs = Context.Render<MudDialogProvider>();
    }

    private IRenderedComponent<SkillEditorPage> Existing(string schema = Schema)
    {
        var id = Guid.NewGuid();
        maker.Skill = FakeMarketMaker.View(id, new SkillDraft { Name = "天气查询", InputSchema = schema, Examples = [] });
        return Render<SkillEditorPage>(p => p.Add(x => x.Id, id));
    }

    [Fact]
    public async Task NewSkill_ServerRefusals_AreShownAtTheirFields_EverySchemaErrorWithItsPointer()
    {
        maker.RefuseSave =
        [
            new FieldError(SkillRules.NameField, "Market.Skill.Name.TooLong", 80),
            new FieldError(SkillRules.InputSchemaField, "Market.Schema.Keyword", "typo", "/properties/a/typo"),
            new FieldError(SkillRules.InputSchemaField, "Market.Schema.Ref", "https://evil.test/s.json", "/properties/b/$ref"),
            new FieldError(SkillRules.OutputSchemaField, "Market.Schema.NotJson", "'x' is invalid"),
            new FieldError(SkillRules.ExampleField(1, "Arguments"), "Market.Skill.Example.Arguments.Invalid", "/days", "Value is greater than 7"),
            new FieldError(SkillRules.PriceField, "Market.Skill.Price.Positive"),
            new FieldError(SkillRules.EndpointField, "Url.PrivateNetwork"),
        ];
        var cut = Render<SkillEditorPage>(_ => { });

        Assert.Empty(cut.FindAll("[data-testid=skill-submit]")); // nothing to submit before the first save
        await cut.Find("[data-testid=skill-example-add]").ClickAsync();
        await cut.Find("[data-testid=skill-example-add]").ClickAsync();
        await cut.Find("#skill-name").ChangeAsync("天气查询");
        await cut.Find("#example-1-question").ChangeAsync("北京天气");
        await cut.Find("#example-1-arguments").ChangeAsync("""{"days":9}""");
        await cut.Find("[data-testid=skill-save]").ClickAsync();

        var sent = Assert.Single(maker.Saved);
        Assert.Equal("天气查询", sent.Name);
        Assert.Equal(["", "北京天气"], sent.Examples.Select(e => e.Question));
        Assert.Equal("""{"days":9}""", sent.Examples[1].Arguments);
        var input = cut.Find("[data-testid=input-schema-errors]").TextContent;
        Assert.Contains("/properties/a/typo", input, StringComparison.Ordinal);
        Assert.Contains("/properties/b/$ref", input, StringComparison.Ordinal);
        Assert.Contains("不是有效的 JSON", cut.Find("[data-testid=output-schema-errors]").TextContent, StringComparison.Ordinal);
        var rows = cut.FindAll("[data-testid=example-row]");
        Assert.Contains("/days 处：Value is greater than 7", rows[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("/days", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("收费技能的价格必须大于 0。", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("名称最多 80 个字符。", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("该地址位于内网", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=skill-error]")); // every error sits at its field
    }

    [Fact]
    public async Task TryIt_FormFollowsTheSavedInputSchema_AndSendsTypedArguments_ShowingStatusLatencyBodyAndValidation()
    {
        maker.TryAnswer = Result<SkillTryResult>.Ok(new SkillTryResult(
            false, "Market.Call.OutputInvalid", "output does not match", 200, """{"temp":"hot"}""", ["/temp: Value is \"string\" but should be \"number\""], 42, "{}"));
        var cut = Existing();

        Assert.Equal(["string", "integer", "boolean", "enum", "json"],
            new[] { "city", "days", "metric", "unit", "tags" }.Select(n => cut.Find($"[data-testid=try-field-{n}][data-kind]").GetAttribute("data-kind")));
        await cut.Find("#try-city").ChangeAsync("北京");
        await cut.Find("#try-days").ChangeAsync("3");
        await cut.Find("#try-tags").ChangeAsync("""["a"]""");
        await cut.Find("[data-testid=try-send]").ClickAsync();

        using var sent = JsonDocument.Parse(Assert.Single(maker.Tried));
        Assert.Equal("北京", sent.RootElement.GetProperty("city").GetString());
        Assert.Equal(3, sent.RootElement.GetProperty("days").GetInt32());
        Assert.Equal(JsonValueKind.Array, sent.RootElement.GetProperty("tags").ValueKind);
        Assert.False(sent.RootElement.TryGetProperty("metric", out _)); // left empty: left out
        Assert.Contains("200", cut.Find("[data-testid=try-status]").TextContent, StringComparison.Ordinal);
        Assert.Contains("42", cut.Find("[data-testid=try-latency]").TextContent, StringComparison.Ordinal);
        Assert.Equal("""{"temp":"hot"}""", cut.Find("[data-testid=try-body]").TextContent);
        Assert.Contains("/temp", cut.Find("[data-testid=try-validation]").TextContent, StringComparison.Ordinal);
        Assert.Contains("output does not match", cut.Find("[data-testid=try-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryIt_ArgumentsTheSchemaRefuses_AreShown_WithoutAResult()
    {
        maker.TryAnswer = Result<SkillTryResult>.Invalid("Arguments", "Market.Try.Arguments.Invalid", "/", "Required properties [\"city\"] are not present");
        var cut = Existing();

        await cut.Find("[data-testid=try-send]").ClickAsync();

        Assert.Contains("参数 / 处：Required properties", cut.Find("[data-testid=try-refused]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=try-result]"));
    }

    [Fact]
    public async Task TryIt_ASchemaWithoutProperties_SaysTheCallGoesWithAnEmptyObject()
    {
        var cut = Existing("""{"type":"object"}""");
        Assert.NotEmpty(cut.FindAll("[data-testid=try-no-fields]"));
        await cut.Find("[data-testid=try-send]").ClickAsync();
        Assert.Equal("{}", Assert.Single(maker.Tried));
    }

    [Fact]
    public async Task SubmitDialog_ChecksSemverAndChangeLogFirst_ThenShowsTheServersRefusalAtTheField_ThenSubmits()
    {
        var cut = Existing();
        cut.Find("[data-testid=skill-submit]").Click(); // the page's handler awaits the dialog's answer: not awaited here

        await dialogs.WaitForElement("#version-number").ChangeAsync("1.0");
        await dialogs.Find("[data-testid=version-submit-confirm]").ClickAsync();
        Assert.Empty(maker.Submitted);
        Assert.Empty(maker.Saved);
        Assert.Contains("请填写语义化版本号", dialogs.Markup, StringComparison.Ordinal);
        Assert.Contains("更新说明须为 1 到 2000 个字符。", dialogs.Markup, StringComparison.Ordinal);

        maker.SubmitAnswer = Result<SkillVersionView>.Invalid(SkillTransitions.VersionField, "Market.Version.NotGreater", "1.2.0");
        await dialogs.Find("#version-number").ChangeAsync("1.1.0");
        await dialogs.Find("#version-changelog").ChangeAsync("新增天数参数");
        await dialogs.Find("[data-testid=version-submit-confirm]").ClickAsync();
        Assert.Equal(("1.1.0", "新增天数参数"), Assert.Single(maker.Submitted));
        Assert.Single(maker.Saved); // unsaved edits are saved before the snapshot
        Assert.Contains("当前最高为 1.2.0", dialogs.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("请填写语义化版本号", dialogs.Markup, StringComparison.Ordinal);

        maker.SubmitAnswer = null;
        await dialogs.Find("#version-number").ChangeAsync("1.3.0");
        await dialogs.Find("[data-testid=version-submit-confirm]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=version-dialog]")));
        // The page goes on after the dialog has closed (it reloads the versions), so its rows are waited for too.
        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=version-row]"));
            Assert.Contains("1.3.0", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("审核中", row.TextContent, StringComparison.Ordinal);
            Assert.NotEmpty(cut.FindAll("[data-testid=version-withdraw]"));
        });
    }

    [Fact]
    public async Task Versions_ShowRejectReasons_AndTheSigningSecretOnlyWhenRevealed()
    {
        maker.Versions.Add(new SkillVersionView(Guid.NewGuid(), Guid.Empty, "1.0.0", "首个版本", SkillVersionStatus.Rejected, "接口文档缺失", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        var cut = Existing();

        Assert.Contains("已驳回：接口文档缺失", cut.Find("[data-testid=version-reason]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=version-withdraw]"));
        Assert.DoesNotContain("revealed-secret", cut.Markup, StringComparison.Ordinal);
        await cut.Find("[data-testid=skill-secret-reveal]").ClickAsync();
        Assert.Equal("revealed-secret", cut.Find("input[data-testid=skill-signing-secret]").GetAttribute("value"));
    }
}
