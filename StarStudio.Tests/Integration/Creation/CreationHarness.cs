using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Creation;
using StarStudio.Data.Chat.Engine;
using StarStudio.Data.Creation;
using StarStudio.Data.Stars;
using StarStudio.Tests.Integration.Knowledge.Pipeline;

namespace StarStudio.Tests.Integration.Creation;

/// <summary>The creation assistant wired as the app wires it: real stars, knowledge and chat-model resolution over a test database.</summary>
internal sealed class CreationHarness : IDisposable
{
    private static readonly ServiceProvider Http = BuildHttp();
    private readonly PostgresDatabase pg;
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-creation-").FullName;
    private readonly EphemeralDataProtectionProvider protection = new();

    public CreationHarness(PostgresDatabase pg)
    {
        this.pg = pg;
        Knowledge = new KnowledgeHarness(pg, objectsRoot);
    }

    public KnowledgeHarness Knowledge { get; }

    private static ServiceProvider BuildHttp()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(OpenAiCompatibleChatClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services.BuildServiceProvider();
    }

    public ICreationAssistantService For(UserContext user)
    {
        var db = pg.Db(user);
        var o = Options.Create(new ChatEngineOptions { ConfigCacheDuration = TimeSpan.Zero });
        return new CreationAssistantService(db, new StarServiceFactory(Knowledge.Objects, TimeProvider.System).Create(db), Knowledge.Service(user),
            new ChatModelResolver(protection, o), new ChatModelClientFactory(Http.GetRequiredService<IHttpClientFactory>(), o), TimeProvider.System,
            NullLogger<CreationAssistantService>.Instance);
    }

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);
}
