using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Stars;

/// <summary>Builds a star service over a given data gateway: seeding and jobs act as a fixed user, not the circuit's.</summary>
public sealed class StarServiceFactory(IObjectStore objects, TimeProvider clock)
{
    public IStarService Create(StarStudioDb db) => new StarService(db, objects, clock);
}
