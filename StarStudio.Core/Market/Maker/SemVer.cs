using System.Globalization;

namespace StarStudio.Core.Market.Maker;

/// <summary>
/// A semantic version (semver.org 2.0.0): <c>MAJOR.MINOR.PATCH</c>, an optional pre-release after <c>-</c> and optional
/// build metadata after <c>+</c>. Compares by semver precedence; build metadata is kept but never compared.
/// </summary>
public sealed record SemVer(long Major, long Minor, long Patch, IReadOnlyList<string> PreRelease, string Build) : IComparable<SemVer>
{
    /// <summary>Longest version text (the column is varchar(50)).</summary>
    public const int MaxLength = 50;

    /// <summary>Parses strict semver: no leading zeros in numbers, no "v" prefix, no missing parts.</summary>
    public static bool TryParse(string? text, out SemVer version)
    {
        version = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var build = "";
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        var core = text;
        if (plus >= 0)
        {
            build = text[(plus + 1)..];
            core = text[..plus];
            if (!build.Split('.').All(IsIdentifier))
            {
                return false;
            }
        }

        IReadOnlyList<string> pre = [];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            var parts = core[(dash + 1)..].Split('.');
            if (!parts.All(p => IsIdentifier(p) && !(IsNumeric(p) && p.Length > 1 && p[0] == '0')))
            {
                return false;
            }

            pre = parts;
            core = core[..dash];
        }

        var numbers = core.Split('.');
        if (numbers.Length != 3 || !numbers.All(IsNumber))
        {
            return false;
        }

        if (!long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !long.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !long.TryParse(numbers[2], NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new SemVer(major, minor, patch, pre, build);
        return true;
    }

    /// <summary>Semver precedence: numbers, then a pre-release sorts before its release, identifiers compared in order.</summary>
    public int CompareTo(SemVer? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0)
        {
            return c;
        }

        if (PreRelease.Count == 0 || other.PreRelease.Count == 0)
        {
            // A release has higher precedence than any of its pre-releases.
            return (PreRelease.Count == 0, other.PreRelease.Count == 0) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                _ => -1,
            };
        }

        for (var i = 0; i < Math.Min(PreRelease.Count, other.PreRelease.Count); i++)
        {
            var a = PreRelease[i];
            var b = other.PreRelease[i];
            var an = IsNumeric(a);
            var bn = IsNumeric(b);
            c = (an, bn) switch
            {
                (true, true) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (c != 0)
            {
                return Math.Sign(c);
            }
        }

        return PreRelease.Count.CompareTo(other.PreRelease.Count);
    }

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}" + (PreRelease.Count > 0 ? "-" + string.Join('.', PreRelease) : "") + (Build.Length > 0 ? "+" + Build : "");

    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0');

    private static bool IsNumeric(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static bool IsIdentifier(string s) => s.Length > 0 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-');
}
