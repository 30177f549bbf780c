using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Catalog;
using StarStudio.Data.Market.Catalog;

namespace StarStudio.Tests.Integration.Market.Catalog;

/// <summary>
/// The ranking budget: a common word matches more skills than are ranked, and the rare word of the same query must still
/// bring its skills to the top (tier 1), the common word's matches following (tier 2).
/// </summary>
public sealed class CatalogRankingBudgetTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task ARareWord_BringsItsSkillsFirst_EvenWhenACommonWordMatchesMoreThanTheBudget()
    {
        var maker = await CatalogArrange.MakerAsync(pg);
        var common = CatalogQuery.RankBudget + 60;
        await using (var db = pg.OwnerContext())
        {
            // The rare skills go in last, so they sit at the end of the heap: ranking the first matches the scan returns
            // (one tier of both words) would never reach them.
            var specs = Enumerable.Range(0, common).Select(i => new SkillSpec($"通用工具{i}") { Description = "通用的日常工具" })
                .Concat(Enumerable.Range(0, 3).Select(i => new SkillSpec($"稀有星图{i}") { Description = "稀有星图查询，也是通用工具" }))
                .ToList();
            var skills = specs.Select(s => new Skill
            {
                Id = Guid.NewGuid(), OwnerId = maker.UserId!.Value, Name = s.Name, Description = s.Description, ApiEndpoint = "https://skills.example.test/run",
                Status = SkillStatus.Draft,
            }).ToList();
            db.Skills.AddRange(skills);
            await db.SaveChangesAsync();
            var versions = skills.Zip(specs, (k, s) => new SkillVersion
            {
                Id = Guid.NewGuid(), SkillId = k.Id, OwnerId = k.OwnerId, Version = "1.0.0", ChangeLog = "", Name = s.Name, Description = s.Description,
                ApiEndpoint = k.ApiEndpoint, PricingType = SkillPricingType.Free, Status = SkillVersionStatus.Published, ReviewedAt = DateTimeOffset.UtcNow,
                SearchText = SkillSearchText.For(s.Name, s.Description, null, s.Category, "[]"),
            }).ToList();
            foreach (var v in versions)
            {
                db.SkillVersions.Add(v);
                await db.SaveChangesAsync(); // one by one: the heap order is the insertion order
            }

            foreach (var (k, v) in skills.Zip(versions))
            {
                k.Status = SkillStatus.Published;
                k.PublishedVersionId = v.Id;
                k.PublishedAt = DateTimeOffset.UtcNow;
            }

            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE skill_versions");
        }

        var search = new SkillCatalogService(pg.Db(UserContext.Anonymous));
        var first = (await search.SearchAsync(new CatalogQuery("通用 稀有"))).Value!;

        Assert.Equal(["稀有星图0", "稀有星图1", "稀有星图2"], first.Items.Take(3).Select(c => c.Name).Order());
        Assert.All(first.Items.Skip(3), c => Assert.StartsWith("通用工具", c.Name, StringComparison.Ordinal));
        Assert.Equal(CatalogQuery.PageSize, first.Items.Count);
        Assert.True(first.HasMore);

        // Later pages continue with the common word's matches, never repeating a skill.
        var second = (await search.SearchAsync(new CatalogQuery("通用 稀有", Page: 2))).Value!;
        Assert.Equal(CatalogQuery.PageSize, second.Items.Count);
        Assert.Empty(first.Items.Select(c => c.Id).Intersect(second.Items.Select(c => c.Id)));
    }
}
