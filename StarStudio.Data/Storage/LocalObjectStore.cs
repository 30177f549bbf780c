using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using StarStudio.Core.Storage;

namespace StarStudio.Data.Storage;

/// <summary>
/// The object store in a local directory: one directory per bucket, one file per object at the key's path.
/// </summary>
/// <remarks>
/// Each file starts with a small header that holds the content type, so content and type are replaced
/// together by one atomic rename: a reader sees the old object or the new one, never half of either. Names
/// with '~' (which keys cannot contain) are the store's own temporary files and are never listed. As on a
/// file system, a key cannot be both an object and a "folder" of other keys ("a" and "a/b").
/// </remarks>
public sealed class LocalObjectStore : IObjectStore
{
    internal const string DefaultContentType = "application/octet-stream";
    private const int CopyBufferSize = 81_920;
    private static readonly byte[] Magic = "SSOBJ1"u8.ToArray();

    private readonly string root;

    /// <param name="root">An absolute directory (the DI registration resolves relative configuration).</param>
    public LocalObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        this.root = Path.GetFullPath(root);
    }

    public string Root => root;

    public Task EnsureBucketsAsync(CancellationToken ct = default)
    {
        foreach (var bucket in Buckets.All)
        {
            Directory.CreateDirectory(Path.Combine(root, bucket));
        }

        return Task.CompletedTask;
    }

    public async Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var path = ObjectPath(bucket, key);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}~{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous))
            {
                await file.WriteAsync(Header(contentType), ct);
                await content.CopyToAsync(file, CopyBufferSize, ct);
                await file.FlushAsync(ct);
                // On disk before the rename makes it visible, so a crash cannot leave a torn object behind.
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public async Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default)
    {
        var path = ObjectPath(bucket, key);
        FileStream file;
        try
        {
            // FileShare.Delete: an overwrite or delete may go ahead while a reader still holds the old file.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException && !File.Exists(path))
        {
            return null;
        }

        try
        {
            var (contentType, headerLength) = await ReadHeaderAsync(file, ct);
            var body = new WindowStream(file, headerLength);
            return new StoredObject(body, contentType, body.Length);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default) =>
        Task.FromResult(File.Exists(ObjectPath(bucket, key)));

    public Task DeleteAsync(string bucket, string key, CancellationToken ct = default)
    {
        var path = ObjectPath(bucket, key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing under that path: the object is already gone.
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ObjectPrefixes.Validate(bucket, prefix);
        var bucketDir = BucketDirectory(bucket);
        // Only the folder named by the prefix's whole segments can hold matches; start the walk there.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? bucketDir : Path.Combine(bucketDir, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar));
        if (!IsUnder(bucketDir, start, allowEqual: true) || !Directory.Exists(start))
        {
            yield break;
        }

        var keys = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(start, "*", options))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(bucketDir, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.Contains('~') || !key.StartsWith(prefix, StringComparison.Ordinal) || !IsValidKey(bucket, key))
            {
                continue;
            }

            keys.Add(key);
        }

        // The file system enumerates in no particular order; the port promises ordinal order.
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ct.ThrowIfCancellationRequested();
            yield return key;
            await Task.CompletedTask;
        }
    }

    public Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            Directory.CreateDirectory(root);
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    private string BucketDirectory(string bucket) => Path.Combine(root, bucket);

    /// <summary>The file of an object; validated by the key rules and, as a second line, by the resolved path.</summary>
    private string ObjectPath(string bucket, string key)
    {
        ObjectKeys.Validate(bucket, key);
        var bucketDir = BucketDirectory(bucket);
        var path = Path.GetFullPath(Path.Combine(bucketDir, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!IsUnder(bucketDir, path, allowEqual: false))
        {
            throw new ArgumentException($"Invalid object key '{key}'.", nameof(key));
        }

        return path;
    }

    private static bool IsUnder(string directory, string path, bool allowEqual)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return (allowEqual && string.Equals(full, dir, StringComparison.Ordinal))
            || full.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static bool IsValidKey(string bucket, string key)
    {
        try
        {
            ObjectKeys.Validate(bucket, key);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static byte[] Header(string contentType)
    {
        var type = Encoding.UTF8.GetBytes(contentType);
        if (type.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The content type is too long.", nameof(contentType));
        }

        var header = new byte[Magic.Length + 2 + type.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(Magic.Length), (ushort)type.Length);
        type.CopyTo(header, Magic.Length + 2);
        return header;
    }

    /// <summary>Reads the header; a file without one (put there by hand) is all content, of unknown type.</summary>
    private static async Task<(string ContentType, long HeaderLength)> ReadHeaderAsync(FileStream file, CancellationToken ct)
    {
        var fixedPart = new byte[Magic.Length + 2];
        var read = await file.ReadAtLeastAsync(fixedPart, fixedPart.Length, throwOnEndOfStream: false, ct);
        if (read == fixedPart.Length && fixedPart.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            var typeLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(Magic.Length));
            var type = new byte[typeLength];
            await file.ReadExactlyAsync(type, ct);
            return (Encoding.UTF8.GetString(type), fixedPart.Length + typeLength);
        }

        return (DefaultContentType, 0);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stray temporary file is never listed or read; leave it rather than hide the original error.
        }
    }

    /// <summary>A read-only, seekable view of a file from <c>start</c> to its end: the object's content after the header.</summary>
    private sealed class WindowStream : Stream
    {
        private readonly FileStream inner;
        private readonly long start;
        private readonly long length;

        public WindowStream(FileStream inner, long start)
        {
            this.inner = inner;
            this.start = start;
            length = inner.Length - start;
            inner.Position = start;
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => inner.Position - start;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                inner.Position = start + value;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => Position + offset,
                SeekOrigin.End => length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin)),
            };
            Position = target;
            return target;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
