using System.Diagnostics;

namespace StarStudio.Core.Common;

/// <summary>
/// Named moments where a test may kill the process (SIGKILL, as the kernel's OOM killer or a power cut would), to prove that
/// what was committed before them is recovered after a restart. Inert unless <see cref="Variable"/> names the point.
/// </summary>
public static class CrashPoints
{
    /// <summary>The environment variable that arms one point by name.</summary>
    public const string Variable = "STARSTUDIO_CRASH_AT";

    /// <summary>After a knowledge task row is committed, before its background job is queued.</summary>
    public const string KnowledgeTaskSaved = "knowledge-task-saved";

    /// <summary>After a worker fetched a knowledge job, before the run claims its task.</summary>
    public const string KnowledgeJobFetched = "knowledge-job-fetched";

    /// <summary>After a run claimed its task (status <c>processing</c>), before it parses.</summary>
    public const string KnowledgeTaskClaimed = "knowledge-task-claimed";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Kills this process at once when <paramref name="name"/> is the armed point.</summary>
    public static void Hit(string name)
    {
        if (Armed is not null && string.Equals(Armed, name, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"[starstudio] crash point '{name}' reached: killing the process ({Variable}).");
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
        }
    }
}
