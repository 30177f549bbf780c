using System.Diagnostics;
using Microsoft.Extensions.AI;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Tests.Unit.Knowledge.Embeddings;

public sealed class LocalHashingEmbedderTests
{
    private static readonly LocalHashingEmbedder Embedder = new();

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    [Fact]
    public void Embed_IsUnitLengthWithTheModelsDimension()
    {
        var v = Embedder.Embed("Rice paper from Anhui is used to repair old books.");

        Assert.Equal(384, v.Length);
        Assert.Equal(1.0, Norm(v), 5);
    }

    [Fact]
    public void Embed_IsDeterministic_AndPinnedAcrossBuilds()
    {
        var a = Embedder.Embed("宣纸 is made from blue sandalwood bark 青檀树皮");
        var b = new LocalHashingEmbedder().Embed("宣纸 is made from blue sandalwood bark 青檀树皮");

        Assert.Equal(a, b);
        // Vectors are stored; a change of the hashing would silently orphan every stored vector of the model.
        // These values pin the feature hashing: change them only together with a new model name.
        var pinned = new LocalHashingEmbedder("pin", 384).Embed("paper 纸张");
        var signature = string.Join(' ', pinned.Select((x, i) => (x, i)).Where(p => p.x != 0).Select(p => $"{p.i}{(p.x > 0 ? '+' : '-')}"));
        Assert.True(PinnedSignature == signature, signature);
    }

    // Bucket and sign of every feature of "paper 纸张" at 384 dimensions.
    private const string PinnedSignature = "29+ 246+ 261- 295+ 299- 344- 351+ 362- 378+";

    [Fact]
    public void Embed_IgnoresCase()
    {
        Assert.Equal(Embedder.Embed("Book Binding"), Embedder.Embed("book binding"));
    }

    [Fact]
    public void Embed_FoldsFullWidthLatin()
    {
        Assert.Equal(Embedder.Embed("AI 模型"), Embedder.Embed("ＡＩ 模型"));
    }

    [Fact]
    public void Embed_EmptyOrPunctuationOnly_IsTheZeroVector()
    {
        Assert.All(Embedder.Embed(""), x => Assert.Equal(0f, x));
        Assert.All(Embedder.Embed("  ,.!?。，"), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Embed_SharedChineseWords_AreCloserThanUnrelatedText()
    {
        var passage = Embedder.Embed("古籍修复常用的纸张有竹纸和皮纸，修复前要先测量原书纸张的厚度和颜色。");
        var question = Embedder.Embed("古籍修复用什么纸张？");
        var unrelated = Embedder.Embed("望远镜的口径决定了它能收集多少星光。");

        Assert.True(Cosine(passage, question) > 0.3, $"related {Cosine(passage, question):0.000}");
        Assert.True(Cosine(passage, question) > Cosine(unrelated, question) + 0.2,
            $"related {Cosine(passage, question):0.000} vs unrelated {Cosine(unrelated, question):0.000}");
    }

    [Fact]
    public void Embed_InflectedEnglishWords_StillOverlap()
    {
        var a = Embedder.Embed("bindings");
        var b = Embedder.Embed("binding");
        var c = Embedder.Embed("telescope");

        Assert.True(Cosine(a, b) > 0.2, $"{Cosine(a, b):0.000}");
        Assert.True(Math.Abs(Cosine(a, c)) < 0.1, $"{Cosine(a, c):0.000}");
    }

    [Fact]
    public void Embed_StopWordsAlone_DoNotMakeTextsSimilar()
    {
        var a = Embedder.Embed("what is the history of the telescope");
        var b = Embedder.Embed("what is the history of the paper mill");
        var c = Embedder.Embed("telescope history");

        Assert.True(Cosine(a, c) > Cosine(a, b), $"{Cosine(a, c):0.000} vs {Cosine(a, b):0.000}");
    }

    [Fact]
    public void Embed_VeryLongText_UsesThePooledTableAndStaysNormalised()
    {
        var text = string.Concat(Enumerable.Repeat("长文本测试 long text with many words 第二段落。", 2000));

        var v = Embedder.Embed(text);

        Assert.Equal(1.0, Norm(v), 4);
        Assert.Equal(v, Embedder.Embed(text));
    }

    [Fact]
    public void Embed_SupplementaryPlaneCharacters_AreHandled()
    {
        var v = Embedder.Embed("𠀀𠀁 emoji 😀 text");

        Assert.Equal(1.0, Norm(v), 5);
    }

    [Fact]
    public async Task GenerateAsync_ReturnsOneEmbeddingPerInputInOrder_WithModelId()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = new LocalHashingEmbedder("local-hash-768", 768);

        var result = await generator.GenerateAsync(["one", "two", "three"]);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(768, e.Vector.Length));
        Assert.All(result, e => Assert.Equal("local-hash-768", e.ModelId));
        Assert.Equal(new LocalHashingEmbedder("x", 768).Embed("two"), result[1].Vector.ToArray());
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal(EmbeddingProviders.Local, metadata.ProviderName);
        Assert.Equal("local-hash-768", metadata.DefaultModelId);
        Assert.Equal(768, metadata.DefaultModelDimensions);
    }

    [Fact]
    public async Task GenerateAsync_WithAnotherDimensionRequested_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Embedder.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 1536 }));
    }

    [Fact]
    public void Embed_FromSeveralThreads_GivesTheSameVectors()
    {
        var texts = Enumerable.Range(0, 200).Select(i => $"段落 {i} 讲述了第 {i % 7} 种装帧方法 binding method {i}").ToArray();
        var expected = texts.Select(Embedder.Embed).ToArray();

        var actual = new float[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = Embedder.Embed(texts[i]));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Embed_IsFastEnough()
    {
        // ~500 cl100k tokens of mixed English and Chinese. The contract (≥ 5,000 chunks/s on one core) is measured
        // in Release by the retrieval bench; this guards against an order-of-magnitude regression in any build.
        var chunk = string.Concat(Enumerable.Repeat("The conservator repairs the torn leaf with thin mulberry paper and wheat starch paste. 修复师用薄皮纸和小麦淀粉浆糊修补破损的书页。", 12));
        var destination = new float[384];
        for (var i = 0; i < 50; i++)
        {
            Embedder.Embed(chunk, destination);
        }

        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.ElapsedMilliseconds < 300)
        {
            Embedder.Embed(chunk, destination);
            n++;
        }

        var perSecond = n / sw.Elapsed.TotalSeconds;
        Assert.True(perSecond > 1000, $"{perSecond:0} chunks/s");
    }
}
