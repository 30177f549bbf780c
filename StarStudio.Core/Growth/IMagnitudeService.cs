using StarStudio.Core.Common;

namespace StarStudio.Core.Growth;

/// <summary>History-row triggers (<c>magnitude_history.trigger</c>).</summary>
public static class MagnitudeTriggers
{
    public const string Nightly = "nightly";
    public const string OnDemand = "on_demand";
    public const string Training = "training";
}

/// <summary>Resource keys of magnitude failures.</summary>
public static class MagnitudeErrors
{
    public const string TooSoon = "Magnitude.Recompute.TooSoon";
    public const string NoEvaluation = "Magnitude.Report.NoEvaluation";
    public const string ReportFailed = "Magnitude.Report.Failed";
    public const string NoChromium = "Magnitude.Report.NoChromium";
}

/// <summary>One point of the history chart.</summary>
public sealed record MagnitudePoint(Guid Id, DateTimeOffset EvaluatedAt, decimal Overall, MagnitudeLevel Level, string Trigger);

/// <summary>A star's magnitude as its page shows it: the latest evaluation (null before the first) and its history, oldest first.</summary>
public sealed record MagnitudeView(Guid StarId, string StarName, MagnitudeHistory? Latest, IReadOnlyList<MagnitudePoint> History, bool IsOwner);

/// <summary>A star's magnitude (星等), docs/magnitude.md.</summary>
public interface IMagnitudeService
{
    /// <summary>
    /// Evaluates the star now for its owner: measures its signals, asks paraphrased probe pairs through the chat engine,
    /// scores them with <see cref="MagnitudeFormula"/> and appends an <c>on_demand</c> history row. Refused for anyone else.
    /// </summary>
    Task<Result<MagnitudeView>> RecomputeAsync(Guid starId, CancellationToken ct = default);

    /// <summary>The latest evaluation and the history: for the owner, and for anyone when the star is public and active.</summary>
    Task<Result<MagnitudeView>> GetAsync(Guid starId, CancellationToken ct = default);

    /// <summary>The latest level of each star the caller may see (one query); stars never evaluated are left out.</summary>
    Task<IReadOnlyDictionary<Guid, MagnitudeLevel>> LevelsAsync(IReadOnlyCollection<Guid> starIds, CancellationToken ct = default);
}

/// <summary>The nightly recomputation of every active star (run by Hangfire as no user).</summary>
public interface IMagnitudeNightly
{
    /// <summary>
    /// Appends a <c>nightly</c> history row for every active star whose signals changed since its latest row (or that has
    /// none), in batches; returns how many rows it wrote.
    /// </summary>
    Task<int> RunAsync(CancellationToken ct = default);
}
