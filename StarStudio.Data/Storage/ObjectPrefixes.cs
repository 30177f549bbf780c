using StarStudio.Core.Storage;

namespace StarStudio.Data.Storage;

/// <summary>
/// The rules of <see cref="ObjectKeys"/> for list prefixes, which may end in '/' or in part of a segment:
/// every whole segment must be a valid key path, and the trailing part may only use key characters.
/// </summary>
internal static class ObjectPrefixes
{
    public static void Validate(string bucket, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!Buckets.All.Contains(bucket))
        {
            throw new ArgumentException($"Unknown bucket '{bucket}'.", nameof(bucket));
        }

        if (prefix.Length == 0)
        {
            return;
        }

        if (prefix.Length > 512)
        {
            throw new ArgumentException($"Invalid object key prefix '{prefix}'.", nameof(prefix));
        }

        var lastSlash = prefix.LastIndexOf('/');
        if (lastSlash >= 0)
        {
            try
            {
                ObjectKeys.Validate(bucket, prefix[..lastSlash]);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"Invalid object key prefix '{prefix}'.", nameof(prefix));
            }
        }

        foreach (var c in prefix.AsSpan(lastSlash + 1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"Invalid character in object key prefix '{prefix}'.", nameof(prefix));
            }
        }
    }
}
