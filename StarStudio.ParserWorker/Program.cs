// The parser worker: parses untrusted documents, one after another, and nothing else. The app (StarStudio.Data's
// WorkerDocumentParser) starts it with a heap cap and a minimal environment, sends a document on stdin and reads one
// reply from stdout (StarStudio.Parsing's ParserWorkerProtocol), watching the clock and the worker's memory; it kills
// the worker at the deadline or over the cap. Whatever a document does to this process — a stack overflow, running out
// of memory, never returning — ends only this process, never the app.
using System.Runtime;
using StarStudio.Core.Cards;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Cards;
using StarStudio.Parsing.Knowledge;

return ParserWorker.Run(args);

internal static class ParserWorker
{
    /// <summary>The parse runs on a thread with a large stack, so even a nesting the guards let through (they refuse
    /// depths of hundreds) has far more room than it needs; it is reserved, not committed, memory.</summary>
    private const int ParseStackBytes = 64 * 1024 * 1024;

    private const string OutOfMemoryMessage = "Reading the document needed more memory than the parser may use; it may be a decompression bomb.";

    private static int _outOfMemory;

    public static int Run(string[] args)
    {
        if (ParserWorkerProtocol.ParseArguments(args) is not { } limits)
        {
            Console.Error.WriteLine("Usage: StarStudio.ParserWorker --limits <json>; documents on stdin (see ParserWorkerProtocol).");
            return 2;
        }

        // A library that catches everything (PdfPig, reading leniently) swallows running out of memory and reports
        // "no text"; any OutOfMemoryException thrown anywhere makes the reply TooLarge, whatever became of it.
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (e.Exception is OutOfMemoryException)
            {
                Volatile.Write(ref _outOfMemory, 1);
            }
        };

        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        while (ParserWorkerProtocol.ReadRequest(stdin) is var (kind, content))
        {
            Volatile.Write(ref _outOfMemory, 0);
            Action<Stream> reply = _ => { };
            var thread = new Thread(() => reply = Parse(kind, content, limits), ParseStackBytes) { Name = "parse" };
            thread.Start();
            thread.Join();
            content = [];
            if (Volatile.Read(ref _outOfMemory) == 1)
            {
                reply = Failure(DocumentParseCodes.TooLarge, OutOfMemoryMessage);
            }

            ParserWorkerProtocol.WriteReply(stdout, reply);
        }

        return 0;
    }

    /// <summary>Parses and returns how to write the reply (so the document's bytes can be released before writing).</summary>
    private static Action<Stream> Parse(KnowledgeFileKind kind, byte[] content, DocumentParserLimits limits)
    {
        if ((int)kind == ParserWorkerProtocol.CardRequestKind)
        {
            return ParseCard(content, limits.Cards);
        }

        try
        {
            if (content.Length == 0)
            {
                return Failure(DocumentParseCodes.Empty, "The file is empty.");
            }

            var document = InProcessDocumentParser.Parse(kind, content, limits, new ParseBudget(limits.Timeout, CancellationToken.None));
            var chars = document.Units.Sum(u => (long)u.Text.Length);
            if (chars > limits.MaxExtractedChars)
            {
                return Failure(
                    DocumentParseCodes.TooLarge,
                    $"The document yields {chars / 1_000_000} million characters of text; at most {limits.MaxExtractedChars / 1_000_000} million are indexed.");
            }

            return output => ParserWorkerProtocol.WriteSuccess(output, document);
        }
        catch (DocumentParseException ex)
        {
            return Failure(ex.Code, ex.Message);
        }
        catch (OutOfMemoryException)
        {
            // The heap cap (DOTNET_GCHeapHardLimit) was reached: whatever was being built is garbage now.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            return Failure(DocumentParseCodes.TooLarge, OutOfMemoryMessage);
        }
        catch (InsufficientExecutionStackException)
        {
            return Failure(DocumentParseCodes.TooDeep, "The document nests too deeply to be read.");
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "kind")
        {
            return Failure(DocumentParseCodes.Corrupt, "Unknown file kind.");
        }
    }

    /// <summary>A character card: the normalised card and its avatar, or why the file was refused.</summary>
    private static Action<Stream> ParseCard(byte[] content, CardLimits limits)
    {
        try
        {
            var card = CardReader.Read(content, limits);
            return output => ParserWorkerProtocol.WriteCard(output, card);
        }
        catch (CardParseException ex)
        {
            return output => ParserWorkerProtocol.WriteFailure(output, ex.Code, ex.Message, ex.Args);
        }
        catch (OutOfMemoryException)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            return Failure(CardParseCodes.OutOfMemory, OutOfMemoryMessage);
        }
        catch (InsufficientExecutionStackException)
        {
            return Failure(CardParseCodes.TooDeep, "The card nests too deeply to be read.");
        }
    }

    private static Action<Stream> Failure(string code, string message) =>
        output => ParserWorkerProtocol.WriteFailure(output, code, message);
}
