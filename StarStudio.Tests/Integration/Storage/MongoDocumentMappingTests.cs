using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using StarStudio.Core.Storage;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// The MongoDB adapter's document shapes, checked without a server so that they are covered on every run:
/// the seed's field names, standard UUIDs without any process-wide GUID setting, and BSON dates.
/// </summary>
public sealed class MongoDocumentMappingTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 26, 53, 589, TimeSpan.FromHours(8));

    [Fact]
    public void MessageDocument_Serialized_HasSeedFieldNamesAndRoundTrips()
    {
        var message = new ConversationMessageDocument(Guid.NewGuid(), Guid.NewGuid(), MessageSenders.Star, "答", 3,
            [new ToolCallRecord("search", "{}", null)], At);

        var bson = MongoMessage.From(message).ToBsonDocument();
        var back = BsonSerializer.Deserialize<MongoMessage>(bson).ToDocument();

        Assert.Equal(["_id", "conversationId", "sender", "content", "tokens", "toolCalls", "createdAt", "status"], bson.Names);
        Assert.Equal(["name", "arguments", "result"], bson["toolCalls"][0].AsBsonDocument.Names);
        Assert.Equal(BsonBinarySubType.UuidStandard, bson["_id"].AsBsonBinaryData.SubType);
        Assert.Equal(message.ConversationId, bson["conversationId"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
        Assert.Equal(BsonType.DateTime, bson["createdAt"].BsonType);
        Assert.Equal(message.CreatedAt, back.CreatedAt);
        Assert.Equal(message.ToolCalls, back.ToolCalls);
        Assert.Equal(message.Id, back.Id);
    }

    [Fact]
    public void ChunkDocument_Serialized_HasSeedFieldNamesWithOrWithoutVectorId()
    {
        var withVector = new KnowledgeChunkDocument(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 7, "text", Guid.NewGuid(),
            new Dictionary<string, string> { ["source"] = "upload" });
        var withoutVector = withVector with { EmbeddingVectorId = null };

        var a = MongoChunk.From(withVector).ToBsonDocument();
        var b = MongoChunk.From(withoutVector).ToBsonDocument();

        Assert.Equal(["_id", "taskId", "starId", "seq", "chunkText", "embeddingVectorId", "metadata"], a.Names);
        Assert.Equal(BsonBinarySubType.UuidStandard, a["embeddingVectorId"].AsBsonBinaryData.SubType);
        Assert.Equal(BsonNull.Value, b["embeddingVectorId"]);
        Assert.Equal("upload", a["metadata"]["source"].AsString);
        Assert.Equal(withVector.EmbeddingVectorId, BsonSerializer.Deserialize<MongoChunk>(a).ToDocument().EmbeddingVectorId);
        Assert.Null(BsonSerializer.Deserialize<MongoChunk>(b).ToDocument().EmbeddingVectorId);
    }

    [Fact]
    public void LogDocument_Serialized_HasSeedFieldNames()
    {
        var log = new TrainingLogDocument(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), TrainingPhases.Train, "epoch 1",
            new Dictionary<string, double> { ["loss"] = double.NaN }, At);

        var bson = MongoLog.From(log).ToBsonDocument();

        Assert.Equal(["_id", "jobId", "starId", "phase", "stdout", "metrics", "createdAt"], bson.Names);
        Assert.True(double.IsNaN(bson["metrics"]["loss"].AsDouble));
    }

    [Fact]
    public void Filters_OnGuidMembers_RenderAsStandardUuids()
    {
        var id = Guid.NewGuid();
        var serializer = BsonSerializer.LookupSerializer<MongoChunk>();
        var args = new RenderArgs<MongoChunk>(serializer, BsonSerializer.SerializerRegistry);

        var eq = Builders<MongoChunk>.Filter.Eq(c => c.TaskId, id).Render(args);
        var @in = Builders<MongoChunk>.Filter.In(c => c.Id, [id]).Render(args);

        Assert.Equal(new BsonBinaryData(id, GuidRepresentation.Standard), eq["taskId"]);
        Assert.Equal(new BsonBinaryData(id, GuidRepresentation.Standard), @in["_id"]["$in"][0]);
    }
}
