using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Training;
using StarStudio.Data;
using StarStudio.Data.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class TrainingRegistrationTests
{
    [Fact]
    public async Task Data_RegistersTheTrainingServices_AndTheRunResolvesWithTheDatasetService()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["StarStudio:Database:ConnectionString"] = "Host=unused" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddDataProtection();
        services.AddStarStudioData(configuration);
        services.AddSingleton<ICurrentUser>(new FixedCurrentUser(UserContext.Anonymous));
        services.AddSingleton<ITrainingJobQueue>(new Integration.Training.TrainingHarness.RecordingQueue());

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();
        Assert.IsType<TrainingJobService>(scope.ServiceProvider.GetRequiredService<ITrainingJobService>());
        Assert.IsType<ModelVersionService>(scope.ServiceProvider.GetRequiredService<IModelVersionService>());
        Assert.IsType<TrainerAdminService>(scope.ServiceProvider.GetRequiredService<ITrainerAdminService>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<TrainingJobRedrive>());
        Assert.IsType<TrainingDatasetService>(scope.ServiceProvider.GetRequiredService<ITrainingDatasetService>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<TrainingJobRun>());
    }
}
