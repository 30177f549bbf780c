using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// The object store contract on an S3 server through the Minio SDK: s3rver, which ./test.sh always starts.
/// Without <c>STARSTUDIO_TEST_S3</c> these tests fail (they are not skipped): a missing server is a broken setup.
/// </summary>
public sealed class MinioObjectStoreTests : ObjectStoreContract
{
    protected override IObjectStore CreateStore() => new MinioObjectStore(MinioObjectStore.CreateClient(TestS3.Options()));

    [Fact]
    public async Task Ping_ServerNotListening_ReturnsFalse()
    {
        var options = TestS3.Options();
        options.Endpoint = "127.0.0.1:9"; // discard port: nothing listens there
        using var unreachable = new MinioObjectStore(MinioObjectStore.CreateClient(options));

        Assert.False(await unreachable.PingAsync());
    }

    [Fact]
    public async Task Get_StreamDisposedBeforeTheEnd_StopsCleanly()
    {
        var key = Prefix + "stream.bin";
        var bytes = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(bytes);
        await Store.PutAsync(Buckets.ModelArtifacts, key, new MemoryStream(bytes), "application/octet-stream");

        await using var stored = await Store.GetAsync(Buckets.ModelArtifacts, key);
        Assert.NotNull(stored);
        var first = new byte[1024];
        await stored.Content.ReadExactlyAsync(first);
        Assert.Equal(bytes.AsSpan(0, 1024).ToArray(), first);
        // Leaving the block disposes the stream two megabytes early: that must neither hang nor throw.
    }
}

/// <summary>The S3 server of the test run.</summary>
internal static class TestS3
{
    public static ObjectStoreOptions Options()
    {
        var url = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_S3");
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                "STARSTUDIO_TEST_S3 is not set: the MinIO object store tests need an S3 server. Run them through ./test.sh, " +
                "which starts s3rver, or run: scripts/s3rver.sh start && eval \"$(scripts/s3rver.sh env)\".");
        }

        var uri = new Uri(url);
        return new ObjectStoreOptions
        {
            Provider = "Minio",
            Endpoint = $"{uri.Host}:{uri.Port}",
            UseSsl = uri.Scheme == Uri.UriSchemeHttps,
            AccessKey = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_S3_ACCESS_KEY") is { Length: > 0 } a ? a : "S3RVER",
            SecretKey = Environment.GetEnvironmentVariable("STARSTUDIO_TEST_S3_SECRET_KEY") is { Length: > 0 } s ? s : "S3RVER",
        };
    }
}
