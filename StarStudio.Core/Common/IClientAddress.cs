namespace StarStudio.Core.Common;

/// <summary>
/// The network address of the person acting (for the audit log), as the web host saw it: the request's remote address
/// for a page request, the circuit's connection for interactive work. Null outside a request (jobs, tests).
/// </summary>
public interface IClientAddress
{
    string? Get();
}

/// <summary>No address: background jobs, seeding and tests.</summary>
public sealed class NoClientAddress : IClientAddress
{
    public static readonly NoClientAddress Instance = new();
    public string? Get() => null;
}
