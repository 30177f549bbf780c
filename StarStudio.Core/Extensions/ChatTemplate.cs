using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Extensions;

/// <summary>
/// A SillyTavern context template (its "Advanced Formatting" JSON): the story string that lays out the character data
/// before the chat, and the separators around examples and the chat. Fields SillyTavern has that StarStudio does not use
/// are accepted and kept in the manifest but ignored (docs/extensions.md lists which).
/// </summary>
public sealed record ContextTemplate(string StoryString, string ExampleSeparator = "", string ChatStart = "");

/// <summary>
/// A SillyTavern instruct template: the sequences a text-completion prompt wraps turns in. StarStudio talks to models
/// through a chat-completion API, where the roles of the messages do this job, so the sequences are validated, kept and
/// shown with the pack but not put into the prompt (docs/extensions.md, "Instruct sequences").
/// </summary>
public sealed record InstructTemplate(
    string InputSequence, string OutputSequence, string SystemSequence, string StopSequence, bool Wrap,
    string InputSuffix = "", string OutputSuffix = "", string SystemSuffix = "");

/// <summary>A chat template pack: a context template and, optionally, an instruct template.</summary>
public sealed record ChatTemplatePack(string Name, ContextTemplate Context, InstructTemplate? Instruct);

/// <summary>What a story string is rendered from: the star's card fields and the names.</summary>
/// <param name="System">The star's creator instructions (<c>{{system}}</c>).</param>
/// <param name="Description">The star's persona (<c>{{description}}</c>).</param>
/// <param name="Personality">The star's tone (<c>{{personality}}</c>).</param>
/// <param name="Persona">The user's own persona (<c>{{persona}}</c>, as in SillyTavern); StarStudio has none yet, so empty.</param>
public sealed record StoryValues(
    string Char, string User, string System, string Description, string Personality, string Scenario,
    string Persona, string Examples, string Domain);

/// <summary>The system prompt's opening as a chat template lays it out, and which of the star's texts had to be added back.</summary>
/// <param name="Text">The rendered story string, followed by any of the star's texts the template left out.</param>
/// <param name="Restored">Names of the star's texts (<c>description</c>, <c>system</c>) the template dropped and that were appended.</param>
public sealed record RenderedStory(string Text, IReadOnlyList<string> Restored);

/// <summary>
/// Renders a SillyTavern story string: <c>{{var}}</c> macros, <c>{{#if var}}…{{else}}…{{/if}}</c> and
/// <c>{{#unless var}}…{{/unless}}</c> blocks (nestable, Handlebars' meaning: a var is true when it is non-empty), and
/// <c>{{trim}}</c>, which removes the newlines around it. Unknown macros stay as written (SillyTavern does the same).
/// Values are inserted once and never rendered again, so a card field that contains <c>{{user}}</c> as text stays text
/// (the star's fields have their own <c>{{char}}</c>/<c>{{user}}</c> already rendered before they get here).
/// Pure; bounded by the template's length (at most <see cref="ExtensionLimits.StoryStringMaxLength"/>).
/// </summary>
public static partial class StoryStringRenderer
{
    /// <summary>The variables a story string may use, and what StarStudio puts in them.</summary>
    public static readonly IReadOnlyList<string> Variables =
        ["char", "user", "system", "description", "personality", "scenario", "persona", "mesExamples", "domain",
         "wiBefore", "wiAfter", "loreBefore", "loreAfter", "original"];

    public static string Render(string template, StoryValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tokens = Tokenize(template ?? "");
        var pos = 0;
        var sb = new StringBuilder((template?.Length ?? 0) * 2);
        RenderBlock(tokens, ref pos, values, sb, stopAt: null);
        var text = sb.ToString();
        return TrimMacro().Replace(text, "").Trim();
    }

    /// <summary>
    /// The system prompt's opening for <paramref name="pack"/>: the story string rendered, then — because a template may
    /// re-arrange the star's persona and boundaries but never drop them — any of the star's persona (<c>description</c>)
    /// and creator instructions (<c>system</c>) that do not appear in the result, appended under a fixed heading.
    /// </summary>
    public static RenderedStory RenderForStar(ChatTemplatePack pack, StoryValues values)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(values);
        var examples = string.IsNullOrWhiteSpace(values.Examples) || string.IsNullOrEmpty(pack.Context.ExampleSeparator)
            ? values.Examples
            : pack.Context.ExampleSeparator.Trim() + "\n" + values.Examples;
        var text = Render(pack.Context.StoryString, values with { Examples = examples });
        var restored = new List<string>();
        var sb = new StringBuilder(text);
        foreach (var (name, value) in new[] { ("description", values.Description), ("system", values.System) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !text.Contains(value.Trim(), StringComparison.Ordinal))
            {
                if (restored.Count == 0)
                {
                    sb.Append("\n\nThe star's own definition (always kept, whatever the chat template):");
                }

                sb.Append('\n').Append(name == "description" ? "Persona: " : "Instructions from the star's creator:\n").Append(value.Trim());
                restored.Add(name);
            }
        }

        return new RenderedStory(sb.ToString().Trim(), restored);
    }

    private static void RenderBlock(List<Token> tokens, ref int pos, StoryValues values, StringBuilder sb, string[]? stopAt)
    {
        while (pos < tokens.Count)
        {
            var t = tokens[pos];
            if (t.Kind == TokenKind.Text)
            {
                sb.Append(t.Value);
                pos++;
                continue;
            }

            if (stopAt is not null && stopAt.Contains(t.Value))
            {
                return;
            }

            pos++;
            if (t.Value.StartsWith("#if ", StringComparison.Ordinal) || t.Value.StartsWith("#unless ", StringComparison.Ordinal))
            {
                var negate = t.Value[1] == 'u';
                var name = t.Value[(negate ? 8 : 4)..].Trim();
                var truth = !string.IsNullOrWhiteSpace(Value(name, values)) != negate;
                var close = negate ? "/unless" : "/if";
                var taken = new StringBuilder();
                var skipped = new StringBuilder();
                RenderBlock(tokens, ref pos, values, truth ? taken : skipped, ["else", close]);
                if (pos < tokens.Count && tokens[pos].Value == "else")
                {
                    pos++;
                    RenderBlock(tokens, ref pos, values, truth ? skipped : taken, [close]);
                }

                if (pos < tokens.Count && tokens[pos].Value == close)
                {
                    pos++;
                }

                sb.Append(taken);
                continue;
            }

            if (t.Value is "trim")
            {
                sb.Append(TrimMarker);
                continue;
            }

            sb.Append(Value(t.Value, values) ?? t.Raw);
        }
    }

    private const string TrimMarker = "\u0001trim\u0001";

    private static string? Value(string name, StoryValues v) => name switch
    {
        "char" => v.Char,
        "user" => v.User,
        "system" => v.System,
        "description" => v.Description,
        "personality" => v.Personality,
        "scenario" => v.Scenario,
        "persona" => v.Persona,
        "mesExamples" or "mesExamplesRaw" => v.Examples,
        "domain" => v.Domain,
        "wiBefore" or "wiAfter" or "loreBefore" or "loreAfter" or "original" or "anchorBefore" or "anchorAfter" => "",
        _ => null,
    };

    private enum TokenKind { Text, Macro }

    private sealed record Token(TokenKind Kind, string Value, string Raw);

    private static List<Token> Tokenize(string template)
    {
        var tokens = new List<Token>();
        var last = 0;
        foreach (Match m in Macro().Matches(template))
        {
            if (m.Index > last)
            {
                tokens.Add(new Token(TokenKind.Text, template[last..m.Index], template[last..m.Index]));
            }

            tokens.Add(new Token(TokenKind.Macro, Regex.Replace(m.Groups[1].Value.Trim(), @"\s+", " "), m.Value));
            last = m.Index + m.Length;
        }

        if (last < template.Length)
        {
            tokens.Add(new Token(TokenKind.Text, template[last..], template[last..]));
        }

        return tokens;
    }

    [GeneratedRegex(@"\{\{([^{}]{1,100})\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Macro();

    [GeneratedRegex("[\\r\\n]*\u0001trim\u0001[\\r\\n]*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TrimMacro();
}
