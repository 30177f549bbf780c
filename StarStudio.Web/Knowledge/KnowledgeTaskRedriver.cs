using Microsoft.Extensions.Options;
using StarStudio.Core.Knowledge;
using StarStudio.Data.Knowledge.Pipeline;
using StarStudio.Web.Jobs;

namespace StarStudio.Web.Knowledge;

/// <summary>
/// Runs <see cref="KnowledgeTaskRedrive"/> once when the app starts (a task left by a killed process gets a job at once)
/// and then every <see cref="KnowledgeJobOptions.SweepInterval"/> (a task whose job was lost, or whose run died on another
/// instance, gets one within a lease and a sweep).
/// </summary>
internal sealed class KnowledgeTaskRedriver(KnowledgeTaskRedrive redrive, IOptions<KnowledgeJobOptions> options, TimeProvider clock, ILogger<KnowledgeTaskRedriver> log)
    : RedriveSweep(clock, log)
{
    protected override string What => "knowledge task";

    protected override TimeSpan SweepInterval => options.Value.SweepInterval;

    protected override async Task<int> RedriveAsync(bool atStart, CancellationToken ct) =>
        (await redrive.RunAsync(options.Value.RedriveAfter, atStart, ct)).Count;
}
