using StarStudio.Core.Common;
using StarStudio.Core.Growth;

namespace StarStudio.Tests.Components;

/// <summary>No star has been evaluated: every star shows without a magnitude badge.</summary>
internal sealed class NoMagnitudeLevels : IMagnitudeService
{
    public Task<Result<MagnitudeView>> RecomputeAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<Result<MagnitudeView>> GetAsync(Guid starId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<Guid, MagnitudeLevel>> LevelsAsync(IReadOnlyCollection<Guid> starIds, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyDictionary<Guid, MagnitudeLevel>>(new Dictionary<Guid, MagnitudeLevel>());
}
