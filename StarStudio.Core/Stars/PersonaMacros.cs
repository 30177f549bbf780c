using System.Text.RegularExpressions;

namespace StarStudio.Core.Stars;

/// <summary>The character-card macros: <c>{{char}}</c> and <c>{{user}}</c> (any case, spaces inside the braces allowed),
/// and the V1 cards' <c>&lt;BOT&gt;</c>, <c>&lt;CHAR&gt;</c> and <c>&lt;USER&gt;</c>. Stored verbatim; rendered when text
/// reaches a model or a page.</summary>
public static partial class PersonaMacros
{
    /// <summary>Replaces the macros in one pass, so a name that itself contains <c>{{user}}</c> is not expanded again.</summary>
    public static string Render(string text, string charName, string userName)
    {
        if (string.IsNullOrEmpty(text) || (text.IndexOf("{{", StringComparison.Ordinal) < 0 && text.IndexOf('<') < 0))
        {
            return text ?? "";
        }

        return Macro().Replace(text, m => m.Groups["user"].Success ? userName : charName);
    }

    /// <summary>Whether the text uses any macro (the import preview says so).</summary>
    public static bool HasMacros(string? text) => !string.IsNullOrEmpty(text) && Macro().IsMatch(text);

    [GeneratedRegex(@"\{\{\s*(?:(?<char>char)|(?<user>user))\s*\}\}|<(?:(?<char>bot|char)|(?<user>user))>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Macro();
}
