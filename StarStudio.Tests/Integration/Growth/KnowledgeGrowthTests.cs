using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Identity;
using StarStudio.Core.Stars;
using StarStudio.Data.Growth;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Retrieval;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Knowledge.Pipeline;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>Adding knowledge counts towards the star owner's "add knowledge" task; a refused upload does not.</summary>
public sealed class KnowledgeGrowthTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-growth-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    [Fact]
    public async Task AddNote_CountsForTheOwner_AndARefusedNoteDoesNot()
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var star = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "星图", Domain = "天文", Persona = "向导", Tone = "热情", Status = StarStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var harness = new KnowledgeHarness(pg, objectsRoot);
        var gateway = pg.Db(owner);
        var knowledge = new KnowledgeService(gateway, harness.Objects, new PostgresKnowledgeChunkStore(gateway), new KnowledgeRetriever(gateway, harness.Models),
            harness.Jobs, TimeProvider.System, new GrowthEvents(gateway, TimeProvider.System));

        Assert.True((await knowledge.AddNoteAsync(star, "观星笔记", "# 猎户座\n\n冬季最易辨认的星座。")).Succeeded);
        Assert.False((await knowledge.AddNoteAsync(star, " ", "")).Succeeded);

        var task = (await new TaskService(gateway, TimeProvider.System).ListMineAsync()).Value!.Single(t => t.EventKey == GrowthEventKeys.AddKnowledge);
        Assert.Equal(1, task.Progress);
        Assert.True(task.CanClaim);
    }
}
