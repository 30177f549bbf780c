namespace StarStudio.Web.Components.Extensions;

/// <summary>Starting manifests the publish form offers (a SillyTavern-style chat template and a theme pack).</summary>
internal static class ExtensionSamples
{
    public const string ChatTemplate = """
        {
          "id": "my-chat-template",
          "name": "我的聊天模板",
          "version": "1.0.0",
          "kind": "chat-template",
          "description": "把星辰的设定排成 SillyTavern 风格的故事串。",
          "permissions": [],
          "sandbox": "strict",
          "payload": {
            "context": {
              "name": "My template",
              "story_string": "{{#if system}}{{system}}\n{{/if}}{{#if description}}{{description}}\n{{/if}}{{#if personality}}{{char}}'s personality: {{personality}}\n{{/if}}{{#if scenario}}Scenario: {{scenario}}\n{{/if}}{{trim}}",
              "example_separator": "***",
              "chat_start": "***"
            },
            "instruct": {
              "input_sequence": "### Instruction:",
              "output_sequence": "### Response:",
              "system_sequence": "",
              "stop_sequence": "",
              "wrap": true
            }
          }
        }
        """;

    public const string Theme = """
        {
          "id": "my-theme",
          "name": "我的主题包",
          "version": "1.0.0",
          "kind": "theme",
          "description": "",
          "permissions": ["ui"],
          "sandbox": "strict",
          "payload": {
            "light": { "primary": "#2e7d32", "secondary": "#ff8f00", "appbarBackground": "#1b5e20" },
            "dark": { "primary": "#81c784", "secondary": "#ffb74d" }
          }
        }
        """;
}
