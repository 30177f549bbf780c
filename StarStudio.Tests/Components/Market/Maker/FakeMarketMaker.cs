using StarStudio.Core.Common;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;

namespace StarStudio.Tests.Components.Market.Maker;

/// <summary>A maker service that records what the pages send and answers with what the test set.</summary>
internal sealed class FakeMarketMaker : ISkillMakerService
{
    public bool IsMaker { get; set; } = true;
    public List<MakerSkillSummary> Mine { get; } = [];
    public MakerSkillView? Skill { get; set; }
    public List<SkillVersionView> Versions { get; } = [];
    public List<SkillDraft> Saved { get; } = [];
    public List<string> Tried { get; } = [];
    public List<(string Version, string ChangeLog)> Submitted { get; } = [];
    public int BecomeCalls { get; private set; }

    /// <summary>When set, saving is refused with these errors.</summary>
    public IReadOnlyList<FieldError>? RefuseSave { get; set; }

    /// <summary>The next answers to "try it" and to submit.</summary>
    public Result<SkillTryResult>? TryAnswer { get; set; }
    public Result<SkillVersionView>? SubmitAnswer { get; set; }

    private Result<T> Gate<T>(Func<Result<T>> ok) => IsMaker ? ok() : Result<T>.Forbidden();

    public Task<Result<bool>> BecomeMakerAsync(CancellationToken ct = default)
    {
        BecomeCalls++;
        return Task.FromResult(Result<bool>.Ok(true));
    }

    public Task<Result<IReadOnlyList<MakerSkillSummary>>> ListMineAsync(CancellationToken ct = default) =>
        Task.FromResult(Gate<IReadOnlyList<MakerSkillSummary>>(() => Result<IReadOnlyList<MakerSkillSummary>>.Ok(Mine)));

    public Task<Result<MakerSkillView>> GetAsync(Guid skillId, CancellationToken ct = default) =>
        Task.FromResult(Gate(() => Skill is { } s && s.Id == skillId ? Result<MakerSkillView>.Ok(s) : Result<MakerSkillView>.NotFound()));

    public Task<Result<MakerSkillView>> CreateAsync(SkillDraft draft, CancellationToken ct = default) => SaveAsync(Guid.NewGuid(), draft);

    public Task<Result<MakerSkillView>> UpdateAsync(Guid skillId, SkillDraft draft, CancellationToken ct = default) => SaveAsync(skillId, draft);

    private Task<Result<MakerSkillView>> SaveAsync(Guid id, SkillDraft draft)
    {
        Saved.Add(draft);
        if (RefuseSave is { } errors)
        {
            return Task.FromResult(Result<MakerSkillView>.Invalid(errors));
        }

        Skill = View(id, draft);
        return Task.FromResult(Result<MakerSkillView>.Ok(Skill));
    }

    public static MakerSkillView View(Guid id, SkillDraft draft, SkillStatus status = SkillStatus.Draft) =>
        new(id, draft, SkillAuthType.None, null, false, status, null, null, null, DateTimeOffset.UnixEpoch);

    public Task<Result<MakerSkillView>> SetHeaderSecretAsync(Guid skillId, string header, string secret, CancellationToken ct = default) =>
        Task.FromResult(Result<MakerSkillView>.Ok(Skill! with { AuthType = SkillAuthType.HeaderSecret, AuthHeader = header, HasAuthSecret = true }));

    public Task<Result<MakerSkillView>> ClearHeaderSecretAsync(Guid skillId, CancellationToken ct = default) =>
        Task.FromResult(Result<MakerSkillView>.Ok(Skill! with { AuthType = SkillAuthType.None, AuthHeader = null, HasAuthSecret = false }));

    public Task<Result<string>> RevealSigningSecretAsync(Guid skillId, CancellationToken ct = default) => Task.FromResult(Result<string>.Ok("revealed-secret"));

    public Task<Result<string>> RotateSigningSecretAsync(Guid skillId, CancellationToken ct = default) => Task.FromResult(Result<string>.Ok("rotated-secret"));

    public Task<Result<SkillTryResult>> TryAsync(Guid skillId, string argumentsJson, CancellationToken ct = default)
    {
        Tried.Add(argumentsJson);
        return Task.FromResult(TryAnswer ?? Result<SkillTryResult>.Ok(new SkillTryResult(true, null, null, 200, "{}", [], 1, argumentsJson)));
    }

    public Task<Result<SkillVersionView>> SubmitAsync(Guid skillId, string version, string changeLog, CancellationToken ct = default)
    {
        Submitted.Add((version, changeLog));
        var answer = SubmitAnswer ?? Result<SkillVersionView>.Ok(new SkillVersionView(Guid.NewGuid(), skillId, version, changeLog, SkillVersionStatus.PendingReview, null, DateTimeOffset.UnixEpoch, null));
        if (answer.Succeeded)
        {
            Versions.Insert(0, answer.Value!);
        }

        return Task.FromResult(answer);
    }

    public Task<Result<bool>> WithdrawAsync(Guid versionId, CancellationToken ct = default)
    {
        Versions.RemoveAll(v => v.Id == versionId);
        return Task.FromResult(Result<bool>.Ok(true));
    }

    public Task<Result<IReadOnlyList<SkillVersionView>>> ListVersionsAsync(Guid skillId, CancellationToken ct = default) =>
        Task.FromResult(Result<IReadOnlyList<SkillVersionView>>.Ok(Versions.ToList()));
}
