using Microsoft.EntityFrameworkCore;
using Pgvector;
using Pgvector.EntityFrameworkCore;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Data.Knowledge;

namespace StarStudio.Tests.Integration.Knowledge;

/// <summary>pgvector is installed, vectors round-trip, and a cosine nearest-neighbour query ranks them right.</summary>
public sealed class VectorSearchTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static Vector Axis(int hot, float weight = 1f)
    {
        var v = new float[StarEmbedding.DefaultDimension];
        v[hot] = weight;
        v[(hot + 1) % v.Length] = 0.1f;
        return new Vector(v);
    }

    private static StarEmbedding Row(Guid star, Guid task, int seq, Vector v, string metadata) => new()
    {
        StarId = star,
        TaskId = task,
        Seq = seq,
        ChunkId = Guid.NewGuid(),
        Embedding = v,
        Dimensions = (short)v.ToArray().Length,
        EmbeddingModel = "test-axis",
        Content = "chunk " + seq,
        SearchText = "chunk " + seq,
        Metadata = metadata,
    };

    [Fact]
    public async Task NearestNeighbours_ByCosine_ReturnsClosestFirstAndOnlyTheUsersStar()
    {
        var a = await pg.CreateUserAsync();
        var b = await pg.CreateUserAsync();
        var starA = Guid.NewGuid();
        var starB = Guid.NewGuid();
        var taskA = Guid.NewGuid();
        var taskB = Guid.NewGuid();
        await using (var owner = pg.OwnerContext())
        {
            foreach (var (id, user) in new[] { (starA, a), (starB, b) })
            {
                owner.Stars.Add(new Star { Id = id, OwnerId = user.UserId!.Value, Name = "s", Domain = "d", Persona = "p", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            }

            owner.KnowledgeTasks.AddRange(
                new KnowledgeTask { Id = taskA, StarId = starA, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow },
                new KnowledgeTask { Id = taskB, StarId = starB, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow });
            await owner.SaveChangesAsync();
        }

        await pg.Db(a).RunAsync(async (db, _) =>
        {
            for (var i = 0; i < 50; i++)
            {
                db.StarEmbeddings.Add(Row(starA, taskA, i, Axis(i), $$"""{"n":{{i}}}"""));
            }

            await db.SaveChangesAsync();
        });
        await pg.Db(b).RunAsync(async (db, _) =>
        {
            db.StarEmbeddings.Add(Row(starB, taskB, 0, Axis(7), """{"n":"b"}"""));
            await db.SaveChangesAsync();
        });

        var query = Axis(7, 0.9f);
        var hits = await pg.Db(a).RunAsync((db, _) => db.StarEmbeddings
            .OrderBy(e => e.Embedding.CosineDistance(query))
            .Take(3)
            .Select(e => new { e.StarId, e.Metadata, Distance = e.Embedding.CosineDistance(query) })
            .ToListAsync());

        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.Equal(starA, h.StarId));
        Assert.Contains("\"n\": 7", hits[0].Metadata, StringComparison.Ordinal);
        Assert.True(hits[0].Distance < 0.01, $"distance {hits[0].Distance}");
        Assert.True(hits[1].Distance > hits[0].Distance);
    }

    [Fact]
    public async Task VectorExtension_IsVersion08OrLater()
    {
        var version = await pg.Db(Core.Common.UserContext.Anonymous).RunAsync((db, _) =>
            db.Database.SqlQuery<string>($"SELECT extversion AS \"Value\" FROM pg_extension WHERE extname = 'vector'").SingleAsync());

        Assert.True(Version.Parse(version) >= new Version(0, 8), version);
    }
}
