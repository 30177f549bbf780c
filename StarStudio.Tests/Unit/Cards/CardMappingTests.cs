using System.Text.Json.Nodes;
using StarStudio.Core.Cards;
using StarStudio.Parsing.Cards;

namespace StarStudio.Tests.Unit.Cards;

public class CardMappingTests
{
    private static CardImportPlan Plan(JsonNode card)
    {
        var result = CardImportMapping.Plan(CardReader.Read(CardFiles.Utf8(card), new CardLimits()));
        Assert.True(result.Succeeded);
        return result.Value!;
    }

    [Fact]
    public void V2Card_MapsEachFieldWhereTheDocsSay()
    {
        var plan = Plan(CardFiles.V2(entries: CardFiles.Entries(3)));
        var star = plan.Star;
        Assert.Equal("Seraphina", star.Name);
        Assert.Equal("{{char}} is a guardian of the forest glade who heals travellers.", star.Persona);
        Assert.Equal("gentle, wise", star.Tone);
        Assert.Equal(CardImportMapping.DefaultDomain, star.Domain);
        Assert.Equal("*{{char}} smiles.* Welcome to my glade, {{user}}.", star.Greeting);
        Assert.Equal(2, star.AlternateGreetings.Count);
        Assert.Equal("Stay in character as {{char}}.", star.SystemPrompt);
        Assert.StartsWith("<START>", star.ExampleDialogues, StringComparison.Ordinal);
        Assert.Equal(3, plan.LoreEntries.Count);
        Assert.True(plan.UsesMacros);
        Assert.Contains(plan.Mapped, m => m.CardField == "first_mes" && m.StarField == "Greeting");
        Assert.Contains(plan.Mapped, m => m.CardField == "character_book" && m.StarField == "Lore" && m.Length == 3);
        Assert.Contains("post_history_instructions", plan.ExtraFields);
        Assert.Empty(plan.Dropped);
    }

    [Fact]
    public void LongPersonality_JoinsThePersona()
    {
        var card = CardFiles.V2();
        card["data"]!["personality"] = "Calm and patient, she listens before she speaks and never hurries anyone.";
        var plan = Plan(card);
        Assert.Equal("", plan.Star.Tone);
        Assert.EndsWith("never hurries anyone.", plan.Star.Persona, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldsOverTheLimits_AreDroppedOrCut_WithTheReason()
    {
        var card = CardFiles.V2(entries: CardFiles.Entries(2));
        var data = card["data"]!;
        data["name"] = new string('n', 100);
        data["first_mes"] = new string('g', 4001);
        data["description"] = new string('d', 9000);
        data["alternate_greetings"] = new JsonArray(Enumerable.Range(0, 12).Select(i => (JsonNode)JsonValue.Create($"hello {i}")).ToArray());
        data["tags"] = new JsonArray(Enumerable.Range(0, 11).Select(i => (JsonNode)JsonValue.Create($"t{i}")).Append(JsonValue.Create(new string('t', 30))).ToArray());
        data["character_book"]!["entries"]![1]!["content"] = new string('c', 8001);
        var plan = Plan(card);

        Assert.Equal(80, plan.Star.Name.Length);
        Assert.Equal(8000, plan.Star.Persona.Length);
        Assert.Equal("", plan.Star.Greeting);
        Assert.Equal(10, plan.Star.AlternateGreetings.Count);
        Assert.Equal(10, plan.Star.Tags.Count);
        Assert.Single(plan.LoreEntries);
        var codes = plan.Dropped.Select(d => d.Code).ToList();
        Assert.Contains("Cards.Dropped.Truncated", codes);
        Assert.Contains(plan.Dropped, d => d.Code == "Cards.Dropped.FieldTooLong" && d.Args.SequenceEqual(["first_mes", "4,001", "4,000"]));
        Assert.Equal(2, codes.Count(c => c == "Cards.Dropped.TooManyGreetings"));
        Assert.Contains("Cards.Dropped.TooManyTags", codes);
        Assert.Contains("Cards.Dropped.TagTooLong", codes);
        Assert.Contains("Cards.Dropped.LoreEntryTooLong", codes);
    }

    [Fact]
    public void CardWithoutName_OrDescription_IsRefused()
    {
        var noName = CardFiles.V1("  ");
        Assert.Equal("Cards.Import.NoName", CardImportMapping.Plan(CardReader.Read(CardFiles.Utf8(noName), new CardLimits())).Errors[0].Code);
        var empty = new JsonObject { ["name"] = "x" };
        Assert.Equal("Cards.Import.NoDescription", CardImportMapping.Plan(CardReader.Read(CardFiles.Utf8(empty), new CardLimits())).Errors[0].Code);
    }

    [Theory]
    [InlineData(CardSpec.V2)]
    [InlineData(CardSpec.V3)]
    public void Export_ThenImport_KeepsEveryField(CardSpec spec)
    {
        var first = Plan(spec == CardSpec.V3 ? CardFiles.V3(entries: CardFiles.Entries(4)) : CardFiles.V2(entries: CardFiles.Entries(4)));
        var exported = CardWriter.Write(CardImportMapping.ToCard(first.Star with { Domain = "森林疗愈" }, first.LoreEntries, first.ExtrasJson), spec);
        var json = JsonNode.Parse(exported)!;
        Assert.Equal(spec == CardSpec.V3 ? "chara_card_v3" : "chara_card_v2", json["spec"]!.GetValue<string>());
        Assert.Equal("remember the storm", json["data"]!["extensions"]!["depth_prompt"]!["prompt"]!.GetValue<string>());

        var second = Plan(json);
        Assert.Equal(first.Star with { Domain = "森林疗愈" }, second.Star with { Tags = first.Star.Tags, AlternateGreetings = first.Star.AlternateGreetings });
        Assert.Equal(first.Star.Tags, second.Star.Tags);
        Assert.Equal(first.Star.AlternateGreetings, second.Star.AlternateGreetings);
        Assert.Equal(first.LoreEntries.Count, second.LoreEntries.Count);
        for (var i = 0; i < first.LoreEntries.Count; i++)
        {
            var (a, b) = (first.LoreEntries[i], second.LoreEntries[i]);
            Assert.Equal(a.Keys, b.Keys);
            Assert.Equal(a.SecondaryKeys, b.SecondaryKeys);
            Assert.Equal((a.Content, a.Comment, a.Enabled, a.InsertionOrder, a.Constant, a.Selective), (b.Content, b.Comment, b.Enabled, b.InsertionOrder, b.Constant, b.Selective));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.ExtrasJson!), JsonNode.Parse(b.ExtrasJson!)));
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(first.ExtrasJson!), JsonNode.Parse(second.ExtrasJson!)));
    }

    [Fact]
    public void PngExport_CarriesBothChunks_AndReadsBackAsV3()
    {
        var plan = Plan(CardFiles.V2());
        var card = CardImportMapping.ToCard(plan.Star, [], plan.ExtrasJson);
        var png = PngCardWriter.Write(null, CardWriter.Write(card, CardSpec.V2, indented: false), CardWriter.Write(card, CardSpec.V3, indented: false));
        var read = CardReader.Read(png, new CardLimits());
        Assert.Equal(CardSpec.V3, read.Card.Spec);
        Assert.Equal("image/png", read.AvatarType);
        var text = System.Text.Encoding.Latin1.GetString(png);
        Assert.Contains("tEXtchara\0", text, StringComparison.Ordinal);
        Assert.Contains("tEXtccv3\0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PngExport_OfAnAvatarWithOldCardChunks_ReplacesThem()
    {
        var old = CardFiles.PngCard(CardFiles.V2("Old"));
        var plan = Plan(CardFiles.V2("New"));
        var card = CardImportMapping.ToCard(plan.Star, [], plan.ExtrasJson);
        var png = PngCardWriter.Write(old, CardWriter.Write(card, CardSpec.V2), CardWriter.Write(card, CardSpec.V3));
        Assert.Equal("New", CardReader.Read(png, new CardLimits()).Card.Name);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(System.Text.Encoding.Latin1.GetString(png), "tEXtchara\0"));
    }

    [Fact]
    public void LoreNote_HasASectionPerEnabledEntry_HeadedByItsKeys()
    {
        var plan = Plan(CardFiles.V2(entries: CardFiles.Entries(8)));
        var note = CardImportMapping.LoreNote("Sera", plan.LoreEntries);
        Assert.Contains("## key0 / alias0", note, StringComparison.Ordinal);
        Assert.DoesNotContain("## key3 /", note, StringComparison.Ordinal); // entry 3 is disabled
        Assert.Equal(7, System.Text.RegularExpressions.Regex.Count(note, "^## ", System.Text.RegularExpressions.RegexOptions.Multiline));
    }

    [Fact]
    public void FileName_IsSafe()
    {
        Assert.Equal("a_b_c.png", CardWriter.FileName("a/b\\c", CardExportFormat.Png));
        Assert.Equal("star.v2.json", CardWriter.FileName("..", CardExportFormat.V2Json));
        Assert.Equal("星星.v3.json", CardWriter.FileName("星星", CardExportFormat.V3Json));
    }
}
