using System.Diagnostics;
using Microsoft.Extensions.AI;
using StarStudio.Data.Knowledge.Embeddings;
using Xunit.Abstractions;

namespace StarStudio.Tests.Unit.Knowledge.Embeddings;

/// <summary>The semantic model wrapper: shape, normalisation, determinism, truncation, and that it captures meaning.</summary>
public sealed class MiniLmEmbedderTests(ITestOutputHelper output)
{
    // One model per test process (it takes 1.5–3 s to load).
    private static MiniLmEmbedder Model => MiniLmEmbedder.Shared;

    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    [Fact]
    public void Embed_Makes384DimensionalUnitVectors()
    {
        var sw = Stopwatch.StartNew();
        var vectors = Model.Embed(["How do I mend a torn page?", "A much longer sentence about the conservation of old paper and how bookbinders repair it."]);
        output.WriteLine($"first call (with load if first) {sw.ElapsedMilliseconds} ms");

        Assert.All(vectors, v =>
        {
            Assert.Equal(MiniLmEmbedder.Dimension, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        });
    }

    [Fact]
    public void Embed_IsDeterministic_AloneOrInABatch()
    {
        const string text = "Wild yeast in the starter makes the dough rise.";

        var alone = Model.Embed(text);
        var again = Model.Embed(text);
        var batched = Model.Embed([text, "An unrelated sentence about telescopes and mirrors that is longer than the first one."])[0];

        Assert.Equal(alone, again);
        Assert.All(alone.Zip(batched), p => Assert.Equal(p.First, p.Second, 5));
    }

    [Fact]
    public void Embed_ParaphraseIsCloserThanUnrelatedText()
    {
        var question = Model.Embed("Why does naturally leavened loaf get bigger in the oven?");
        var paraphrase = Model.Embed("Sourdough bread rises because wild yeast in the starter ferments the flour and produces carbon dioxide gas.");
        var unrelated = Model.Embed("A reflecting telescope gathers starlight with a curved mirror instead of a lens.");

        var close = Cosine(question, paraphrase);
        var far = Cosine(question, unrelated);
        output.WriteLine($"paraphrase {close:0.000}, unrelated {far:0.000}");
        Assert.True(close > far + 0.2, $"paraphrase {close:0.000} should beat unrelated {far:0.000} clearly");
    }

    [Fact]
    public void Truncate_CutsLongTextAtAWordBoundaryWithin256WordPieces()
    {
        var words = string.Join(' ', Enumerable.Range(0, 600).Select(i => i % 3 == 0 ? "conservation" : i % 3 == 1 ? "of" : "manuscripts"));
        var shortText = "A short text stays as it is.";

        var cut = Model.Truncate(words);

        Assert.Equal(shortText, Model.Truncate(shortText));
        Assert.True(cut.Length < words.Length);
        Assert.StartsWith(cut, words, StringComparison.Ordinal);
        Assert.True(words[cut.Length] == ' ', "cut between words");
        // What is cut off does not change the vector: the model never sees it.
        Assert.Equal(Model.Embed(cut), Model.Embed(words));
        Assert.NotEqual(Model.Embed(cut), Model.Embed(cut[..(cut.Length / 2)]));
    }

    [Fact]
    public async Task GenerateAsync_ServesTheEmbeddingGeneratorContract()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Model;

        var result = await generator.GenerateAsync(["one", "two"]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(MiniLmEmbedder.ModelName, e.ModelId));
        Assert.Equal(MiniLmEmbedder.Dimension, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 768 }));
    }
}
