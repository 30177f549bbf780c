namespace StarStudio.Core.Security;

/// <summary>Platform-wide security switches, bound from the <c>StarStudio:Security</c> configuration section.</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "StarStudio:Security";

    /// <summary>
    /// Whether URLs that users and admins enter (model endpoints, webhooks) may point at loopback, private,
    /// link-local and other internal addresses. Off by default: turn it on only where the app legitimately
    /// calls services on its own network (e.g. a vLLM or Ollama next to it).
    /// </summary>
    public bool AllowPrivateNetworkUrls { get; set; }
}
