using Microsoft.AspNetCore.Components.Server.Circuits;
using StarStudio.Core.Common;

namespace StarStudio.Web.Security;

/// <summary>
/// The acting client's address for the audit log. A page request reads its own connection (after the forwarded-headers
/// middleware, so behind a trusted proxy it is the client's). A circuit has no request of its own once it runs: the
/// address of the connection that carries it is captured whenever the connection comes up (and again on a reconnect).
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor http) : IClientAddress
{
    private string? captured;

    public string? Get() => captured ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    internal void Capture()
    {
        var address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (address is not null)
        {
            captured = address;
        }
    }
}

/// <summary>Captures the circuit's connection address into the circuit's <see cref="ClientAddress"/>.</summary>
internal sealed class ClientAddressCircuitHandler(ClientAddress address) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        address.Capture();
        return Task.CompletedTask;
    }
}
