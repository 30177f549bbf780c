using System.Text;
using StarStudio.Core.Storage;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>The object store contract on a local directory, plus what only a file system can get wrong.</summary>
public sealed class LocalObjectStoreTests : ObjectStoreContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "starstudio-objects-" + Guid.NewGuid().ToString("N"));

    protected override IObjectStore CreateStore() => new LocalObjectStore(root);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Put_ManyWrites_LeavesNoTemporaryFilesBehind()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.PutAsync(Buckets.KnowledgeRaw, Prefix + "doc.txt", new MemoryStream(Encoding.UTF8.GetBytes($"v{i}")), "text/plain");
        }

        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.Single(files);
        Assert.DoesNotContain('~', files[0]);
    }

    [Fact]
    public async Task Put_SourceFailsHalfway_PreviousObjectStaysWhole()
    {
        var key = Prefix + "doc.txt";
        await Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream(Encoding.UTF8.GetBytes("old")), "text/plain");

        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(Buckets.KnowledgeRaw, key, new FailingStream(bytesBeforeFailure: 100_000), "application/pdf"));

        await using var stored = await Store.GetAsync(Buckets.KnowledgeRaw, key);
        Assert.NotNull(stored);
        Assert.Equal("text/plain", stored.ContentType);
        Assert.Equal("old", Encoding.UTF8.GetString(await ReadAllAsync(stored)));
        Assert.Equal([key], await ListAsync(Buckets.KnowledgeRaw, Prefix));
        Assert.Single(Directory.GetFiles(root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Get_ObjectReplacedWhileReading_ReaderKeepsTheVersionItOpened()
    {
        var key = Prefix + "doc.txt";
        await Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream(Encoding.UTF8.GetBytes("first version")), "text/plain");
        await using var reader = await Store.GetAsync(Buckets.KnowledgeRaw, key);
        Assert.NotNull(reader);

        await Store.PutAsync(Buckets.KnowledgeRaw, key, new MemoryStream(Encoding.UTF8.GetBytes("second")), "text/markdown");

        Assert.Equal("first version", Encoding.UTF8.GetString(await ReadAllAsync(reader)));
        await using var current = await Store.GetAsync(Buckets.KnowledgeRaw, key);
        Assert.Equal("text/markdown", current!.ContentType);
        Assert.Equal("second", Encoding.UTF8.GetString(await ReadAllAsync(current)));
    }

    [Fact]
    public async Task Get_FilePlacedByHand_IsReadAsOctetStream()
    {
        var path = Path.Combine(root, Buckets.Exports, "contract-by-hand", "report.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "plain file");

        await using var stored = await Store.GetAsync(Buckets.Exports, "contract-by-hand/report.txt");

        Assert.NotNull(stored);
        Assert.Equal("application/octet-stream", stored.ContentType);
        Assert.Equal("plain file", Encoding.UTF8.GetString(await ReadAllAsync(stored)));
    }

    [Fact]
    public async Task Get_ContentStream_IsSeekableWithinTheObject()
    {
        var key = Prefix + "seek.txt";
        await Store.PutAsync(Buckets.Exports, key, new MemoryStream(Encoding.UTF8.GetBytes("0123456789")), "text/plain");

        await using var stored = await Store.GetAsync(Buckets.Exports, key);
        Assert.NotNull(stored);
        stored.Content.Seek(-3, SeekOrigin.End);
        Assert.Equal("789", Encoding.UTF8.GetString(await ReadAllAsync(stored)));
        stored.Content.Position = 0;
        Assert.Equal("0123456789", Encoding.UTF8.GetString(await ReadAllAsync(stored)));
    }

    [Fact]
    public async Task List_StrayFilesInBucketFolder_AreNotListed()
    {
        await Store.PutAsync(Buckets.Exports, Prefix + "real.txt", new MemoryStream([1]), "text/plain");
        var folder = Path.Combine(root, Buckets.Exports, Prefix.TrimEnd('/'));
        await File.WriteAllTextAsync(Path.Combine(folder, ".real.txt~0123.tmp"), "left by a crash");
        await File.WriteAllTextAsync(Path.Combine(folder, "bad name.txt"), "not a valid key");

        Assert.Equal([Prefix + "real.txt"], await ListAsync(Buckets.Exports, Prefix));
    }

    [Fact]
    public async Task List_WholeBucket_NeverReachesFoldersBesideIt()
    {
        var outside = Path.Combine(root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret");
        await Store.EnsureBucketsAsync();

        Assert.Empty(await ListAsync(Buckets.Exports, ""));
        Assert.Null(await Store.GetAsync(Buckets.Exports, "outside/secret.txt"));
    }

    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (sent >= bytesBeforeFailure)
            {
                throw new IOException("The connection was reset.");
            }

            var n = Math.Min(count, bytesBeforeFailure - sent);
            Array.Fill(buffer, (byte)'x', offset, n);
            sent += n;
            return n;
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
