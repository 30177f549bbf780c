using Hangfire;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StarStudio.Core.Common;
using StarStudio.Core.Training;
using StarStudio.Data.Training;

namespace StarStudio.Web.Training;

/// <summary>Hangfire's entry point for a training job. No blind retry: the job row records why a run failed, and a dead run is re-driven.</summary>
public sealed class TrainingJobRunner(TrainingJobRun run)
{
    [AutomaticRetry(Attempts = 0)]
    [Queue("default")]
    public Task RunAsync(Guid jobId, Guid actingUserId, CancellationToken cancellationToken) =>
        run.RunAsync(jobId, actingUserId, cancellationToken);
}

internal sealed class HangfireTrainingJobQueue(IBackgroundJobClient client) : ITrainingJobQueue
{
    // Hangfire passes its shutdown token in place of CancellationToken.None.
    public void Enqueue(Guid jobId, Guid actingUserId) =>
        client.Enqueue<TrainingJobRunner>(r => r.RunAsync(jobId, actingUserId, CancellationToken.None));
}

/// <summary>
/// Runs <see cref="TrainingJobRedrive"/> when the app starts and every <see cref="TrainingJobOptions.SweepInterval"/>: a job
/// whose run died (its lease ran out) or whose Hangfire job was lost is queued again and resumes where it was.
/// </summary>
internal sealed class TrainingJobRedriver(TrainingJobRedrive redrive, IOptions<TrainingJobOptions> options, TimeProvider clock, ILogger<TrainingJobRedriver> log)
    : StarStudio.Web.Jobs.RedriveSweep(clock, log)
{
    protected override string What => "training job";

    protected override TimeSpan SweepInterval => options.Value.SweepInterval;

    protected override async Task<int> RedriveAsync(bool atStart, CancellationToken ct) =>
        (await redrive.RunAsync(options.Value.RedriveAfter, atStart, ct)).Count;
}

/// <summary>Training's web side: the Hangfire queue and runner, the re-driver, and the owner's artifact download.</summary>
internal static class TrainingWebSetup
{
    public static IServiceCollection AddStarStudioTrainingWeb(IServiceCollection services)
    {
        services.AddScoped<TrainingJobRunner>();
        services.AddSingleton<ITrainingJobQueue, HangfireTrainingJobQueue>();
        services.AddHostedService<TrainingJobRedriver>();
        return services;
    }

    public static void MapTrainingEndpoints(IEndpointRouteBuilder app) =>
        app.MapGet("/studio/versions/{id:guid}/artifact", ArtifactAsync).RequireAuthorization();

    /// <summary>A version's artifact for its owner (the service decides; anyone else gets 404, never a hint that it exists).</summary>
    internal static async Task<IResult> ArtifactAsync(Guid id, IModelVersionService versions, HttpContext http, CancellationToken ct)
    {
        var result = await versions.OpenArtifactAsync(id, ct);
        if (result.Kind != ResultKind.Ok || result.Value is not { } file)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.FileName }.ToString();
        http.Response.RegisterForDisposeAsync(file.Content);
        return Results.Stream(file.Content, file.ContentType);
    }
}
