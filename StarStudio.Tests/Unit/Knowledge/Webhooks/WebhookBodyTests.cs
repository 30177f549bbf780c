using StarStudio.Core.Knowledge.Webhooks;

namespace StarStudio.Tests.Unit.Knowledge.Webhooks;

public sealed class WebhookBodyTests
{
    [Fact]
    public async Task ReadAsync_BodyWithinTheLimit_ReturnsItsBytes()
    {
        var body = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();

        Assert.Equal(body, await WebhookBody.ReadAsync(new MemoryStream(body), body.Length));
    }

    [Fact]
    public async Task ReadAsync_BodyOverTheLimit_IsNullAndStopsReading()
    {
        var source = new CountingStream(1_000_000);

        Assert.Null(await WebhookBody.ReadAsync(source, 100_000));
        // It stops within one chunk of the limit instead of reading the whole (possibly endless) body.
        Assert.InRange(source.Served, 100_001, 100_000 + (128 * 1024));
    }

    [Fact]
    public async Task ReadAsync_EmptyBody_IsEmpty()
    {
        Assert.Empty((await WebhookBody.ReadAsync(Stream.Null, 10))!);
    }

    /// <summary>A stream of <c>length</c> zero bytes that counts what it served.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Served);
            Array.Clear(buffer, offset, n);
            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
