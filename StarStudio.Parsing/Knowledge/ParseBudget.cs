using System.Diagnostics;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>What a parse may still spend: the caller's cancellation and the overall deadline, checked between pages
/// and blocks without relying on a timer (a busy thread pool cannot delay it).</summary>
internal sealed class ParseBudget(TimeSpan timeout, CancellationToken ct)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public TimeSpan Timeout => timeout;

    public CancellationToken Token => ct;

    /// <summary>Throws <see cref="OperationCanceledException"/> when cancelled, <c>Knowledge.Parse.Timeout</c> past the deadline.</summary>
    public void Check()
    {
        ct.ThrowIfCancellationRequested();
        if (Stopwatch.GetElapsedTime(_started) > timeout)
        {
            throw TimedOut(timeout);
        }
    }

    public static DocumentParseException TimedOut(TimeSpan timeout) =>
        new(DocumentParseCodes.Timeout, $"Reading the document took longer than {timeout.TotalSeconds:0.###} s and was stopped.");
}
