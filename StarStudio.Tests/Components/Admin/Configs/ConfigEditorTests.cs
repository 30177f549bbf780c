using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StarStudio.Core.Common;
using StarStudio.Core.Configs;
using StarStudio.Core.Knowledge;
using StarStudio.Web.Components.Admin.Audit;
using StarStudio.Web.Components.Admin.Configs;

namespace StarStudio.Tests.Components.Admin.Configs;

public sealed class ConfigEditorTests : ComponentTest
{
    private readonly FakeConfigs service = new();

    public ConfigEditorTests()
    {
        Context.Services.AddSingleton<ISystemConfigAdminService>(service);
    }

    private static SystemConfigEntry ChunkSize => new(KnowledgeConfigKeys.ChunkSize, ConfigRegistry.Get(KnowledgeConfigKeys.ChunkSize), "500", "500", true, false, null, null, null);

    private IRenderedComponent<ConfigEditor> RenderEditor(SystemConfigEntry entry, List<SystemConfigEntry>? saved = null)
    {
        Context.Render<MudPopoverProvider>();
        return Render<ConfigEditor>(p => p
            .Add(e => e.Entry, entry)
            .Add(e => e.OnSaved, (SystemConfigEntry s) => saved?.Add(s)));
    }

    [Fact]
    public async Task ConfigEditor_NotAWholeNumber_ShowsTheReasonAtTheField_AndDoesNotCallTheService()
    {
        var cut = RenderEditor(ChunkSize);
        Assert.Equal("500", cut.Find("#config-value").GetAttribute("value"));
        Assert.Contains("最小 100", cut.Find("[data-testid=config-editor-rules]").TextContent, StringComparison.Ordinal);

        await cut.Find("#config-value").InputAsync("6.5");
        await cut.Find("button[data-testid=config-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("请输入整数", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(service.Calls);
    }

    [Fact]
    public async Task ConfigEditor_BelowTheMinimum_SaysTheBound()
    {
        var cut = RenderEditor(ChunkSize);
        await cut.Find("#config-value").InputAsync("10");
        await cut.Find("button[data-testid=config-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("不能小于 100", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(service.Calls);
    }

    [Fact]
    public async Task ConfigEditor_AValidValue_IsSavedWithTheReason_AndReported()
    {
        var saved = new List<SystemConfigEntry>();
        var cut = RenderEditor(ChunkSize, saved);
        await cut.Find("#config-value").InputAsync("640");
        await cut.Find("#config-reason").InputAsync("更长的片段");
        await cut.Find("button[data-testid=config-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Single(saved));
        Assert.Equal((KnowledgeConfigKeys.ChunkSize, "640", "更长的片段"), Assert.Single(service.Calls));
    }

    [Fact]
    public async Task ConfigEditor_AServiceRefusal_IsShownAtTheField()
    {
        service.Refuse = new FieldError(ConfigDefinition.Field, ConfigDefinition.AboveMaxCode, 2000m);
        var cut = RenderEditor(ChunkSize);
        await cut.Find("#config-value").InputAsync("700");
        await cut.Find("button[data-testid=config-save]").ClickAsync();

        cut.WaitForAssertion(() => Assert.Contains("不能大于 2000", cut.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void AuditDiffView_ShowsChangedAddedAndRemovedFields()
    {
        var cut = Render<AuditDiffView>(p => p
            .Add(d => d.BeforeJson, """{"value":500,"stored":true,"old":1}""")
            .Add(d => d.AfterJson, """{"value":640,"stored":true,"new":"x"}"""));

        var lines = cut.FindAll("[data-testid=audit-diff-line]");
        Assert.Equal(["value:changed", "stored:unchanged", "old:removed", "new:added"], lines.Select(l => $"{l.GetAttribute("data-path")}:{l.GetAttribute("data-kind")}"));
        var value = lines[0];
        Assert.Equal("500", value.QuerySelector("[data-testid=audit-diff-before]")!.TextContent);
        Assert.Equal("640", value.QuerySelector("[data-testid=audit-diff-after]")!.TextContent);
        Assert.Equal("—", lines[3].QuerySelector("[data-testid=audit-diff-before]")!.TextContent);
    }

    [Fact]
    public void AuditDiffView_NothingRecorded_SaysSo()
    {
        var cut = Render<AuditDiffView>(p => p.Add(d => d.BeforeJson, null).Add(d => d.AfterJson, null));
        Assert.Contains("未记录变更前后的值", cut.Find("[data-testid=audit-diff-empty]").TextContent, StringComparison.Ordinal);
    }

    private sealed class FakeConfigs : ISystemConfigAdminService
    {
        public List<(string Key, string? Input, string? Reason)> Calls { get; } = [];

        public FieldError? Refuse { get; set; }

        public Task<Result<IReadOnlyList<SystemConfigEntry>>> ListAsync(CancellationToken ct = default) =>
            Task.FromResult(Result<IReadOnlyList<SystemConfigEntry>>.Ok([ChunkSize]));

        public Task<Result<SystemConfigEntry>> SetAsync(string key, string? input, string? reason = null, CancellationToken ct = default)
        {
            Calls.Add((key, input, reason));
            return Task.FromResult(Refuse is { } e
                ? Result<SystemConfigEntry>.Invalid([e])
                : Result<SystemConfigEntry>.Ok(ChunkSize with { StoredJson = input, EffectiveJson = input! }));
        }

        public Task<Result<SystemConfigEntry>> ResetAsync(string key, string? reason = null, CancellationToken ct = default) =>
            Task.FromResult(Result<SystemConfigEntry>.Ok(ChunkSize));
    }
}
