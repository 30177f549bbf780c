using Microsoft.Extensions.Localization;
using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Extensions;

/// <summary>Labels the extension screens share.</summary>
internal static class ExtensionText
{
    public static string Kind(IStringLocalizer l, string kind) => l["Extensions.Kind." + kind].Value;

    public static string Permission(IStringLocalizer l, string permission) => l["Extensions.Permission." + permission].Value;

    public static string Rating(double? average, int count) => average is { } a ? $"★ {a:0.0} ({count})" : "★ –";

    /// <summary>Field errors as field → message, the first per field.</summary>
    public static Dictionary<string, string> Errors(IStringLocalizer l, IReadOnlyList<FieldError> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => l[g.First().Code, g.First().Args].Value);
}
