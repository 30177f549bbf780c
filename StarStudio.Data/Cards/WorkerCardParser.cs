using StarStudio.Core.Cards;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Data.Knowledge.Parsing;
using StarStudio.Parsing.Cards;
using StarStudio.Parsing.Knowledge;

namespace StarStudio.Data.Cards;

/// <summary>Parses card files in the parser worker, through the knowledge parser's pool (its memory cap, deadline,
/// kill and warm workers): a card is one more request kind on the same pipe.</summary>
public sealed class WorkerCardParser(WorkerDocumentParser workers) : ICardParser
{
    /// <summary>Raised after each card, for measurements (the run's wall time and the worker's peak memory).</summary>
    public event Action<WorkerRun>? Finished;

    public async Task<CardParseResult> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        WorkerOutcome outcome;
        try
        {
            (outcome, var run) = await workers.RunInWorkerAsync(ParserWorkerProtocol.CardRequestKind, content, ct).ConfigureAwait(false);
            Finished?.Invoke(run);
        }
        catch (DocumentParseException ex)
        {
            // The worker was stopped from outside: the same three ends as for a document, in the cards' own words.
            throw new CardParseException(
                ex.Code switch
                {
                    DocumentParseCodes.Timeout => CardParseCodes.Timeout,
                    DocumentParseCodes.TooLarge => CardParseCodes.OutOfMemory,
                    _ => CardParseCodes.Crashed,
                },
                ex.Message);
        }

        if (outcome.Card is { } card)
        {
            return card;
        }

        var failure = outcome.Failure;
        var code = failure?.Code switch
        {
            null => CardParseCodes.Crashed,
            DocumentParseCodes.TooLarge => CardParseCodes.OutOfMemory,
            { } c when c.StartsWith("Cards.", StringComparison.Ordinal) => c,
            _ => CardParseCodes.Crashed,
        };
        throw new CardParseException(code, failure?.Message ?? "The parser worker replied with no card.", [.. outcome.Args]);
    }
}
