using System.Net;
using System.Net.Sockets;

namespace StarStudio.TestSupport;

/// <summary>Ports on 127.0.0.1 for servers a test or benchmark starts.</summary>
public static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the kernel's choice), for a server that binds it next.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
