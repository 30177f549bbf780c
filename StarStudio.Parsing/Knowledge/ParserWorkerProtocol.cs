using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>
/// The one wire format between the app and the parser worker: the request is the file kind and the limits as
/// arguments with the file's bytes on stdin; the reply is one JSON object on stdout, either the units or a failure code.
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
    public static IReadOnlyList<string> Arguments(KnowledgeFileKind kind, DocumentParserLimits limits) =>
        ["--kind", kind.ToString(), "--limits", JsonSerializer.Serialize(limits, Wire.DocumentParserLimits)];

    /// <summary>Reads <see cref="Arguments"/> back; null when they are not of that form.</summary>
    public static (KnowledgeFileKind Kind, DocumentParserLimits Limits)? ParseArguments(IReadOnlyList<string> args)
    {
        if (args.Count != 4 || args[0] != "--kind" || args[2] != "--limits"
            || !Enum.TryParse<KnowledgeFileKind>(args[1], out var kind) || !Enum.IsDefined(kind))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(args[3], Wire.DocumentParserLimits) is { } limits ? (kind, limits) : null;
        }
        catch (JsonException)
        {
            return null;
        }
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

    /// <summary>Writes a failure as the reply.</summary>
    public static void WriteFailure(Stream output, string code, string message) =>
        JsonSerializer.Serialize(output, new WorkerReply { Code = code, Message = message }, Wire.WorkerReply);

    /// <summary>Reads a reply: the document, or the failure the worker reported. Null when the stream holds no
    /// complete reply (the worker died mid-way).</summary>
    public static async Task<WorkerOutcome?> ReadReplyAsync(Stream input, CancellationToken ct)
    {
        WorkerReply? reply;
        try
        {
            reply = await JsonSerializer.DeserializeAsync(input, Wire.WorkerReply, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }

        return reply switch
        {
            null => null,
            { Code: { } code } => new WorkerOutcome(null, new DocumentParseException(code, reply.Message ?? code)),
            _ => new WorkerOutcome(
                new ParsedDocument((reply.Units ?? []).Select(u => new DocumentUnit(u.Text ?? "", u.Page, u.HeadingPath ?? [])).ToList(), reply.PageCount),
                null),
        };
    }

    internal sealed class WorkerReply
    {
        public string? Code { get; set; }

        public string? Message { get; set; }

        public int PageCount { get; set; }

        public List<WorkerUnit>? Units { get; set; }
    }

    internal sealed class WorkerUnit
    {
        public string? Text { get; set; }

        public int? Page { get; set; }

        public string[]? HeadingPath { get; set; }
    }
}

/// <summary>What a worker replied: a document, or the failure to throw.</summary>
public sealed record WorkerOutcome(ParsedDocument? Document, DocumentParseException? Failure);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ParserWorkerProtocol.WorkerReply))]
[JsonSerializable(typeof(DocumentParserLimits))]
internal sealed partial class WireJson : JsonSerializerContext;
