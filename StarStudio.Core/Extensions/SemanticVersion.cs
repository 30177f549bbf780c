using System.Numerics;

namespace StarStudio.Core.Extensions;

/// <summary>
/// A Semantic Versioning 2.0.0 version (https://semver.org): <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>, parsed strictly
/// (no leading zeros in numeric identifiers, no empty identifiers, no leading <c>v</c>, no spaces) and ordered by the
/// specification's precedence: numbers numerically, a pre-release below its release, pre-release identifiers compared one
/// by one (numeric below alphanumeric, numbers numerically, text in ASCII order, a shorter list first), build metadata ignored.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    /// <summary>The longest version string accepted (the column's width).</summary>
    public const int MaxLength = 64;

    private SemanticVersion(BigInteger major, BigInteger minor, BigInteger patch, IReadOnlyList<string> preRelease, IReadOnlyList<string> build, string text)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        PreRelease = preRelease;
        Build = build;
        Text = text;
    }

    public BigInteger Major { get; }
    public BigInteger Minor { get; }
    public BigInteger Patch { get; }
    public IReadOnlyList<string> PreRelease { get; }
    public IReadOnlyList<string> Build { get; }

    /// <summary>The version exactly as it was written.</summary>
    public string Text { get; }

    public bool IsPreRelease => PreRelease.Count > 0;

    /// <summary>Parses <paramref name="text"/>; null with a reason code (<c>Extensions.Version.*</c>) when it is not a SemVer 2.0 version.</summary>
    public static SemanticVersion? TryParse(string? text, out string? errorCode)
    {
        errorCode = null;
        if (string.IsNullOrEmpty(text))
        {
            errorCode = "Extensions.Version.Required";
            return null;
        }

        if (text.Length > MaxLength)
        {
            errorCode = "Extensions.Version.TooLong";
            return null;
        }

        var core = text;
        string[] build = [];
        var plus = core.IndexOf('+');
        if (plus >= 0)
        {
            build = core[(plus + 1)..].Split('.');
            core = core[..plus];
            if (build.Any(id => id.Length == 0 || !id.All(IsIdentifierChar)))
            {
                errorCode = "Extensions.Version.BadBuild";
                return null;
            }
        }

        string[] pre = [];
        var dash = core.IndexOf('-');
        if (dash >= 0)
        {
            pre = core[(dash + 1)..].Split('.');
            core = core[..dash];
            if (pre.Any(id => id.Length == 0 || !id.All(IsIdentifierChar) || (id.All(char.IsAsciiDigit) && id.Length > 1 && id[0] == '0')))
            {
                errorCode = "Extensions.Version.BadPreRelease";
                return null;
            }
        }

        var parts = core.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')))
        {
            errorCode = "Extensions.Version.BadCore";
            return null;
        }

        return new SemanticVersion(BigInteger.Parse(parts[0]), BigInteger.Parse(parts[1]), BigInteger.Parse(parts[2]), pre, build, text);
    }

    /// <summary>Parses a version that is known to be valid (stored ones); throws otherwise.</summary>
    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var error) ?? throw new FormatException($"'{text}' is not a semantic version ({error}).");

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c != 0) return c;
        c = Minor.CompareTo(other.Minor);
        if (c != 0) return c;
        c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;

        // A release outranks its pre-releases.
        if (PreRelease.Count == 0 || other.PreRelease.Count == 0)
        {
            return other.PreRelease.Count.CompareTo(PreRelease.Count);
        }

        for (var i = 0; i < Math.Min(PreRelease.Count, other.PreRelease.Count); i++)
        {
            c = CompareIdentifier(PreRelease[i], other.PreRelease[i]);
            if (c != 0) return c;
        }

        return PreRelease.Count.CompareTo(other.PreRelease.Count);
    }

    private static int CompareIdentifier(string a, string b)
    {
        var aNumeric = a.All(char.IsAsciiDigit);
        var bNumeric = b.All(char.IsAsciiDigit);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => BigInteger.Parse(a).CompareTo(BigInteger.Parse(b)),
            (true, false) => -1,
            (false, true) => 1,
            _ => Math.Sign(string.CompareOrdinal(a, b)),
        };
    }

    /// <summary>Equal precedence (build metadata ignored), as the specification defines it.</summary>
    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is SemanticVersion v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, string.Join('.', PreRelease));

    public override string ToString() => Text;

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;
}
