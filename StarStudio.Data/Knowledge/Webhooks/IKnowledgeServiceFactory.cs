using StarStudio.Core.Knowledge;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Knowledge.Webhooks;

/// <summary>
/// Builds a knowledge service over a given data gateway, so that an inbound webhook (nobody signed in) can add
/// content as the star's owner. Implemented next to the knowledge service, like <c>StarServiceFactory</c>.
/// </summary>
public interface IKnowledgeServiceFactory
{
    /// <summary>A knowledge service that acts as whoever <paramref name="db"/> acts as.</summary>
    IKnowledgeService For(StarStudioDb db);
}
