using System.Security.Cryptography;
using System.Text;
using StarStudio.Core.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> adapter must do. Each test writes under its own key prefix, so runs
/// against a shared server (s3rver) never see each other's objects.
/// </summary>
public abstract class ObjectStoreContract : IAsyncLifetime
{
    private IObjectStore? store;

    /// <summary>A prefix no other test uses.</summary>
    protected string Prefix { get; } = $"contract-{Guid.NewGuid():N}/";

    protected IObjectStore Store => store ??= CreateStore();

    protected abstract IObjectStore CreateStore();

    public virtual Task InitializeAsync() => Store.EnsureBucketsAsync();

    public virtual async Task DisposeAsync()
    {
        if (store is null)
        {
            return;
        }

        try
        {
            foreach (var bucket in Buckets.All)
            {
                await foreach (var key in store.ListAsync(bucket, Prefix))
                {
                    await store.DeleteAsync(bucket, key);
                }
            }
        }
        catch (Exception)
        {
            // Cleanup only; the test's own result is what matters.
        }

        (store as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Put_NewObject_GetReturnsSameBytesTypeAndLength()
    {
        var key = Prefix + "notes/hello.txt";
        var bytes = Encoding.UTF8.GetBytes("你好，星辰 — hello");

        await Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream(bytes), "text/plain; charset=utf-8");

        await using var stored = await Store.GetAsync(Buckets.KnowledgeRaw, key);
        Assert.NotNull(stored);
        Assert.Equal("text/plain; charset=utf-8", stored.ContentType);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.Equal(bytes, await ReadAllAsync(stored));
    }

    [Fact]
    public async Task Put_EmptyObject_GetReturnsEmptyContent()
    {
        var key = Prefix + "empty.bin";

        await Store.PutAsync(Buckets.Exports, key, new MemoryStream(), "application/octet-stream");

        await using var stored = await Store.GetAsync(Buckets.Exports, key);
        Assert.NotNull(stored);
        Assert.Equal(0, stored.Length);
        Assert.Empty(await ReadAllAsync(stored));
    }

    [Fact]
    public async Task Put_ExistingKey_ReplacesContentAndType()
    {
        var key = Prefix + "avatar.img";
        await Store.PutAsync(Buckets.Avatars, key, new MemoryStream([1, 2, 3, 4, 5, 6]), "image/png");

        await Store.PutAsync(Buckets.Avatars, key, new MemoryStream([9, 8]), "image/webp");

        await using var stored = await Store.GetAsync(Buckets.Avatars, key);
        Assert.NotNull(stored);
        Assert.Equal("image/webp", stored.ContentType);
        Assert.Equal(2, stored.Length);
        Assert.Equal(new byte[] { 9, 8 }, await ReadAllAsync(stored));
        Assert.Equal([key], await ListAsync(Buckets.Avatars, Prefix));
    }

    [Fact]
    public async Task Put_NonSeekableStream_IsStoredWhole()
    {
        var key = Prefix + "upload.bin";
        var bytes = RandomNumberGenerator.GetBytes(200_000);

        await Store.PutAsync(Buckets.KnowledgeRaw, key, new NonSeekableStream(bytes), "application/pdf");

        await using var stored = await Store.GetAsync(Buckets.KnowledgeRaw, key);
        Assert.NotNull(stored);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.Equal(bytes, await ReadAllAsync(stored));
    }

    [Fact]
    public async Task Put_FiveMegabyteObject_RoundTripsExactly()
    {
        var key = Prefix + "artifacts/adapter.safetensors";
        var bytes = RandomNumberGenerator.GetBytes((5 * 1024 * 1024) + 123);

        await Store.PutAsync(Buckets.ModelArtifacts, key, new MemoryStream(bytes), "application/octet-stream");

        await using var stored = await Store.GetAsync(Buckets.ModelArtifacts, key);
        Assert.NotNull(stored);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.Equal(SHA256.HashData(bytes), await SHA256.HashDataAsync(stored.Content));
    }

    [Fact]
    public async Task Put_EveryBucket_IsReadableFromThatBucketOnly()
    {
        foreach (var bucket in Buckets.All)
        {
            await Store.PutAsync(bucket, Prefix + "probe.txt", new MemoryStream(Encoding.UTF8.GetBytes(bucket)), "text/plain");
        }

        foreach (var bucket in Buckets.All)
        {
            await using var stored = await Store.GetAsync(bucket, Prefix + "probe.txt");
            Assert.NotNull(stored);
            Assert.Equal(bucket, Encoding.UTF8.GetString(await ReadAllAsync(stored)));
        }
    }

    [Fact]
    public async Task Get_MissingObject_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(Buckets.TrialResponses, Prefix + "missing.json"));
        Assert.Null(await Store.GetAsync(Buckets.TrialResponses, Prefix + "no/such/folder/missing.json"));
    }

    [Fact]
    public async Task Exists_AfterPutAndAfterDelete_FollowsTheObject()
    {
        var key = Prefix + "exists.txt";
        Assert.False(await Store.ExistsAsync(Buckets.Exports, key));

        await Store.PutAsync(Buckets.Exports, key, new MemoryStream([1]), "text/plain");
        Assert.True(await Store.ExistsAsync(Buckets.Exports, key));

        await Store.DeleteAsync(Buckets.Exports, key);
        Assert.False(await Store.ExistsAsync(Buckets.Exports, key));
        Assert.Null(await Store.GetAsync(Buckets.Exports, key));
    }

    [Fact]
    public async Task Delete_MissingOrAlreadyDeletedObject_DoesNotThrow()
    {
        var key = Prefix + "twice.txt";
        await Store.PutAsync(Buckets.Exports, key, new MemoryStream([1]), "text/plain");

        await Store.DeleteAsync(Buckets.Exports, key);
        await Store.DeleteAsync(Buckets.Exports, key);
        await Store.DeleteAsync(Buckets.Exports, Prefix + "never/existed.txt");

        Assert.False(await Store.ExistsAsync(Buckets.Exports, key));
    }

    [Fact]
    public async Task List_ByPrefix_ReturnsMatchingKeysInOrdinalOrder()
    {
        string[] keys = ["list/b.txt", "list/a/10.txt", "list/a/2.txt", "list/B.txt", "list/_x.txt", "list-sibling.txt", "other/z.txt"];
        foreach (var key in keys.Reverse())
        {
            await Store.PutAsync(Buckets.KnowledgeRaw, Prefix + key, new MemoryStream([1]), "text/plain");
        }

        var folder = await ListAsync(Buckets.KnowledgeRaw, Prefix + "list/");
        var partial = await ListAsync(Buckets.KnowledgeRaw, Prefix + "list");
        var all = await ListAsync(Buckets.KnowledgeRaw, Prefix);

        Assert.Equal(Ordinal(keys.Where(k => k.StartsWith("list/", StringComparison.Ordinal))), folder);
        Assert.Equal(Ordinal(keys.Where(k => k.StartsWith("list", StringComparison.Ordinal))), partial);
        Assert.Equal(Ordinal(keys), all);
        Assert.Empty(await ListAsync(Buckets.Exports, Prefix));
    }

    [Fact]
    public async Task List_PrefixWithoutObjects_ReturnsEmpty()
    {
        Assert.Empty(await ListAsync(Buckets.KnowledgeRaw, Prefix + "nothing-here/"));
        Assert.Empty(await ListAsync(Buckets.KnowledgeRaw, Prefix + "nothing-here"));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("..")]
    [InlineData("./a.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\..\\b.txt")]
    [InlineData("a//b.txt")]
    [InlineData("folder/")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("with space.txt")]
    [InlineData("naïve.txt")]
    [InlineData("a%2F..%2Fb")]
    public async Task AnyOperation_InvalidKey_IsRejected(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream([1]), "text/plain"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(Buckets.KnowledgeRaw, key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(Buckets.KnowledgeRaw, key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(Buckets.KnowledgeRaw, key));
    }

    [Fact]
    public async Task AnyOperation_KeyLongerThan512Characters_IsRejected()
    {
        var key = Prefix + new string('a', 513);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream([1]), "text/plain"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(Buckets.KnowledgeRaw, key));
    }

    [Theory]
    [InlineData("no-such-bucket")]
    [InlineData("../knowledge-raw")]
    [InlineData("")]
    [InlineData("KNOWLEDGE-RAW")]
    public async Task AnyOperation_UnknownBucket_IsRejected(string bucket)
    {
        var key = Prefix + "file.txt";
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(bucket, key, new MemoryStream([1]), "text/plain"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(bucket, key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(bucket, key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(bucket, key));
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync(bucket, Prefix));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("../knowledge-raw/")]
    [InlineData("a/../../")]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("a//")]
    [InlineData("a\\b")]
    public async Task List_TraversalOrMalformedPrefix_IsRejected(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync(Buckets.KnowledgeRaw, prefix));
    }

    [Fact]
    public async Task EnsureBuckets_CalledAgain_KeepsExistingObjects()
    {
        var key = Prefix + "kept.txt";
        await Store.PutAsync(Buckets.Exports, key, new MemoryStream([7]), "text/plain");

        await Store.EnsureBucketsAsync();

        Assert.True(await Store.ExistsAsync(Buckets.Exports, key));
    }

    [Fact]
    public async Task Ping_StoreReachable_ReturnsTrue()
    {
        Assert.True(await Store.PingAsync());
    }

    protected async Task<List<string>> ListAsync(string bucket, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(bucket, prefix))
        {
            keys.Add(key);
        }

        return keys;
    }

    protected static async Task<byte[]> ReadAllAsync(StoredObject stored)
    {
        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private List<string> Ordinal(IEnumerable<string> keys) =>
        keys.Select(k => Prefix + k).Order(StringComparer.Ordinal).ToList();

    /// <summary>An upload as it arrives from a browser: readable once, length unknown.</summary>
    protected sealed class NonSeekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 4096));
        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
