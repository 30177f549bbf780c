using System.Text.Json;

namespace StarStudio.Tests.Integration.Extensions;

/// <summary>Manifests for the registry's tests.</summary>
internal static class ExtensionTestData
{
    public static string NewId(string prefix = "ext") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 50)];

    public static string ChatTemplate(string id, string version, string name = "温暖模板", string story = "【温暖模板】{{char}} 与 {{user}}\n{{description}}\n{{system}}") =>
        JsonSerializer.Serialize(new
        {
            id,
            name,
            version,
            kind = "chat-template",
            description = "A warm layout.",
            permissions = new[] { "ui" },
            sandbox = "strict",
            payload = new { context = new { story_string = story, example_separator = "***" } },
        });

    public static string Theme(string id, string version, string primary = "#2e7d32") =>
        JsonSerializer.Serialize(new
        {
            id,
            name = "森林",
            version,
            kind = "theme",
            permissions = new[] { "ui" },
            payload = new { light = new { primary }, dark = new { primary = "hsl(120, 40%, 60%)" } },
        });

    public static string Ui(string id, string version) =>
        JsonSerializer.Serialize(new { id, name = "Clock", version, kind = "ui", permissions = new[] { "ui", "network" }, sandbox = "strict" });
}
