using System.Diagnostics;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;
using StarStudio.Data.Knowledge.Tokenization;
using StarStudio.Tests.TestData;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

/// <summary>Runs alone (no other test class in parallel) so the numbers it prints mean something.</summary>
[CollectionDefinition(nameof(ParsingMeasurement), DisableParallelization = true)]
public sealed class ParsingMeasurement;

[Collection(nameof(ParsingMeasurement))]
public class ParsingMeasurementTests(ITestOutputHelper output) : ParserTestBase
{
    /// <summary>Not an assertion: prints parse speed in pages/s and chunking time for a 200-page PDF.</summary>
    [Fact]
    public async Task Measure_Parse200PagePdfAndChunk_PrintsThroughput()
    {
        var bytes = KnowledgeDocuments.Pdf(200, n => KnowledgeDocuments.EnglishText(1500, n));
        var parser = new InProcessDocumentParser();
        await ParseAsync(KnowledgeFileKind.Pdf, KnowledgeDocuments.Pdf(2, n => KnowledgeDocuments.EnglishText(1500, n)), parser); // warm up JIT
        TextChunker.Chunk(new ParsedDocument([new DocumentUnit(KnowledgeDocuments.EnglishText(3000), 1, [])], 1), new ChunkingOptions(), Cl100kTokenCounter.Instance);

        var lines = new List<string>();
        for (var run = 1; run <= 3; run++)
        {
            var parse = Stopwatch.StartNew();
            var doc = await ParseAsync(KnowledgeFileKind.Pdf, bytes, parser);
            parse.Stop();
            var chunk = Stopwatch.StartNew();
            var chunks = TextChunker.Chunk(doc, new ChunkingOptions(), Cl100kTokenCounter.Instance);
            chunk.Stop();
            var characters = doc.Units.Sum(u => u.Text.Length);
            lines.Add($"run {run}: 200-page PDF ({bytes.Length / 1024} KB, {characters} chars): parse {parse.ElapsedMilliseconds} ms = "
                + $"{200 / parse.Elapsed.TotalSeconds:0} pages/s; chunk (500/50 tokens) {chunk.ElapsedMilliseconds} ms -> {chunks.Count} chunks");
        }

        foreach (var line in lines)
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }
    }
}
