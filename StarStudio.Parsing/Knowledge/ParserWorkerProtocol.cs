using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using StarStudio.Core.Cards;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>
/// The one wire format between the app and the parser worker: the limits as arguments; then, per document, a request
/// on stdin (kind, length, bytes) and a reply on stdout (length, then one JSON object: the units or a failure code).
/// A worker parses documents one after another until its stdin closes, so the JIT's work is paid once per worker.
/// </summary>
/// <remarks>Both sides use this class, so the format is written in one place.</remarks>
public static class ParserWorkerProtocol
{
    /// <summary>Chinese text stays UTF-8 on the pipe (3 bytes a character) rather than <c>\uXXXX</c> escapes (6); the
    /// reply goes to the app, never into a page.</summary>
    private static readonly WireJson Wire = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>The worker's assembly file, expected next to the app's own assemblies.</summary>
    public const string WorkerFileName = "StarStudio.ParserWorker.dll";

    /// <summary>The worker's command line after the assembly path.</summary>
    public static IReadOnlyList<string> Arguments(DocumentParserLimits limits) =>
        ["--limits", JsonSerializer.Serialize(limits, Wire.DocumentParserLimits)];

    /// <summary>Reads <see cref="Arguments"/> back; null when they are not of that form.</summary>
    public static DocumentParserLimits? ParseArguments(IReadOnlyList<string> args)
    {
        if (args.Count != 2 || args[0] != "--limits")
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(args[1], Wire.DocumentParserLimits);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The request kind of a character card (beside the <see cref="KnowledgeFileKind"/> values); its reply
    /// carries a <see cref="CardParseResult"/>.</summary>
    public const int CardRequestKind = 1000;

    /// <summary>One request: the kind (4 bytes) and the length (8 bytes), little-endian, then the file's bytes.</summary>
    public static Task WriteRequestAsync(Stream output, KnowledgeFileKind kind, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        WriteRequestAsync(output, (int)kind, content, ct);

    /// <summary>One request of a kind given as its number (<see cref="CardRequestKind"/> for a card).</summary>
    public static async Task WriteRequestAsync(Stream output, int kind, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, kind);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(4), content.Length);
        await output.WriteAsync(header, ct).ConfigureAwait(false);
        await output.WriteAsync(content, ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads one request; null at the end of the input (the app has no more documents for this worker).</summary>
    public static (KnowledgeFileKind Kind, byte[] Content)? ReadRequest(Stream input)
    {
        var header = new byte[12];
        if (input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            return null;
        }

        var kind = (KnowledgeFileKind)BinaryPrimitives.ReadInt32LittleEndian(header);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(4));
        if (length < 0 || length > Array.MaxLength)
        {
            return null;
        }

        var content = new byte[length];
        input.ReadExactly(content);
        return (kind, content);
    }

    /// <summary>Writes one reply: its length (4 bytes, little-endian), then the JSON.</summary>
    public static void WriteReply(Stream output, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        buffer.Write(new byte[4]);
        write(buffer);
        var bytes = buffer.GetBuffer();
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)buffer.Length - 4);
        output.Write(bytes, 0, (int)buffer.Length);
        output.Flush();
    }

    /// <summary>Reads one reply; an <see cref="EndOfStreamException"/> when the worker died before finishing it, an
    /// <see cref="InvalidDataException"/> when it is longer than <paramref name="maxBytes"/> or not a reply.</summary>
    public static async Task<WorkerOutcome> ReadReplyAsync(Stream input, long maxBytes, CancellationToken ct)
    {
        var header = new byte[4];
        await input.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxBytes)
        {
            throw new InvalidDataException($"The parser worker's reply of {length} bytes is over the limit of {maxBytes}.");
        }

        var body = new byte[length];
        await input.ReadExactlyAsync(body, ct).ConfigureAwait(false);
        WorkerReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(body, Wire.WorkerReply);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The parser worker's reply is not valid.", ex);
        }

        return reply switch
        {
            null => throw new InvalidDataException("The parser worker's reply is empty."),
            { Code: { } code } => new WorkerOutcome(null, new DocumentParseException(code, reply.Message ?? code)) { Args = reply.Args ?? [] },
            { Card: { } card } => new WorkerOutcome(null, null) { Card = card },
            _ => new WorkerOutcome(
                new ParsedDocument((reply.Units ?? []).Select(u => new DocumentUnit(u.Text ?? "", u.Page, u.HeadingPath ?? [])).ToList(), reply.PageCount),
                null),
        };
    }

    /// <summary>Writes a parsed document as the reply.</summary>
    public static void WriteSuccess(Stream output, ParsedDocument document) =>
        JsonSerializer.Serialize(
            output,
            new WorkerReply
            {
                PageCount = document.PageCount,
                Units = document.Units.Select(u => new WorkerUnit { Text = u.Text, Page = u.Page, HeadingPath = [.. u.HeadingPath] }).ToList(),
            },
            Wire.WorkerReply);

    /// <summary>Writes a parsed card as the reply.</summary>
    public static void WriteCard(Stream output, CardParseResult card) =>
        JsonSerializer.Serialize(output, new WorkerReply { Card = card }, Wire.WorkerReply);

    /// <summary>Writes a failure as the reply (with the arguments its message formats in, for a card).</summary>
    public static void WriteFailure(Stream output, string code, string message, IReadOnlyList<string>? args = null) =>
        JsonSerializer.Serialize(output, new WorkerReply { Code = code, Message = message, Args = args is { Count: > 0 } ? [.. args] : null }, Wire.WorkerReply);

    internal sealed class WorkerReply
    {
        public string? Code { get; set; }

        public string? Message { get; set; }

        public int PageCount { get; set; }

        public List<WorkerUnit>? Units { get; set; }

        public CardParseResult? Card { get; set; }

        public string[]? Args { get; set; }
    }

    internal sealed class WorkerUnit
    {
        public string? Text { get; set; }

        public int? Page { get; set; }

        public string[]? HeadingPath { get; set; }
    }
}

/// <summary>What a worker replied: a document or a card, or the failure to throw (with its message's arguments).</summary>
public sealed record WorkerOutcome(ParsedDocument? Document, DocumentParseException? Failure)
{
    public CardParseResult? Card { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ParserWorkerProtocol.WorkerReply))]
[JsonSerializable(typeof(DocumentParserLimits))]
internal sealed partial class WireJson : JsonSerializerContext;
