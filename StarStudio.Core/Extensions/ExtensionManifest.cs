using System.Text.Json;
using System.Text.RegularExpressions;
using StarStudio.Core.Common;

namespace StarStudio.Core.Extensions;

/// <summary>The extension kinds (manifest <c>kind</c>); only <see cref="Runnable"/> ones do anything in StarStudio today.</summary>
public static class ExtensionKinds
{
    public const string ChatTemplate = "chat-template";
    public const string Theme = "theme";
    public const string Ui = "ui";
    public const string Api = "api";
    public const string Tool = "tool";

    public static readonly IReadOnlyList<string> All = [ChatTemplate, Theme, Ui, Api, Tool];

    /// <summary>Kinds StarStudio can apply: chat templates (the prompt) and theme packs (the palette).</summary>
    public static readonly IReadOnlyList<string> Runnable = [ChatTemplate, Theme];

    public static bool CanRun(string kind) => Runnable.Contains(kind);
}

/// <summary>Seed 004's permission list and sandbox levels.</summary>
public static class ExtensionPermissions
{
    public static readonly IReadOnlyList<string> All = ["ui", "api", "storage", "network", "system"];
    public static readonly IReadOnlyList<string> SandboxLevels = ["none", "basic", "strict"];
}

/// <summary>Length limits of a manifest.</summary>
public static class ExtensionLimits
{
    public const int IdMaxLength = 50;
    public const int IdMinLength = 3;
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int ManifestMaxBytes = 64 * 1024;
    public const int StoryStringMaxLength = 8000;
    public const int SequenceMaxLength = 500;
    public const int ReviewMaxLength = 2000;
    public const int RejectReasonMaxLength = 500;
}

/// <summary>A valid manifest: the fields, the parsed version and the kind's payload (a chat template or a palette).</summary>
public sealed record ExtensionManifest(
    string Id,
    string Name,
    SemanticVersion Version,
    string Kind,
    string Description,
    IReadOnlyList<string> Permissions,
    string SandboxLevel,
    ChatTemplatePack? ChatTemplate,
    ThemePalette? Theme,
    string Json);

/// <summary>
/// Reads and validates an extension manifest (JSON). Every problem is reported at once, each at its field as a JSON path
/// (<c>id</c>, <c>permissions[2]</c>, <c>payload.context.story_string</c>, <c>payload.light.primary</c>) with a resource
/// key, so the publish form shows it where it belongs. Pure.
/// </summary>
public static partial class ExtensionManifestParser
{
    public static Result<ExtensionManifest> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Result<ExtensionManifest>.Invalid("manifest", "Extensions.Manifest.Required");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(json) > ExtensionLimits.ManifestMaxBytes)
        {
            return Result<ExtensionManifest>.Invalid("manifest", "Extensions.Manifest.TooLarge", ExtensionLimits.ManifestMaxBytes / 1024);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return Result<ExtensionManifest>.Invalid("manifest", "Extensions.Manifest.NotJson", (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Result<ExtensionManifest>.Invalid("manifest", "Extensions.Manifest.NotObject");
            }

            var errors = new List<FieldError>();
            var id = RequiredString(root, "id", errors);
            if (id is not null)
            {
                if (id.Length < ExtensionLimits.IdMinLength || id.Length > ExtensionLimits.IdMaxLength)
                {
                    errors.Add(new FieldError("id", "Extensions.Id.Length", ExtensionLimits.IdMinLength, ExtensionLimits.IdMaxLength));
                }
                else if (!IdPattern().IsMatch(id))
                {
                    errors.Add(new FieldError("id", "Extensions.Id.Pattern"));
                }
            }

            var name = RequiredString(root, "name", errors)?.Trim();
            if (name is { Length: > ExtensionLimits.NameMaxLength })
            {
                errors.Add(new FieldError("name", "Extensions.Name.TooLong", ExtensionLimits.NameMaxLength));
            }

            SemanticVersion? version = null;
            var versionText = RequiredString(root, "version", errors);
            if (versionText is not null)
            {
                version = SemanticVersion.TryParse(versionText, out var code);
                if (version is null)
                {
                    errors.Add(new FieldError("version", code!, versionText.Length > 40 ? versionText[..40] + "…" : versionText));
                }
            }

            var kind = RequiredString(root, "kind", errors);
            if (kind is not null && !ExtensionKinds.All.Contains(kind))
            {
                errors.Add(new FieldError("kind", "Extensions.Kind.Unknown", string.Join(", ", ExtensionKinds.All)));
            }

            var description = OptionalString(root, "description", errors)?.Trim() ?? "";
            if (description.Length > ExtensionLimits.DescriptionMaxLength)
            {
                errors.Add(new FieldError("description", "Extensions.Description.TooLong", ExtensionLimits.DescriptionMaxLength));
            }

            var permissions = new List<string>();
            if (root.TryGetProperty("permissions", out var perms))
            {
                if (perms.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new FieldError("permissions", "Extensions.Permissions.NotArray"));
                }
                else
                {
                    var i = 0;
                    foreach (var p in perms.EnumerateArray())
                    {
                        var field = $"permissions[{i++}]";
                        if (p.ValueKind != JsonValueKind.String || !ExtensionPermissions.All.Contains(p.GetString()!))
                        {
                            errors.Add(new FieldError(field, "Extensions.Permissions.Unknown", Short(p), string.Join(", ", ExtensionPermissions.All)));
                        }
                        else if (permissions.Contains(p.GetString()!))
                        {
                            errors.Add(new FieldError(field, "Extensions.Permissions.Duplicate", p.GetString()!));
                        }
                        else
                        {
                            permissions.Add(p.GetString()!);
                        }
                    }
                }
            }

            var sandbox = OptionalString(root, "sandbox", errors) ?? "strict";
            if (!ExtensionPermissions.SandboxLevels.Contains(sandbox))
            {
                errors.Add(new FieldError("sandbox", "Extensions.Sandbox.Unknown", string.Join(", ", ExtensionPermissions.SandboxLevels)));
            }

            ChatTemplatePack? template = null;
            ThemePalette? theme = null;
            var hasPayload = root.TryGetProperty("payload", out var payload);
            if (hasPayload && payload.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("payload", "Extensions.Payload.NotObject"));
            }
            else if (kind == ExtensionKinds.ChatTemplate)
            {
                template = hasPayload ? ParseChatTemplate(payload, name ?? "", errors) : Missing<ChatTemplatePack>(errors, "payload");
            }
            else if (kind == ExtensionKinds.Theme)
            {
                theme = hasPayload ? ParseTheme(payload, errors) : Missing<ThemePalette>(errors, "payload");
            }

            if (errors.Count > 0)
            {
                return Result<ExtensionManifest>.Invalid(errors);
            }

            return Result<ExtensionManifest>.Ok(new ExtensionManifest(id!, name!, version!, kind!, description, permissions, sandbox, template, theme, json.Trim()));
        }
    }

    private static T? Missing<T>(List<FieldError> errors, string field)
        where T : class
    {
        errors.Add(new FieldError(field, "Extensions.Field.Required"));
        return null;
    }

    private static ChatTemplatePack? ParseChatTemplate(JsonElement payload, string name, List<FieldError> errors)
    {
        if (!payload.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("payload.context", "Extensions.Template.ContextRequired"));
            return null;
        }

        var before = errors.Count;
        var story = RequiredString(context, "story_string", errors, "payload.context.");
        if (story is not null)
        {
            if (story.Length > ExtensionLimits.StoryStringMaxLength)
            {
                errors.Add(new FieldError("payload.context.story_string", "Extensions.Template.StoryTooLong", ExtensionLimits.StoryStringMaxLength));
            }
            else if (string.IsNullOrWhiteSpace(story))
            {
                errors.Add(new FieldError("payload.context.story_string", "Extensions.Field.Required"));
            }
            else if (UnbalancedBlocks(story))
            {
                errors.Add(new FieldError("payload.context.story_string", "Extensions.Template.Unbalanced"));
            }
        }

        var separator = Sequence(context, "example_separator", "payload.context.", errors);
        var chatStart = Sequence(context, "chat_start", "payload.context.", errors);
        foreach (var flag in new[] { "use_stop_strings", "names_as_stop_strings", "always_force_name2", "trim_sentences", "single_line" })
        {
            OptionalBool(context, flag, "payload.context.", errors);
        }

        InstructTemplate? instruct = null;
        if (payload.TryGetProperty("instruct", out var ins))
        {
            if (ins.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("payload.instruct", "Extensions.Payload.NotObject"));
            }
            else
            {
                const string p = "payload.instruct.";
                instruct = new InstructTemplate(
                    Sequence(ins, "input_sequence", p, errors), Sequence(ins, "output_sequence", p, errors),
                    Sequence(ins, "system_sequence", p, errors), Sequence(ins, "stop_sequence", p, errors),
                    OptionalBool(ins, "wrap", p, errors) ?? true,
                    Sequence(ins, "input_suffix", p, errors), Sequence(ins, "output_suffix", p, errors), Sequence(ins, "system_suffix", p, errors));
                foreach (var extra in new[] { "first_output_sequence", "last_output_sequence", "system_sequence_prefix", "system_sequence_suffix",
                                              "first_input_sequence", "last_input_sequence", "last_system_sequence", "story_string_prefix", "story_string_suffix" })
                {
                    Sequence(ins, extra, p, errors);
                }

                OptionalBool(ins, "macro", p, errors);
            }
        }

        return errors.Count > before ? null : new ChatTemplatePack(name, new ContextTemplate(story!, separator, chatStart), instruct);
    }

    /// <summary>An <c>{{#if}}</c>/<c>{{#unless}}</c> without its closing tag, or the other way round.</summary>
    private static bool UnbalancedBlocks(string story)
    {
        var depth = 0;
        foreach (Match m in BlockTag().Matches(story))
        {
            depth += m.Value.Contains('#') ? 1 : -1;
            if (depth < 0)
            {
                return true;
            }
        }

        return depth != 0;
    }

    private static ThemePalette? ParseTheme(JsonElement payload, List<FieldError> errors)
    {
        var before = errors.Count;
        var light = Palette(payload, "light", errors);
        var dark = Palette(payload, "dark", errors);
        foreach (var prop in payload.EnumerateObject().Where(p => p.Name is not ("light" or "dark")))
        {
            errors.Add(new FieldError($"payload.{prop.Name}", "Extensions.Theme.UnknownMode"));
        }

        if (errors.Count == before && light.Count == 0 && dark.Count == 0)
        {
            errors.Add(new FieldError("payload", "Extensions.Theme.Empty", string.Join(", ", ThemePalette.Keys)));
        }

        return errors.Count > before ? null : new ThemePalette(light, dark);
    }

    private static Dictionary<string, string> Palette(JsonElement payload, string mode, List<FieldError> errors)
    {
        var palette = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!payload.TryGetProperty(mode, out var colours))
        {
            return palette;
        }

        if (colours.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError($"payload.{mode}", "Extensions.Payload.NotObject"));
            return palette;
        }

        foreach (var prop in colours.EnumerateObject())
        {
            var field = $"payload.{mode}.{prop.Name}";
            if (!ThemePalette.Keys.Contains(prop.Name))
            {
                errors.Add(new FieldError(field, "Extensions.Theme.UnknownKey", string.Join(", ", ThemePalette.Keys)));
            }
            else if (prop.Value.ValueKind != JsonValueKind.String || CssColor.Normalize(prop.Value.GetString()) is not { } colour)
            {
                errors.Add(new FieldError(field, "Extensions.Theme.BadColour", Short(prop.Value)));
            }
            else
            {
                palette[prop.Name] = colour;
            }
        }

        return palette;
    }

    private static string? RequiredString(JsonElement obj, string name, List<FieldError> errors, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Field.Required"));
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Field.NotString"));
            return null;
        }

        var text = value.GetString()!;
        if (prefix.Length == 0 && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Field.Required"));
            return null;
        }

        return text;
    }

    private static string? OptionalString(JsonElement obj, string name, List<FieldError> errors, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Field.NotString"));
            return null;
        }

        return value.GetString();
    }

    private static string Sequence(JsonElement obj, string name, string prefix, List<FieldError> errors)
    {
        var text = OptionalString(obj, name, errors, prefix) ?? "";
        if (text.Length > ExtensionLimits.SequenceMaxLength)
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Template.SequenceTooLong", ExtensionLimits.SequenceMaxLength));
        }

        return text;
    }

    private static bool? OptionalBool(JsonElement obj, string name, string prefix, List<FieldError> errors)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new FieldError(prefix + name, "Extensions.Field.NotBoolean"));
            return null;
        }

        return value.GetBoolean();
    }

    private static string Short(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>Lower-case letters and digits, in groups joined by single dots or hyphens (<c>warm-chat</c>, <c>acme.night</c>).</summary>
    [GeneratedRegex(@"^[a-z0-9]+(?:[.-][a-z0-9]+)*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\{\{\s*[#/](?:if|unless)\b[^{}]*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BlockTag();
}
