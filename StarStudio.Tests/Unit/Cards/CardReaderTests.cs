using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarStudio.Core.Cards;
using StarStudio.Parsing.Cards;

namespace StarStudio.Tests.Unit.Cards;

/// <summary>The card reader in process (the integration tests run it in the worker).</summary>
public class CardReaderTests
{
    private static readonly CardLimits Limits = new();

    private static CardParseResult Read(byte[] bytes, CardLimits? limits = null) => CardReader.Read(bytes, limits ?? Limits);

    private static string Refused(byte[] bytes, CardLimits? limits = null) =>
        Assert.Throws<CardParseException>(() => Read(bytes, limits)).Code;

    [Fact]
    public void V1_FlatJson_IsRead_WithUnknownFieldsInTheExtras()
    {
        var result = Read(CardFiles.Utf8(CardFiles.V1()));
        Assert.Equal(CardSpec.V1, result.Card.Spec);
        Assert.Equal(CardContainer.Json, result.Container);
        Assert.Equal("Seraphina", result.Card.Name);
        Assert.Equal("gentle, wise", result.Card.Personality);
        Assert.Contains("<BOT>", result.Card.Description, StringComparison.Ordinal);
        Assert.Equal("2023-5-1", JsonNode.Parse(result.Card.ExtrasJson!)!["create_date"]!.GetValue<string>());
    }

    [Fact]
    public void V2_Json_KeepsFieldsEntriesAndEverythingElseAsExtras()
    {
        var result = Read(CardFiles.Utf8(CardFiles.V2(entries: CardFiles.Entries(3))));
        var card = result.Card;
        Assert.Equal(CardSpec.V2, card.Spec);
        Assert.Equal("Stay in character as {{char}}.", card.SystemPrompt);
        Assert.Equal(["The glade is quiet today, {{user}}.", "*{{char}} hums.*"], card.AlternateGreetings);
        Assert.Equal(["fantasy", "healer"], card.Tags);
        Assert.Equal(3, card.LoreEntries.Count);
        var entry = card.LoreEntries[1];
        Assert.Equal(["key1", "alias1"], entry.Keys);
        Assert.Equal(["second1"], entry.SecondaryKeys);
        Assert.Equal(101, entry.InsertionOrder);
        Assert.False(entry.Selective);
        Assert.Equal("entry 1", entry.Comment);
        var entryExtras = JsonNode.Parse(entry.ExtrasJson!)!;
        Assert.Equal("before_char", entryExtras["position"]!.GetValue<string>());
        Assert.Equal(100, entryExtras["extensions"]!["probability"]!.GetValue<int>());

        var extras = JsonNode.Parse(card.ExtrasJson!)!;
        Assert.Equal("Keep replies under 200 words.", extras["post_history_instructions"]!.GetValue<string>());
        Assert.Equal("someone", extras["creator"]!.GetValue<string>());
        Assert.Equal(4, extras["extensions"]!["depth_prompt"]!["depth"]!.GetValue<int>());
        Assert.Equal("Glade lore", extras["character_book"]!["name"]!.GetValue<string>());
        Assert.Null(extras["character_book"]!["entries"]);
        Assert.Null(extras["name"]);
    }

    [Fact]
    public void V3_Json_KeepsItsOwnFieldsAsExtras()
    {
        var result = Read(CardFiles.Utf8(CardFiles.V3()));
        Assert.Equal(CardSpec.V3, result.Card.Spec);
        var extras = JsonNode.Parse(result.Card.ExtrasJson!)!;
        Assert.Equal("Sera", extras["nickname"]!.GetValue<string>());
        Assert.Equal(1700000000, extras["creation_date"]!.GetValue<long>());
    }

    [Fact]
    public void Png_WithCharaChunk_IsItsOwnAvatar_WithoutTheCardChunk()
    {
        var result = Read(CardFiles.PngCard(CardFiles.V2()));
        Assert.Equal(CardContainer.Png, result.Container);
        Assert.Equal("Seraphina", result.Card.Name);
        Assert.Equal("image/png", result.AvatarType);
        Assert.DoesNotContain("chara", Encoding.Latin1.GetString(result.Avatar!), StringComparison.Ordinal);
        Assert.Empty(result.Dropped);
    }

    [Fact]
    public void Png_WithBothChunks_PrefersCcv3()
    {
        var png = CardFiles.Png(64, 64, CardFiles.Text("chara", CardFiles.V2("Old")), CardFiles.Text("ccv3", CardFiles.V3("New")));
        var result = Read(png);
        Assert.Equal("New", result.Card.Name);
        Assert.Equal(CardSpec.V3, result.Card.Spec);
    }

    [Fact]
    public void Png_CompressedTextChunks_AreRead()
    {
        Assert.Equal("Z", Read(CardFiles.Png(8, 8, CardFiles.ZText("chara", CardFiles.V2("Z")))).Card.Name);
        Assert.Equal("I", Read(CardFiles.Png(8, 8, CardFiles.IText("ccv3", CardFiles.V3("I")))).Card.Name);
    }

    [Fact]
    public void Png_WithA1GbImage_ImportsTheCard_WithoutTheAvatar()
    {
        // 16384 × 16384 RGBA is 1 GB decoded; the IHDR says so and nothing is decoded.
        var result = Read(CardFiles.PngCard(CardFiles.V2(), 16384, 16384));
        Assert.Equal("Seraphina", result.Card.Name);
        Assert.Null(result.Avatar);
        var drop = Assert.Single(result.Dropped);
        Assert.Equal(CardParseCodes.AvatarTooManyPixels, drop.Code);
        Assert.Equal(["16384", "16384", "4096"], drop.Args);
    }

    [Fact]
    public void Png_WithoutCardChunk_IsRefused() => Assert.Equal(CardParseCodes.PngNoCard, Refused(CardFiles.Png(8, 8)));

    [Fact]
    public void Png_TruncatedChunk_IsRefused()
    {
        var png = CardFiles.PngCard(CardFiles.V2());
        Assert.Equal(CardParseCodes.PngTruncated, Refused(png[..(png.Length - 200)]));
    }

    [Fact]
    public void Png_HugeTextChunk_IsRefusedBeforeDecoding()
    {
        var png = CardFiles.Png(8, 8, CardFiles.Text("chara", new string('A', 2 * 1024 * 1024)));
        Assert.Equal(CardParseCodes.ChunkTooLarge, Refused(png, Limits with { MaxTextChunkBytes = 1024 * 1024 }));
    }

    [Fact]
    public void Png_CompressedChunkBomb_StopsAtTheCap()
    {
        var bomb = new JsonObject { ["name"] = "x", ["description"] = new string('a', 3 * 1024 * 1024) };
        var png = CardFiles.Png(8, 8, CardFiles.ZText("chara", bomb));
        Assert.True(png.Length < 100_000);
        Assert.Equal(CardParseCodes.ChunkTooLarge, Refused(png, Limits with { MaxTextChunkBytes = 1024 * 1024 }));
    }

    [Fact]
    public void Png_InvalidBase64_IsRefused() =>
        Assert.Equal(CardParseCodes.InvalidBase64, Refused(CardFiles.Png(8, 8, CardFiles.Text("chara", "not*base64!"))));

    [Fact]
    public void Json_100000Levels_IsRefusedAsTooDeep()
    {
        var json = "{\"name\":\"x\",\"extensions\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.Equal(CardParseCodes.TooDeep, Refused(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Json_DuplicateKeys_AreRefused()
    {
        Assert.Equal(CardParseCodes.DuplicateKey, Refused("""{"spec":"chara_card_v2","data":{"name":"a","name":"b"}}"""u8.ToArray()));
        Assert.Equal(CardParseCodes.DuplicateKey, Refused("""{"name":"a","description":"x","description":"y"}"""u8.ToArray()));
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"spec\":\"chara_card_v2\"}")]
    [InlineData("[1,2]")]
    [InlineData("hello")]
    public void NotACard_IsRefused(string text) =>
        Assert.Contains(Refused(Encoding.UTF8.GetBytes(text)), new[] { CardParseCodes.InvalidJson, CardParseCodes.NotACard, CardParseCodes.UnknownFormat });

    [Fact]
    public void Lorebook_With100000Entries_KeepsTheFirst2000_AndSaysSo()
    {
        var entries = new JsonArray();
        for (var i = 0; i < 100_000; i++)
        {
            entries.Add(new JsonObject { ["keys"] = new JsonArray("k"), ["content"] = "c", ["enabled"] = true, ["insertion_order"] = i });
        }

        var result = Read(CardFiles.Utf8(CardFiles.V2(entries: entries)));
        Assert.Equal(2000, result.Card.LoreEntries.Count);
        Assert.Equal(1999, result.Card.LoreEntries[^1].InsertionOrder);
        var drop = Assert.Single(result.Dropped);
        Assert.Equal(CardParseCodes.LoreOverLimit, drop.Code);
        Assert.Equal(["98,000", "2,000"], drop.Args);
    }

    [Fact]
    public void Html_InFields_IsKeptAsText()
    {
        var card = CardFiles.V2("<script>alert(1)</script>");
        card["data"]!["description"] = "<img src=x onerror=alert(1)>";
        var result = Read(CardFiles.Utf8(card));
        Assert.Equal("<script>alert(1)</script>", result.Card.Name);
        Assert.Equal("<img src=x onerror=alert(1)>", result.Card.Description);
    }

    [Fact]
    public void NulCharacters_AreRemoved_SincePostgresCannotStoreThem()
    {
        var card = CardFiles.V2("Se\0ra", CardFiles.Entries(1));
        card["data"]!["extensions"]!["x\0"] = "a\0b";
        card["data"]!["character_book"]!["entries"]![0]!["extensions"] = new JsonObject { ["n"] = "\0" };
        var result = Read(CardFiles.Utf8(card));
        Assert.Equal("Sera", result.Card.Name);
        Assert.DoesNotContain("\\u0000", result.Card.ExtrasJson!, StringComparison.Ordinal);
        Assert.Equal("ab", JsonNode.Parse(result.Card.ExtrasJson!)!["extensions"]!["x"]!.GetValue<string>());
        Assert.DoesNotContain("\\u0000", result.Card.LoreEntries[0].ExtrasJson!, StringComparison.Ordinal);
    }

    [Fact]
    public void Charx_ReadsCardJsonAndTheMainIcon()
    {
        var icon = CardFiles.Png(32, 32);
        var charx = CardFiles.Charx(
            ("card.json", CardFiles.Utf8(CardFiles.V3WithIcon("embeded://assets/icon/images/main.png"))),
            ("assets/icon/images/main.png", icon));
        var result = Read(charx);
        Assert.Equal(CardContainer.Charx, result.Container);
        Assert.Equal(icon, result.Avatar);
        Assert.Null(JsonNode.Parse(result.Card.ExtrasJson!)!["assets"]);
    }

    [Fact]
    public void Charx_IconThatIsNotAnImage_IsDropped()
    {
        var charx = CardFiles.Charx(
            ("card.json", CardFiles.Utf8(CardFiles.V3WithIcon("embeded://assets/icon/images/main.png"))),
            ("assets/icon/images/main.png", "<svg onload=alert(1)>"u8.ToArray()));
        var result = Read(charx);
        Assert.Null(result.Avatar);
        Assert.Equal(CardParseCodes.AvatarNotImage, Assert.Single(result.Dropped).Code);
    }

    [Fact]
    public void Charx_RemoteIcon_IsNeverFetched()
    {
        var result = Read(CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3WithIcon("https://example.com/a.png")))));
        Assert.Equal(CardParseCodes.AvatarRemote, Assert.Single(result.Dropped).Code);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("assets/../../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/windows/evil.txt")]
    [InlineData("..\\evil.txt")]
    public void Charx_PathTraversal_IsRefused(string path)
    {
        var charx = CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3())), (path, [1, 2, 3]));
        Assert.Equal(CardParseCodes.CharxUnsafePath, Refused(charx));
    }

    [Fact]
    public void Charx_ZipBomb_IsRefusedFromTheCentralDirectory()
    {
        var charx = CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3())), ("assets/other/bomb.bin", new byte[8 * 1024 * 1024]));
        Assert.True(charx.Length < 100_000);
        Assert.Equal(CardParseCodes.CharxTooLarge, Refused(charx, Limits with { MaxCharxEntryBytes = 1024 * 1024 }));
        Assert.Equal(CardParseCodes.CharxTooLarge, Refused(charx, Limits with { MaxCharxTotalBytes = 4 * 1024 * 1024 }));
    }

    [Fact]
    public void Charx_TooManyEntries_IsRefused()
    {
        var entries = Enumerable.Range(0, 20).Select(i => ($"assets/other/{i}.bin", new byte[] { 1 })).Append(("card.json", CardFiles.Utf8(CardFiles.V3()))).ToArray();
        Assert.Equal(CardParseCodes.CharxTooManyEntries, Refused(CardFiles.Charx(entries), Limits with { MaxCharxEntries = 10 }));
    }

    [Fact]
    public void Charx_WithoutCardJson_IsRefused() =>
        Assert.Equal(CardParseCodes.CharxNoCard, Refused(CardFiles.Charx(("other.json", [1]))));

    [Fact]
    public void Empty_And_TooLarge_AreRefused()
    {
        Assert.Equal(CardParseCodes.Empty, Refused([]));
        Assert.Equal(CardParseCodes.FileTooLarge, Refused(new byte[2048], Limits with { MaxFileBytes = 1024 }));
    }

    [Fact]
    public void WrongFieldType_IsDroppedAndSaid()
    {
        var card = CardFiles.V2();
        card["data"]!["scenario"] = 42;
        var result = Read(CardFiles.Utf8(card));
        Assert.Equal("", result.Card.Scenario);
        Assert.Contains(result.Dropped, d => d.Code == CardParseCodes.WrongType && d.CardField == "scenario");
    }

    [Fact]
    public void Result_SurvivesTheWorkerPipeAsJson()
    {
        var result = Read(CardFiles.PngCard(CardFiles.V2(entries: CardFiles.Entries(2))));
        var back = JsonSerializer.Deserialize<CardParseResult>(JsonSerializer.Serialize(result))!;
        Assert.Equal(result.Avatar, back.Avatar);
        Assert.Equal(result.Card.LoreEntries[1].Keys, back.Card.LoreEntries[1].Keys);
    }
}
