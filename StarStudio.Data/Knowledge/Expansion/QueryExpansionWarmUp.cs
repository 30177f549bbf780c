using Microsoft.Extensions.Hosting;
using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>
/// Loads the query-expansion dictionaries in the background when the app starts (3–4 s on two busy cores), so the
/// first question does not wait for them. Startup does not wait either: a question asked before the load ends waits
/// for it, as it would without this.
/// </summary>
internal sealed class QueryExpansionWarmUp(IQueryAnalyzer analyzer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Only when the registered analyzer is this one; it logs the load's time and memory, or the error when it fails.
        if (analyzer is DictionaryQueryAnalyzer dictionary)
        {
            _ = Task.Run(dictionary.WarmUp, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
