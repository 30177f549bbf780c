using System.Text;
using StarStudio.Core.Cards;
using StarStudio.Data.Cards;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Parsing.Cards;
using StarStudio.Tests.Unit.Cards;

namespace StarStudio.Tests.Integration.Cards;

/// <summary>Cards go through the parser worker (the knowledge parser's pool): the same result as in process, hostile
/// files refused with their codes, and the worker's deadline applies to cards too.</summary>
public class WorkerCardParserTests
{
    [Fact]
    public async Task PngCard_InTheWorker_IsWhatTheReaderReadsInProcess()
    {
        using var workers = new WorkerDocumentParser(new ParserWorkerOptions());
        var parser = new WorkerCardParser(workers);
        var png = CardFiles.PngCard(CardFiles.V3(entries: CardFiles.Entries(5)));

        var inWorker = await parser.ParseAsync(png);
        var inProcess = CardReader.Read(png, new CardLimits());

        Assert.Equal(inProcess.Card.Name, inWorker.Card.Name);
        Assert.Equal(inProcess.Card.ExtrasJson, inWorker.Card.ExtrasJson);
        Assert.Equal(inProcess.Card.LoreEntries.Select(e => e.ExtrasJson), inWorker.Card.LoreEntries.Select(e => e.ExtrasJson));
        Assert.Equal(inProcess.Avatar, inWorker.Avatar);
        Assert.Equal(CardContainer.Png, inWorker.Container);
    }

    [Fact]
    public async Task HostileCards_FailWithTheirCodes_AndTheWorkerServesTheNextCard()
    {
        using var workers = new WorkerDocumentParser(new ParserWorkerOptions { MaxConcurrency = 1 });
        var parser = new WorkerCardParser(workers);
        var runs = new List<bool>();
        parser.Finished += run => runs.Add(run.Warm);

        var deep = Encoding.UTF8.GetBytes("{\"name\":\"x\",\"a\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        var failure = await Assert.ThrowsAsync<CardParseException>(() => parser.ParseAsync(deep));
        Assert.Equal(CardParseCodes.TooDeep, failure.Code);
        Assert.Equal(["64"], failure.Args);

        var bomb = CardFiles.Charx(("card.json", CardFiles.Utf8(CardFiles.V3())), ("assets/other/bomb.bin", new byte[40 * 1024 * 1024]));
        Assert.Equal(CardParseCodes.CharxTooLarge, (await Assert.ThrowsAsync<CardParseException>(() => parser.ParseAsync(bomb))).Code);

        var card = await parser.ParseAsync(CardFiles.Utf8(CardFiles.V2()));
        Assert.Equal("Seraphina", card.Card.Name);
        Assert.Equal([false, true, true], runs);
    }

    [Fact]
    public async Task SlowWorker_IsStoppedAtTheDeadline_WithACardsCode()
    {
        using var workers = new WorkerDocumentParser(new ParserWorkerOptions { Timeout = TimeSpan.FromMilliseconds(30) });
        var parser = new WorkerCardParser(workers);
        var failure = await Assert.ThrowsAsync<CardParseException>(() => parser.ParseAsync(CardFiles.Utf8(CardFiles.V2())));
        Assert.Equal(CardParseCodes.Timeout, failure.Code);
    }
}
