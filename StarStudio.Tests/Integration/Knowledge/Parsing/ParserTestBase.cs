using StarStudio.Core.Knowledge.Parsing;
using StarStudio.Parsing.Knowledge;

namespace StarStudio.Tests.Integration.Knowledge.Parsing;

/// <summary>Shared helpers for the parser tests: parse bytes, expect a failure code.</summary>
public abstract class ParserTestBase
{
    protected static Task<ParsedDocument> ParseAsync(KnowledgeFileKind kind, byte[] bytes, InProcessDocumentParser? parser = null, CancellationToken ct = default) =>
        (parser ?? new InProcessDocumentParser()).ParseAsync(kind, new MemoryStream(bytes), ct);

    protected static async Task<DocumentParseException> ParseFailsAsync(KnowledgeFileKind kind, byte[] bytes, string code, InProcessDocumentParser? parser = null)
    {
        var ex = await Assert.ThrowsAsync<DocumentParseException>(() => ParseAsync(kind, bytes, parser));
        Assert.Equal(code, ex.Code);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        return ex;
    }

    /// <summary>A stream that cannot seek and has no buffer to borrow, as a network or object-store stream is.</summary>
    protected sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
