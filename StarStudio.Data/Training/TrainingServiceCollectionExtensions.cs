using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Training;

namespace StarStudio.Data.Training;

/// <summary>Registers training jobs, model versions and trainers (the queue, <see cref="ITrainingJobQueue"/>, is the app's: Hangfire).</summary>
public static class TrainingServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioTraining(this IServiceCollection services)
    {
        services.AddOptions<TrainingJobOptions>().BindConfiguration(TrainingJobOptions.Section);
        services.AddScoped<ITrainingJobService, TrainingJobService>();
        services.AddScoped<IModelVersionService, ModelVersionService>();
        services.AddScoped<ITrainerAdminService, TrainerAdminService>();
        // A factory, so the container does not validate it at start: its ITrainingDatasetService is registered by the
        // datasets feature (docs/training-datasets.md); a run resolved without it fails loudly in the job, not the app's start.
        services.AddScoped(sp => ActivatorUtilities.CreateInstance<TrainingJobRun>(sp));
        services.AddSingleton<ExternalTrainerClient>();
        services.AddSingleton<TrainingJobRedrive>();
        return services;
    }
}
