using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Cards;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Cards;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Data.Stars;
using StarStudio.Parsing.Cards;
using StarStudio.Tests.Integration.Knowledge.Pipeline;
using StarStudio.Tests.Unit.Cards;
using StarStudio.Tests.Unit.Localization;

namespace StarStudio.Tests.Integration.Cards;

/// <summary>Import and export end to end: the worker parses, the star, avatar, lore entries and note are stored as
/// the current user, and every hostile file ends in a translated message without a star.</summary>
public sealed class CardServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly WorkerDocumentParser Workers = new(new ParserWorkerOptions());
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-cards-").FullName;
    private KnowledgeHarness? harness;

    private KnowledgeHarness H => harness ??= new KnowledgeHarness(pg, objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private IStarService Stars(UserContext user) => new StarServiceFactory(H.Objects, TimeProvider.System).Create(pg.Db(user));

    private ICardService Cards(UserContext user) =>
        new CardService(pg.Db(user), new FixedCurrentUser(user), new WorkerCardParser(Workers), Stars(user), H.Service(user), TimeProvider.System);

    private async Task<CardImportResult> ImportAsync(UserContext owner, byte[] file)
    {
        var result = await Cards(owner).ImportAsync(new MemoryStream(file), "card");
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        return result.Value!;
    }

    public static TheoryData<string> Formats => ["v1", "v2", "v3", "png-chara", "png-both", "png-ztxt", "charx"];

    private static byte[] File(string format) => format switch
    {
        "v1" => CardFiles.Utf8(CardFiles.V1()),
        "v2" => CardFiles.Utf8(CardFiles.V2(entries: CardFiles.Entries(3))),
        "v3" => CardFiles.Utf8(CardFiles.V3(entries: CardFiles.Entries(3))),
        "png-chara" => CardFiles.PngCard(CardFiles.V2(entries: CardFiles.Entries(3))),
        "png-both" => CardFiles.Png(64, 64, CardFiles.Text("chara", CardFiles.V2("Old")), CardFiles.Text("ccv3", CardFiles.V3(entries: CardFiles.Entries(3)))),
        "png-ztxt" => CardFiles.Png(64, 64, CardFiles.ZText("chara", CardFiles.V2(entries: CardFiles.Entries(3)))),
        _ => CardFiles.Charx(
            ("card.json", CardFiles.Utf8(CardFiles.V3WithIcon("embeded://assets/icon/images/main.png").Also(c => c["data"]!["character_book"] = new JsonObject { ["extensions"] = new JsonObject(), ["entries"] = CardFiles.Entries(3) }))),
            ("assets/icon/images/main.png", CardFiles.Png(32, 32))),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Import_EachFormat_CreatesTheStarWithItsFields(string format)
    {
        var owner = await pg.CreateUserAsync();
        var imported = await ImportAsync(owner, File(format));

        var star = (await Stars(owner).GetAsync(imported.Star.Id)).Value!;
        Assert.Equal("Seraphina", star.Name);
        Assert.Equal(CardImportMapping.DefaultDomain, star.Domain);
        Assert.Equal("gentle, wise", star.Tone);
        Assert.Contains("{{user}}", star.Greeting, StringComparison.Ordinal);
        Assert.StartsWith("<START>", star.ExampleDialogues, StringComparison.Ordinal);
        Assert.Equal(owner.UserId, star.OwnerId);
        if (format != "v1")
        {
            Assert.Equal("Stay in character as {{char}}.", star.SystemPrompt);
            Assert.Equal(2, star.AlternateGreetings.Count);
            Assert.Equal(["fantasy", "healer"], star.Tags);
            Assert.Equal(3, imported.LoreEntries);
        }

        Assert.Equal(format.StartsWith("png", StringComparison.Ordinal) || format == "charx", star.AvatarKey is not null);
    }

    [Fact]
    public async Task Import_PngWithLorebook_StoresEntriesInOrder_AndOneNoteThatRetrievalIndexes()
    {
        var owner = await pg.CreateUserAsync();
        var imported = await ImportAsync(owner, CardFiles.PngCard(CardFiles.V2(entries: CardFiles.Entries(8, contentChars: 120))));

        await using (var db = pg.OwnerContext())
        {
            var entries = await db.LoreEntries.Where(e => e.StarId == imported.Star.Id).OrderBy(e => e.EntryOrder).ToListAsync();
            Assert.Equal(8, entries.Count);
            Assert.Equal(Enumerable.Range(0, 8), entries.Select(e => e.EntryOrder));
            Assert.Equal(["key5", "alias5"], entries[5].Keys);
            Assert.False(entries[3].Enabled);
            Assert.All(entries, e => Assert.Equal(imported.NoteTaskId, e.KnowledgeTaskId));
            Assert.Equal(1, await db.KnowledgeTasks.CountAsync(t => t.StarId == imported.Star.Id));
        }

        await H.RunQueuedAsync();
        var chunks = string.Join("\n", (await H.Service(owner).ListChunksAsync(imported.Star.Id, null, 0, 100)).Items.Select(c => c.Text));
        Assert.Contains("Lore 5:", chunks, StringComparison.Ordinal);
        Assert.DoesNotContain("Lore 3:", chunks, StringComparison.Ordinal); // disabled entries are kept for export, not indexed
    }

    [Theory]
    [InlineData(CardExportFormat.V3Json)]
    [InlineData(CardExportFormat.V2Json)]
    [InlineData(CardExportFormat.Png)]
    public async Task ImportExportImport_KeepsEveryFieldStarStudioKeeps(CardExportFormat format)
    {
        var owner = await pg.CreateUserAsync();
        var source = CardFiles.V3(entries: CardFiles.Entries(6));
        source["data"]!["tags"] = new JsonArray("fantasy", "healer", "森林");
        var first = await ImportAsync(owner, CardFiles.PngCard(source));

        var exported = await Cards(owner).ExportAsync(first.Star.Id, format);
        Assert.True(exported.Succeeded);
        Assert.Equal(format == CardExportFormat.Png ? "image/png" : "application/json", exported.Value!.ContentType);
        var second = await ImportAsync(owner, exported.Value.Content);

        var (a, b) = ((await Stars(owner).GetAsync(first.Star.Id)).Value!, (await Stars(owner).GetAsync(second.Star.Id)).Value!);
        Assert.Equal(a.Name, b.Name);
        Assert.Equal(a.Domain, b.Domain);
        Assert.Equal(a.Persona, b.Persona);
        Assert.Equal(a.Tone, b.Tone);
        Assert.Equal(a.Tags, b.Tags);
        Assert.Equal(a.SystemPrompt, b.SystemPrompt);
        Assert.Equal(a.Greeting, b.Greeting);
        Assert.Equal(a.AlternateGreetings, b.AlternateGreetings);
        Assert.Equal(a.ExampleDialogues, b.ExampleDialogues);
        Assert.Equal(a.Scenario, b.Scenario);
        Assert.Equal(a.CreatorNotes, b.CreatorNotes);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.CardExtras!), JsonNode.Parse(b.CardExtras!)), $"{a.CardExtras}\n{b.CardExtras}");
        Assert.Equal(format == CardExportFormat.Png, b.AvatarKey is not null); // a JSON card carries no image

        await using var db = pg.OwnerContext();
        var ea = await db.LoreEntries.Where(e => e.StarId == a.Id).OrderBy(e => e.EntryOrder).ToListAsync();
        var eb = await db.LoreEntries.Where(e => e.StarId == b.Id).OrderBy(e => e.EntryOrder).ToListAsync();
        Assert.Equal(ea.Count, eb.Count);
        for (var i = 0; i < ea.Count; i++)
        {
            Assert.Equal(ea[i].Keys, eb[i].Keys);
            Assert.Equal(ea[i].SecondaryKeys, eb[i].SecondaryKeys);
            Assert.Equal((ea[i].Content, ea[i].Comment, ea[i].Enabled, ea[i].InsertionOrder, ea[i].Constant, ea[i].Selective, ea[i].EntryOrder),
                (eb[i].Content, eb[i].Comment, eb[i].Enabled, eb[i].InsertionOrder, eb[i].Constant, eb[i].Selective, eb[i].EntryOrder));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ea[i].Extras!), JsonNode.Parse(eb[i].Extras!)));
        }
    }

    [Fact]
    public async Task Export_AStarMadeInTheStudio_IsAValidCardWithItsDomain_AndAGeneratedPng()
    {
        var owner = await pg.CreateUserAsync();
        var star = (await Stars(owner).CreateAsync(new StarDraft { Name = "墨痕", Domain = "古籍修复", Persona = "修复师 {{char}}", Greeting = "你好，{{user}}。" })).Value!;

        var v2 = JsonNode.Parse((await Cards(owner).ExportAsync(star.Id, CardExportFormat.V2Json)).Value!.Content)!;
        Assert.Equal("chara_card_v2", v2["spec"]!.GetValue<string>());
        Assert.Equal("你好，{{user}}。", v2["data"]!["first_mes"]!.GetValue<string>());
        Assert.Equal("古籍修复", v2["data"]!["extensions"]!["starstudio"]!["domain"]!.GetValue<string>());
        Assert.Equal("", v2["data"]!["creator"]!.GetValue<string>());

        var png = (await Cards(owner).ExportAsync(star.Id, CardExportFormat.Png)).Value!;
        Assert.Equal("墨痕.png", png.FileName);
        var back = CardReader.Read(png.Content, new CardLimits());
        Assert.Equal("古籍修复", back.Card.Domain);
        Assert.Equal("image/png", back.AvatarType);
    }

    [Fact]
    public async Task Export_SomeoneElsesStar_IsNotFound()
    {
        var owner = await pg.CreateUserAsync();
        var other = await pg.CreateUserAsync();
        var imported = await ImportAsync(owner, File("v2"));

        Assert.Equal(ResultKind.NotFound, (await Cards(other).ExportAsync(imported.Star.Id, CardExportFormat.V3Json)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Cards(UserContext.Anonymous).PreviewAsync(new MemoryStream(File("v2")), "card")).Kind);
    }

    [Fact]
    public async Task Preview_WritesNothing()
    {
        var owner = await pg.CreateUserAsync();
        var preview = await Cards(owner).PreviewAsync(new MemoryStream(File("png-chara")), "card.png");

        Assert.True(preview.Succeeded);
        Assert.Equal(3, preview.Value!.LoreEntries.Count);
        Assert.True(preview.Value.HasAvatar);
        await using var db = pg.OwnerContext();
        Assert.False(await db.Stars.AnyAsync(s => s.OwnerId == owner.UserId));
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "huge-text-chunk", CardParseCodes.ChunkTooLarge },
        { "truncated-chunk", CardParseCodes.PngTruncated },
        { "invalid-base64", CardParseCodes.InvalidBase64 },
        { "json-100000-levels", CardParseCodes.TooDeep },
        { "duplicate-keys", CardParseCodes.DuplicateKey },
        { "charx-zip-bomb", CardParseCodes.CharxTooLarge },
        { "charx-path-traversal", CardParseCodes.CharxUnsafePath },
        { "not-a-card", CardParseCodes.PngNoCard },
    };

    private static byte[] HostileFile(string name) => name switch
    {
        // 13 MB of base64 in the chara chunk: over the 12 MB chunk limit, refused before decoding.
        "huge-text-chunk" => CardFiles.Png(8, 8, CardFiles.Text("chara", new string('A', 13 * 1024 * 1024))),
        "truncated-chunk" => CardFiles.PngCard(CardFiles.V2())[..^300],
        "invalid-base64" => CardFiles.Png(8, 8, CardFiles.Text("chara", "%%% not base64 %%%")),
        "json-100000-levels" => Encoding.UTF8.GetBytes("{\"name\":\"x\",\"extensions\":{\"a\":" + new string('[', 100_000) + new string(']', 100_000) + "}}"),
        "duplicate-keys" => """{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Good","name":"Evil","description":"x"}}"""u8.ToArray(),
        "charx-zip-bomb" => CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3())), ("assets/other/zeros.bin", new byte[64 * 1024 * 1024])),
        "charx-path-traversal" => CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3())), ("../../../../tmp/evil.sh", "#!/bin/sh\nrm -rf /"u8.ToArray())),
        _ => CardFiles.Png(64, 64),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileFile_IsRefusedWithATranslatedMessage_AndCreatesNothing(string name, string code)
    {
        var owner = await pg.CreateUserAsync();
        var result = await Cards(owner).ImportAsync(new MemoryStream(HostileFile(name)), name);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        var error = Assert.Single(result.Errors);
        Assert.Equal(code, error.Code);
        AssertTranslated(error.Code);
        await using var db = pg.OwnerContext();
        Assert.False(await db.Stars.AnyAsync(s => s.OwnerId == owner.UserId));
    }

    [Fact]
    public async Task Png_WithA1GbImage_ImportsTheCard_WithoutTheAvatar()
    {
        var owner = await pg.CreateUserAsync();
        var imported = await ImportAsync(owner, CardFiles.PngCard(CardFiles.V2(), 16384, 16384));

        Assert.Null(imported.Star.AvatarKey);
        var drop = Assert.Single(imported.Dropped);
        Assert.Equal(CardParseCodes.AvatarTooManyPixels, drop.Code);
        AssertTranslated(drop.Code);
    }

    [Fact]
    public async Task Charx_AvatarThatIsNotAnImage_IsDropped_AndTheCardImports()
    {
        var owner = await pg.CreateUserAsync();
        var charx = CardFiles.Charx(
            ("card.json", CardFiles.Utf8(CardFiles.V3WithIcon("embeded://assets/icon/images/main.png"))),
            ("assets/icon/images/main.png", "<html><script>alert(1)</script></html>"u8.ToArray()));
        var imported = await ImportAsync(owner, charx);

        Assert.Null(imported.Star.AvatarKey);
        Assert.Equal(CardParseCodes.AvatarNotImage, Assert.Single(imported.Dropped).Code);
        AssertTranslated(CardParseCodes.AvatarNotImage);
    }

    [Fact]
    public async Task Lorebook_With100000Entries_Imports2000_AndSaysTheRestAreDropped()
    {
        var owner = await pg.CreateUserAsync();
        var entries = new JsonArray();
        for (var i = 0; i < 100_000; i++)
        {
            entries.Add(new JsonObject { ["keys"] = new JsonArray($"k{i}"), ["content"] = $"c{i}" });
        }

        var imported = await ImportAsync(owner, CardFiles.Utf8(CardFiles.V2(entries: entries)));

        Assert.Equal(2000, imported.LoreEntries);
        var drop = Assert.Single(imported.Dropped);
        Assert.Equal(CardParseCodes.LoreOverLimit, drop.Code);
        Assert.Equal(["98,000", "2,000"], drop.Args);
        AssertTranslated(drop.Code);
        await using var db = pg.OwnerContext();
        Assert.Equal(2000, await db.LoreEntries.CountAsync(e => e.StarId == imported.Star.Id));
    }

    [Fact]
    public async Task HtmlAndScripts_InEveryField_AreStoredAsText()
    {
        var owner = await pg.CreateUserAsync();
        const string Script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var card = CardFiles.V2("Evil" + Script[..20], CardFiles.Entries(1));
        foreach (var field in new[] { "description", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt" })
        {
            card["data"]![field] = field + Script;
        }

        card["data"]!["character_book"]!["entries"]![0]!["content"] = Script;
        var imported = await ImportAsync(owner, CardFiles.Utf8(card));

        var star = (await Stars(owner).GetAsync(imported.Star.Id)).Value!;
        Assert.Equal("description" + Script, star.Persona);
        Assert.Equal("first_mes" + Script, star.Greeting);
        Assert.Equal("system_prompt" + Script, star.SystemPrompt);
        await using var db = pg.OwnerContext();
        Assert.Equal(Script, (await db.LoreEntries.SingleAsync(e => e.StarId == star.Id)).Content);
    }

    [Fact]
    public async Task FileOverTheUploadLimit_IsRefusedBeforeParsing()
    {
        var owner = await pg.CreateUserAsync();
        var result = await Cards(owner).PreviewAsync(new MemoryStream(new byte[CardImportMapping.MaxUploadBytes + 1]), "big.png");
        Assert.Equal("Cards.Parse.FileTooLarge", Assert.Single(result.Errors).Code);
    }

    /// <summary>A "clear message": the code has a non-empty text in English and in Chinese.</summary>
    private static void AssertTranslated(string code)
    {
        foreach (var file in new[] { "SharedResource.resx", "SharedResource.zh-CN.resx" })
        {
            var path = Path.Combine(ResourceTests.RepoRoot(), "StarStudio.Web", "Resources", file);
            var value = XDocument.Load(path).Root!.Elements("data").FirstOrDefault(d => (string?)d.Attribute("name") == code)?.Element("value")?.Value;
            Assert.False(string.IsNullOrWhiteSpace(value), $"{code} has no text in {file}");
        }
    }
}

internal static class JsonNodeExtensions
{
    public static T Also<T>(this T node, Action<T> change)
        where T : JsonNode
    {
        change(node);
        return node;
    }
}
