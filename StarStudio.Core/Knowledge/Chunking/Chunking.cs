namespace StarStudio.Core.Knowledge.Chunking;

/// <summary>Counts tokens the way the embedding and chat models see them (cl100k by default).</summary>
public interface ITokenCounter
{
    int Count(ReadOnlySpan<char> text);
}

/// <summary>Chunk size and overlap in tokens.</summary>
public sealed record ChunkingOptions(int ChunkSizeTokens = KnowledgeConfigKeys.DefaultChunkSize, int OverlapTokens = KnowledgeConfigKeys.DefaultChunkOverlap);

/// <summary>A chunk of a document with everything a citation needs to point back to it.</summary>
/// <param name="Seq">0-based order in the document.</param>
/// <param name="CharStart">Start offset in its unit's text (inclusive).</param>
/// <param name="CharEnd">End offset in its unit's text (exclusive).</param>
public sealed record TextChunk(int Seq, string Text, int? Page, IReadOnlyList<string> HeadingPath, int CharStart, int CharEnd, int Tokens);
