namespace StarStudio.Web;

/// <summary>Marker for the shared UI strings in <c>Resources/SharedResource*.resx</c> (neutral = English, zh-CN = Chinese).</summary>
public sealed class SharedResource
{
}
