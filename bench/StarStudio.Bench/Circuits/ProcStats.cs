namespace StarStudio.Bench.Circuits;

/// <summary>The app process's resident memory and CPU time, from /proc (Linux), and the machine's load average.</summary>
internal static class ProcStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>VmRSS in KB.</summary>
    public static long RssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }

        throw new InvalidOperationException("No VmRSS in /proc/" + pid + "/status.");
    }

    /// <summary>User + system CPU time of the process (all its threads) in milliseconds.</summary>
    public static double CpuMs(int pid) => CpuMsOf(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>User + system CPU time in milliseconds from the text of a <c>/proc/PID/stat</c>.</summary>
    private static double CpuMsOf(string stat)
    {
        // The command name may hold spaces: fields start after the closing parenthesis; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 1000 / TicksPerSecond;
    }

    /// <summary>CPU time of every process named <paramref name="comm"/> (e.g. all PostgreSQL backends) in milliseconds.</summary>
    /// <remarks>A process that exits between two readings takes its time with it; pooled backends live through a burst.</remarks>
    public static double CpuMsOfAll(string comm)
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (stat[(open + 1)..close] == comm)
                {
                    total += CpuMsOf(stat);
                }
            }
            catch (IOException)
            {
                // Gone while being read.
            }
        }

        return total;
    }

    /// <summary>The whole machine's busy CPU time (all cores: everything but idle and iowait) in milliseconds.</summary>
    public static double MachineBusyMs()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        // user, nice, system, idle, iowait, irq, softirq, steal (guest time is already counted in user): all but idle and iowait.
        var busy = cpu.Take(8).Sum() - cpu[3] - cpu[4];
        return busy * 1000 / TicksPerSecond;
    }

    /// <summary>This process's CPU time (the bench client) in milliseconds.</summary>
    public static double OwnCpuMs() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

/// <summary>Percentiles of a list of milliseconds.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static string Summary(IReadOnlyList<double> values) =>
        values.Count == 0 ? "—" : $"p50 {Of(values, 50):F0} ms, p95 {Of(values, 95):F0} ms, max {values.Max():F0} ms (n={values.Count})";
}
