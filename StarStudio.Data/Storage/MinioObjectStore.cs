using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Minio;
using Minio.DataModel;
using Minio.DataModel.Args;
using Minio.Exceptions;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Storage;

/// <summary>The object store on MinIO or any S3-compatible server, through the Minio SDK.</summary>
public sealed class MinioObjectStore(IMinioClient client) : IObjectStore, IDisposable
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Builds a client for <paramref name="options"/> (endpoint as host:port, without scheme).</summary>
    public static IMinioClient CreateClient(ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new S3ListingNamespaceHandler
        {
            InnerHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            },
        };
        // No overall timeout: model artifacts take longer than any fixed limit to move. Callers cancel,
        // and a dead server fails at connect.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new MinioClient()
            .WithEndpoint(options.Endpoint)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithSSL(options.UseSsl)
            .WithRegion(options.Region)
            .WithHttpClient(http, disposeHttpClient: true)
            .Build();
    }

    public async Task EnsureBucketsAsync(CancellationToken ct = default)
    {
        foreach (var bucket in Buckets.All)
        {
            await EnsureBucketAsync(bucket, ct);
        }
    }

    public async Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default)
    {
        ObjectKeys.Validate(bucket, key);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);

        // The SDK needs the size up front; a stream that cannot tell (an upload in flight) is spooled to disk first.
        Stream? spool = null;
        try
        {
            var source = content;
            if (!content.CanSeek)
            {
                spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81_920,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await content.CopyToAsync(spool, ct);
                spool.Position = 0;
                source = spool;
            }

            var start = source.Position;
            try
            {
                await PutSeekableAsync(bucket, key, source, contentType, ct);
            }
            catch (BucketNotFoundException)
            {
                // The buckets are made on start; one removed behind the app's back is made again once.
                await EnsureBucketAsync(bucket, ct);
                source.Position = start;
                await PutSeekableAsync(bucket, key, source, contentType, ct);
            }
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }
    }

    public async Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default)
    {
        ObjectKeys.Validate(bucket, key);
        var stat = await StatOrNullAsync(bucket, key, ct);
        if (stat is null)
        {
            return null;
        }

        // The SDK hands the body to a callback that must finish before the response is released. A pipe lets
        // the caller read it as it arrives, with at most a megabyte in memory, instead of buffering the object.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        _ = Task.Run(() => PumpAsync(bucket, key, stat.ETag, pipe.Writer), CancellationToken.None);
        var contentType = string.IsNullOrEmpty(stat.ContentType) ? LocalObjectStore.DefaultContentType : stat.ContentType;
        return new StoredObject(pipe.Reader.AsStream(), contentType, stat.Size);
    }

    public async Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default)
    {
        ObjectKeys.Validate(bucket, key);
        return await StatOrNullAsync(bucket, key, ct) is not null;
    }

    public async Task DeleteAsync(string bucket, string key, CancellationToken ct = default)
    {
        ObjectKeys.Validate(bucket, key);
        try
        {
            await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject(key), ct);
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            // Already gone.
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ObjectPrefixes.Validate(bucket, prefix);
        var keys = new List<string>();
        try
        {
            var args = new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true);
            await foreach (var item in client.ListObjectsEnumAsync(args, ct))
            {
                if (!item.IsDir)
                {
                    keys.Add(item.Key);
                }
            }
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            yield break;
        }

        // S3 promises UTF-8 byte order, which is ordinal order for valid keys, but not every compatible
        // server keeps it (s3rver does not); the port promises ordinal order, so sort the keys here.
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            yield return key;
        }
    }

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(PingTimeout);
        try
        {
            await client.ListBucketsAsync(cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => (client as IDisposable)?.Dispose();

    private async Task EnsureBucketAsync(string bucket, CancellationToken ct)
    {
        if (await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket), ct))
        {
            return;
        }

        try
        {
            await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket), ct);
        }
        catch (MinioException ex) when (ex.Response?.Code is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another instance made it first.
        }
    }

    private Task PutSeekableAsync(string bucket, string key, Stream source, string contentType, CancellationToken ct) =>
        client.PutObjectAsync(new PutObjectArgs()
            .WithBucket(bucket)
            .WithObject(key)
            .WithStreamData(source)
            .WithObjectSize(source.Length - source.Position)
            .WithContentType(contentType), ct);

    private async Task<ObjectStat?> StatOrNullAsync(string bucket, string key, CancellationToken ct)
    {
        try
        {
            return await client.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject(key), ct);
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            return null;
        }
    }

    private async Task PumpAsync(string bucket, string key, string? etag, PipeWriter writer)
    {
        Exception? error = null;
        try
        {
            var args = new GetObjectArgs()
                .WithBucket(bucket)
                .WithObject(key)
                .WithCallbackStream(async (body, token) => await body.CopyToAsync(writer, token));
            if (!string.IsNullOrEmpty(etag))
            {
                // Fails rather than mixing a replacement's bytes with the type and length read before it.
                args = args.WithMatchETag(etag);
            }

            await client.GetObjectAsync(args, CancellationToken.None);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // The reader sees the end of the object, or the error that cut it short.
        await writer.CompleteAsync(error);
    }

    private static bool IsNotFound(Exception ex) =>
        ex is ObjectNotFoundException or BucketNotFoundException
        || ex is MinioException { Response.Code: "NoSuchKey" or "NoSuchBucket" or "NotFound" };

    /// <summary>
    /// Some S3-compatible servers (s3rver among them) answer a ListObjectsV2 request under the XML namespace
    /// <c>http://doc.s3.amazonaws.com/2006-03-01/</c> instead of S3's, and the SDK then finds no keys. This
    /// puts S3's namespace on such listing answers and passes everything else through untouched.
    /// </summary>
    internal sealed class S3ListingNamespaceHandler : DelegatingHandler
    {
        private const string Wrong = "<ListBucketResult xmlns=\"http://doc.s3.amazonaws.com/2006-03-01/\"";
        private const string Right = "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Get || response.StatusCode != HttpStatusCode.OK
                || request.RequestUri?.Query.Contains("list-type=2", StringComparison.Ordinal) != true
                || response.Content.Headers.ContentType?.MediaType?.EndsWith("xml", StringComparison.OrdinalIgnoreCase) != true)
            {
                return response;
            }

            // A listing page holds at most 1000 keys: small enough to read whole.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains(Wrong, StringComparison.Ordinal))
            {
                body = body.Replace(Wrong, Right, StringComparison.Ordinal);
            }

            var content = new StringContent(body, Encoding.UTF8);
            foreach (var header in response.Content.Headers)
            {
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.Remove(header.Key);
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            response.Content.Dispose();
            response.Content = content;
            return response;
        }
    }
}
