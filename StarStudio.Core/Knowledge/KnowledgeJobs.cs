using Microsoft.Extensions.AI;

namespace StarStudio.Core.Knowledge;

/// <summary>Queues ingestion work in the background job system (Hangfire in the app).</summary>
public interface IKnowledgeJobQueue
{
    /// <summary>Queues a run of the task's pipeline, acting as <paramref name="actingUserId"/> (the owner or an admin).</summary>
    void Enqueue(Guid taskId, Guid actingUserId);
}

/// <summary>The embedding model a star's vectors are made with, ready to use.</summary>
public sealed record StarEmbedder(string ModelName, int Dimension, IEmbeddingGenerator<string, Embedding<float>> Generator);

/// <summary>Chooses the embedding model for a star (today: the platform's default model).</summary>
public interface IStarEmbedderProvider
{
    Task<StarEmbedder> ForStarAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>Ids that stay the same when a task is processed again, so a rerun replaces rows instead of adding them.</summary>
public static class KnowledgeIds
{
    public static Guid Chunk(Guid taskId, int seq) => Derive(taskId, seq, 0x43);

    public static Guid Vector(Guid taskId, int seq) => Derive(taskId, seq, 0x56);

    private static Guid Derive(Guid taskId, int seq, byte kind)
    {
        Span<byte> input = stackalloc byte[21];
        taskId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], seq);
        input[20] = kind;
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5-style, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16]);
    }
}
