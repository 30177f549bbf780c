using StarStudio.Core.Common;
using StarStudio.Core.Recommendations;

namespace StarStudio.Tests.Components.Recommendations;

/// <summary>A scripted recommendation service: fixed items, a set of stars that became private since, recorded calls.</summary>
internal sealed class FakeRecommendationService : IRecommendationService
{
    public List<ShownRecommendation> Items { get; } = [];
    public HashSet<Guid> NoLongerPublic { get; } = [];
    public List<Guid> Clicks { get; } = [];
    public List<Guid> Dismissals { get; } = [];
    public List<(DateOnly From, DateOnly To)> StatsCalls { get; } = [];
    public IReadOnlyList<RecommendationReasonStats> Stats { get; set; } = [];
    public bool Forbid { get; set; }

    public ShownRecommendation Add(string name, RecommendationReason reason)
    {
        var item = new ShownRecommendation(Guid.NewGuid(), Guid.NewGuid(), name, "古籍修复", false, reason, RecommendationAlgorithms.ItemToItem);
        Items.Add(item);
        return item;
    }

    public Task<IReadOnlyList<ShownRecommendation>> ShowAsync(int count, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ShownRecommendation>>(Items.Take(count).ToList());

    public Task<Result<Guid>> ClickAsync(Guid logId, CancellationToken ct = default)
    {
        Clicks.Add(logId);
        var item = Items.Single(i => i.LogId == logId);
        return Task.FromResult(NoLongerPublic.Contains(item.StarId) ? Result<Guid>.Invalid("Star", "Recs.Click.Unavailable") : Result<Guid>.Ok(item.StarId));
    }

    public Task<Result<bool>> DismissAsync(Guid logId, CancellationToken ct = default)
    {
        Dismissals.Add(logId);
        return Task.FromResult(Result<bool>.Ok(true));
    }

    public Task<Result<IReadOnlyList<RecommendationReasonStats>>> StatsAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        StatsCalls.Add((from, to));
        if (Forbid)
        {
            return Task.FromResult(Result<IReadOnlyList<RecommendationReasonStats>>.Forbidden());
        }

        return Task.FromResult(to < from
            ? Result<IReadOnlyList<RecommendationReasonStats>>.Invalid("To", "Recs.Admin.Range.Reversed")
            : Result<IReadOnlyList<RecommendationReasonStats>>.Ok(Stats));
    }
}
