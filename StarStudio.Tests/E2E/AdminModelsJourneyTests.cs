using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StarStudio.Tests.TestData;
using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>
/// A second app whose admins may point providers at private and loopback addresses
/// (<c>StarStudio__Security__AllowPrivateNetworkUrls=true</c>, as on a LAN with its own vLLM), so that it can use the
/// scripted OpenAI-compatible server on 127.0.0.1. The default chat model set here stays in this app: the shared app
/// keeps the offline engine and refuses private addresses, as a default installation does.
/// </summary>
public sealed class PrivateNetworkAppServer() : AppServer(new Dictionary<string, string>
{
    ["StarStudio__Security__AllowPrivateNetworkUrls"] = "true",
});

/// <summary>The admin's model pages as an admin uses them: providers, chat models, embedding models; players are turned away.</summary>
[Collection(E2ECollection.Name)]
public sealed partial class AdminModelsJourneyTests(AppServer app, PrivateNetworkAppServer lan) : IClassFixture<PrivateNetworkAppServer>
{
    private const string ChatModelId = "e2e-scripted-chat";
    private const string OtherModelId = "e2e-scripted-mini";

    [Fact]
    public async Task ChatModels_AdminAddsALoopbackProviderImportsAndMakesADefault_PlaygroundAnswersThroughIt()
    {
        await using var models = await ScriptedOpenAiServer.StartAsync();
        models.SetDefault(ChatModelId, ChatScript.Text("你好！", "这是脚本模型", "的回答：修复古籍用小麦淀粉糨糊。"));
        models.SetDefault(OtherModelId, ChatScript.Text("不应被调用"));
        var providerName = "本机脚本服务-" + Suffix();
        var apiKey = "sk-e2e-" + Guid.NewGuid().ToString("N");
        var root = models.BaseUri.ToString().TrimEnd('/');

        // 1. The admin opens 模型管理 from the admin home: no provider yet, stars answer with the offline engine.
        var admin = await lan.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin");
        await admin.ClickAsync("[data-testid=admin-link-models]");
        await admin.WaitForURLAsync("**/admin/models");
        await Expect(admin.GetByTestId("cm-provider-empty")).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("cm-selection-default-name")).ToHaveTextAsync("未设置：星灵使用离线引擎回答");

        // 2. Add the provider; the /v1 the admin pasted is dropped, and the key is stored but never shown again.
        await admin.ClickAsync("[data-testid=cm-provider-add]");
        await admin.FillAsync("#cm-provider-name", providerName);
        await admin.FillAsync("#cm-provider-base-url", root + "/v1/");
        await admin.FillAsync("#cm-provider-api-key", apiKey);
        await admin.ClickAsync("[data-testid=cm-provider-save]");
        var provider = Row(admin, "cm-provider-name-cell", providerName);
        await Expect(provider).ToContainTextAsync(root);
        await Expect(provider).Not.ToContainTextAsync(root + "/v1");
        await Expect(provider.GetByTestId("cm-provider-key")).ToHaveTextAsync("已设置");
        await Expect(admin.GetByTestId("cm-provider-editor")).ToHaveCountAsync(0);
        await admin.ShotAsync("19-admin-provider-added");

        await admin.ReloadAsync();
        await admin.WaitForInteractiveAsync();
        Assert.DoesNotContain(apiKey, await admin.ContentAsync(), StringComparison.Ordinal);
        await provider.GetByTestId("cm-provider-edit").ClickAsync();
        await Expect(admin.Locator("#cm-provider-api-key")).ToHaveValueAsync("");
        await Expect(admin.Locator("#cm-provider-api-key")).ToHaveAttributeAsync("type", "password");
        await Expect(Field(admin, "cm-provider-api-key")).ToContainTextAsync("已保存密钥。留空则保留");
        await Expect(admin.Locator("#cm-provider-name")).ToHaveValueAsync(providerName);
        Assert.DoesNotContain(apiKey, await admin.ContentAsync(), StringComparison.Ordinal);
        await admin.ClickAsync("[data-testid=cm-provider-cancel]");
        await Expect(admin.GetByTestId("cm-provider-editor")).ToHaveCountAsync(0);
        var stored = (string?)await lan.ScalarAsync($"SELECT api_key_protected FROM llm_providers WHERE name = '{providerName}'");
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.DoesNotContain(apiKey, stored, StringComparison.Ordinal);

        // 3. Import the models the server lists at /v1/models.
        await provider.GetByTestId("cm-provider-import").ClickAsync();
        await Expect(admin.GetByTestId("cm-import-result")).ToContainTextAsync("服务端列出 2 个模型，新增 2 个，更新 0 个");
        await Expect(admin.GetByTestId("cm-import-added")).ToContainTextAsync(ChatModelId);
        await Expect(admin.GetByTestId("cm-import-added")).ToContainTextAsync(OtherModelId);
        await Expect(admin.GetByTestId("cm-model-id-cell")).ToHaveCountAsync(2);

        // 4. Make one the default chat model.
        var model = Row(admin, "cm-model-id-cell", ChatModelId);
        await model.GetByTestId("cm-model-make-default").ClickAsync();
        await Expect(model.GetByTestId("cm-model-default")).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("cm-selection-default-name")).ToHaveTextAsync($"{ChatModelId} ({providerName})");
        await Expect(Row(admin, "cm-model-id-cell", OtherModelId).GetByTestId("cm-model-default")).ToHaveCountAsync(0);
        await admin.ShotAsync("20-admin-default-model");

        // 5. A star owner's playground answers through that model, which received the admin's key.
        var owner = await lan.NewPageAsync();
        await owner.RegisterAsync($"mo-{Guid.NewGuid():N}@example.test", "星主", "Passw0rd!m");
        await owner.WaitForURLAsync("**/studio");
        await owner.OpenInteractiveAsync("/studio/stars/new");
        await owner.FillAsync("#star-name", "墨痕");
        await owner.FillAsync("#star-domain", "古籍修复");
        await owner.FillAsync("#star-persona", "一位耐心的古籍修复师。");
        await owner.ClickAsync("[data-testid=star-save]");
        await owner.WaitForURLAsync(StarUrl());
        await owner.WaitForInteractiveAsync();
        await owner.GetByRole(AriaRole.Tab, new() { Name = "试聊" }).ClickAsync();
        await owner.ClickAsync("[data-testid=chat-new]");
        await owner.FillAsync("#chat-input", "修复古籍用什么糨糊？");
        await owner.ClickAsync("[data-testid=chat-send]");
        var answer = owner.Locator("[data-testid=chat-message][data-sender=star]").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 30_000 });
        await Expect(answer.GetByTestId("chat-answer")).ToContainTextAsync("你好！这是脚本模型的回答：修复古籍用小麦淀粉糨糊。");
        await Expect(answer.GetByTestId("chat-answer")).Not.ToContainTextAsync("离线引擎");
        await Expect(answer.GetByTestId("chat-model")).ToContainTextAsync(ChatModelId);
        await owner.ShotAsync("21-playground-scripted-model");

        var request = Assert.Single(models.Requests);
        Assert.Equal(ChatModelId, request.Model);
        Assert.Equal("Bearer " + apiKey, request.Authorization);
        Assert.Contains(request.Messages, m => m.Role == "user" && m.Content.Contains("修复古籍用什么糨糊", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatModels_BadProviderInput_ShowsTheReasonAtTheFieldAndKeepsWhatWasTyped()
    {
        var name = "E2E 提供方-" + Suffix();
        var page = await app.NewPageAsync();
        await page.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await page.WaitForURLAsync("**/studio");
        await page.OpenInteractiveAsync("/admin/models");
        await page.ClickAsync("[data-testid=cm-provider-add]");

        // Not a URL: refused while typing and on save; nothing is sent.
        await page.FillAsync("#cm-provider-name", name);
        await page.FillAsync("#cm-provider-base-url", "vllm 8000");
        await page.FillAsync("#cm-provider-api-key", "sk-keep-me");
        await Expect(Field(page, "cm-provider-base-url")).ToContainTextAsync("请输入完整的 http 或 https 地址");
        await page.ClickAsync("[data-testid=cm-provider-save]");
        await Expect(Field(page, "cm-provider-base-url")).ToContainTextAsync("请输入完整的 http 或 https 地址");
        await Expect(page.GetByTestId("cm-provider-editor")).ToBeVisibleAsync();

        // A loopback address, which this installation does not allow: the server's reason shows at the field.
        await page.FillAsync("#cm-provider-base-url", "http://127.0.0.1:11434/v1");
        await page.ClickAsync("[data-testid=cm-provider-save]");
        await Expect(Field(page, "cm-provider-base-url")).ToContainTextAsync("该地址位于内网、本机或保留网段，StarStudio 不会访问此类地址。");
        await Expect(page.Locator("#cm-provider-name")).ToHaveValueAsync(name);
        await Expect(page.Locator("#cm-provider-base-url")).ToHaveValueAsync("http://127.0.0.1:11434/v1");
        await Expect(page.Locator("#cm-provider-api-key")).ToHaveValueAsync("sk-keep-me");
        await page.ShotAsync("22-admin-provider-private-url");
        Assert.Equal(0L, await app.ScalarAsync($"SELECT count(*) FROM llm_providers WHERE name = '{name}'"));

        // A public address is accepted (saving does not call it).
        await page.FillAsync("#cm-provider-base-url", "http://203.0.113.7:8000/v1");
        await page.ClickAsync("[data-testid=cm-provider-save]");
        await Expect(Row(page, "cm-provider-name-cell", name)).ToContainTextAsync("http://203.0.113.7:8000");
        await Expect(page.GetByTestId("cm-provider-editor")).ToHaveCountAsync(0);

        // The same name again: refused at the name field, the address stays.
        await page.ClickAsync("[data-testid=cm-provider-add]");
        await page.FillAsync("#cm-provider-name", name);
        await page.FillAsync("#cm-provider-base-url", "http://203.0.113.8:8000");
        await page.ClickAsync("[data-testid=cm-provider-save]");
        await Expect(Field(page, "cm-provider-name")).ToContainTextAsync("已有同名的提供方。");
        await Expect(page.Locator("#cm-provider-base-url")).ToHaveValueAsync("http://203.0.113.8:8000");
        await page.ShotAsync("23-admin-provider-duplicate");
        await page.ClickAsync("[data-testid=cm-provider-cancel]");
        await Expect(page.GetByTestId("cm-provider-name-cell").Filter(new() { HasTextString = name })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task EmbeddingModels_AdminRegistersAModel_SeesItsDimension_BadInputIsExplainedAtTheField()
    {
        var name = "e2e-embed-" + Suffix();
        var page = await app.NewPageAsync();
        await page.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await page.WaitForURLAsync("**/studio");
        await page.OpenInteractiveAsync("/admin/embedding-models");
        await Expect(Row(page, "em-name-cell", "local-hash-384").GetByTestId("em-dimension-cell")).ToHaveTextAsync("384");

        // A taken name and a loopback address are both refused, each at its field; the rest stays as typed.
        await page.ClickAsync("[data-testid=em-add]");
        await page.FillAsync("#em-name", "local-hash-384");
        await page.FillAsync("#em-base-url", "http://127.0.0.1:8080/v1");
        await page.FillAsync("#em-api-key", "sk-embed");
        await page.ClickAsync("[data-testid=em-save]");
        await Expect(Field(page, "em-name")).ToContainTextAsync("已有同名的模型。");
        await Expect(Field(page, "em-base-url")).ToContainTextAsync("该地址位于内网、本机或保留网段");
        await Expect(page.Locator("#em-base-url")).ToHaveValueAsync("http://127.0.0.1:8080/v1");
        await Expect(page.Locator("#em-api-key")).ToHaveValueAsync("sk-embed");
        await page.ShotAsync("24-admin-embedding-errors");

        // Only the dimensions the vector store supports can be chosen.
        await Field(page.GetByTestId("em-dimension")).ClickAsync();
        var choices = page.Locator(".mud-popover-open .mud-list-item");
        await Expect(choices).ToHaveTextAsync(["384", "768", "1024", "1536"]);
        await choices.Filter(new() { HasTextString = "768" }).ClickAsync();

        // The built-in provider needs no address or key; the model is listed with its dimension.
        await page.FillAsync("#em-name", name);
        await page.ClickAsync("[data-testid=em-provider-local]");
        await Expect(page.Locator("#em-base-url")).ToHaveCountAsync(0);
        await page.FillAsync("#em-max-input", "512");
        await page.ClickAsync("[data-testid=em-save]");
        var row = Row(page, "em-name-cell", name);
        await Expect(row.GetByTestId("em-dimension-cell")).ToHaveTextAsync("768");
        await Expect(row.GetByTestId("em-active")).ToHaveTextAsync("已启用");
        await Expect(page.GetByTestId("em-editor")).ToHaveCountAsync(0);
        await page.ShotAsync("25-admin-embedding-registered");
        Assert.Equal(768, await app.ScalarAsync($"SELECT dimension FROM embeddings_models WHERE name = '{name}'"));
    }

    [Fact]
    public async Task ModelPages_Player_IsForbidden_Anonymous_IsSentToSignIn()
    {
        var player = await app.NewPageAsync();
        await player.RegisterAsync($"mp-{Guid.NewGuid():N}@example.test", "玩家", "Passw0rd!p");
        await player.WaitForURLAsync("**/studio");
        var anonymous = await app.NewPageAsync();

        foreach (var path in new[] { "/admin/models", "/admin/embedding-models" })
        {
            var response = await player.GotoAsync(path);
            Assert.Equal(403, response?.Status);
            await Expect(player.GetByTestId("forbidden")).ToContainTextAsync("403");
            await Expect(player.Locator("[data-testid=cm-provider-grid], [data-testid=em-grid], [data-testid=cm-provider-add], [data-testid=em-add]")).ToHaveCountAsync(0);

            await anonymous.GotoAsync(path);
            Assert.Contains("/account/login", anonymous.Url, StringComparison.Ordinal);
        }

        await player.ShotAsync("26-admin-models-forbidden");
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>The grid row whose cell <paramref name="cellTestId"/> reads exactly <paramref name="text"/>.</summary>
    private static ILocator Row(IPage page, string cellTestId, string text) =>
        page.Locator("tr").Filter(new() { Has = page.GetByTestId(cellTestId).Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(text) + "$") }) });

    /// <summary>A text field with its label, helper and error text.</summary>
    private static ILocator Field(IPage page, string inputId) => Field(page.Locator("#" + inputId));

    /// <summary>The MudBlazor input control around <paramref name="input"/>: what a person sees and clicks.</summary>
    private static ILocator Field(ILocator input) =>
        input.Locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' mud-input-control ')][1]");

    [GeneratedRegex("/studio/stars/[0-9a-f-]{36}$")]
    private static partial Regex StarUrl();
}
