using StarStudio.Core.Common;
using StarStudio.Core.Extensions;

namespace StarStudio.Tests.Components.Extensions;

/// <summary>A scripted registry for the extension components: records calls, answers with what the test set.</summary>
internal sealed class FakeExtensionService : IExtensionService
{
    public List<string> Calls { get; } = [];
    public Result<MakerVersionView>? PublishResult { get; set; }
    public Result<ExtensionReviewView>? ReviewResult { get; set; }
    public InstallationView Installation { get; set; } = new(Guid.NewGuid(), "1.0.0", true, true, null, DateTimeOffset.UtcNow);

    public Task<IReadOnlyList<ExtensionSummary>> CatalogAsync(string? kind = null, string? search = null, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ExtensionSummary>>([]);

    public Task<Result<ExtensionDetail>> GetAsync(string id, CancellationToken ct = default) => Task.FromResult(Result<ExtensionDetail>.NotFound());

    public Task<Result<MakerVersionView>> PublishAsync(string manifestJson, CancellationToken ct = default)
    {
        Calls.Add("publish");
        return Task.FromResult(PublishResult ?? Result<MakerVersionView>.Ok(new MakerVersionView(Guid.NewGuid(), "1.0.0", "pending", null, DateTimeOffset.UtcNow, null)));
    }

    public Task<IReadOnlyList<MakerExtensionView>> MineAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<MakerExtensionView>>([]);

    public Task<Result<IReadOnlyList<PendingVersionView>>> PendingAsync(CancellationToken ct = default) => Task.FromResult(Result<IReadOnlyList<PendingVersionView>>.Forbidden());

    public Task<Result<IReadOnlyList<AdminExtensionView>>> AllAsync(CancellationToken ct = default) => Task.FromResult(Result<IReadOnlyList<AdminExtensionView>>.Forbidden());

    public Task<Result<bool>> ApproveAsync(Guid versionId, CancellationToken ct = default) => Task.FromResult(Result<bool>.Forbidden());

    public Task<Result<bool>> RejectAsync(Guid versionId, string reason, CancellationToken ct = default) => Task.FromResult(Result<bool>.Forbidden());

    public Task<Result<bool>> SetSuspendedAsync(string extensionId, bool suspended, string? reason, CancellationToken ct = default) => Task.FromResult(Result<bool>.Forbidden());

    public Task<Result<InstallationView>> InstallAsync(string extensionId, CancellationToken ct = default) => Installed("install:" + extensionId, Installation);

    public Task<Result<InstallationView>> SetEnabledAsync(string extensionId, bool enabled, CancellationToken ct = default) =>
        Installed($"enable:{extensionId}:{enabled}", Installation = Installation with { Enabled = enabled });

    public Task<Result<InstallationView>> SetAutoUpdateAsync(string extensionId, bool autoUpdate, CancellationToken ct = default) =>
        Installed($"auto:{extensionId}:{autoUpdate}", Installation = Installation with { AutoUpdate = autoUpdate });

    public Task<Result<InstallationView>> UpdateAsync(string extensionId, CancellationToken ct = default) =>
        Installed("update:" + extensionId, Installation = Installation with { Version = Installation.UpdateAvailable ?? Installation.Version, UpdateAvailable = null });

    public Task<Result<bool>> UninstallAsync(string extensionId, CancellationToken ct = default)
    {
        Calls.Add("uninstall:" + extensionId);
        return Task.FromResult(Result<bool>.Ok(true));
    }

    public Task<Result<ExtensionReviewView>> ReviewAsync(string extensionId, int rating, string? body, CancellationToken ct = default)
    {
        Calls.Add($"review:{extensionId}:{rating}:{body}");
        return Task.FromResult(ReviewResult ?? Result<ExtensionReviewView>.Ok(new ExtensionReviewView(Guid.NewGuid(), "我", rating, body ?? "", "1.0.0", 0, false, true, DateTimeOffset.UtcNow)));
    }

    public Task<Result<int>> SetHelpfulAsync(Guid reviewId, bool helpful, CancellationToken ct = default) => Task.FromResult(Result<int>.Ok(helpful ? 1 : 0));

    public Task<ActiveExtensions> ActiveAsync(CancellationToken ct = default) => Task.FromResult(ActiveExtensions.None);

    private Task<Result<InstallationView>> Installed(string call, InstallationView view)
    {
        Calls.Add(call);
        return Task.FromResult(Result<InstallationView>.Ok(view));
    }
}
