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
        services.AddScoped<TrainingJobRun>();
        services.AddSingleton<ExternalTrainerClient>();
        services.AddSingleton<TrainingJobRedrive>();
        return services;
    }
}
