using System.IO.Compression;
using StarStudio.Core.Cards;

namespace StarStudio.Parsing.Cards;

/// <summary>Reads a CHARX zip: <c>card.json</c> at the root, assets beside it. The central directory's counts and sizes
/// are checked before anything is inflated, and again while reading (a header can lie); no entry is ever written to
/// disk, and a name with <c>..</c>, a rooted path or a drive refuses the whole file.</summary>
internal static class CharxCardReader
{
    public static ReadOnlySpan<byte> Signature => "PK\x03\x04"u8;

    public static (byte[] CardJson, Func<string, long, (bool Found, byte[]? Bytes)> OpenAsset) Read(byte[] zip, CardLimits limits)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            throw new CardParseException(CardParseCodes.CharxInvalid, $"The CHARX file is not a valid zip: {ex.Message}");
        }

        var entries = archive.Entries;
        if (entries.Count > limits.MaxCharxEntries)
        {
            throw new CardParseException(CardParseCodes.CharxTooManyEntries, $"The CHARX has {entries.Count} entries.", limits.MaxCharxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        long total = 0;
        ZipArchiveEntry? card = null;
        var byPath = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = entry.FullName;
            if (!IsSafe(name))
            {
                throw new CardParseException(CardParseCodes.CharxUnsafePath, $"The CHARX entry {name} points outside the archive.", name.Length > 80 ? name[..80] : name);
            }

            if (entry.Length > limits.MaxCharxEntryBytes || (total += entry.Length) > limits.MaxCharxTotalBytes)
            {
                throw new CardParseException(CardParseCodes.CharxTooLarge, "The CHARX expands past its limits.", CardJsonReader.Mb(limits.MaxCharxEntryBytes), CardJsonReader.Mb(limits.MaxCharxTotalBytes));
            }

            byPath[name] = entry;
            if (name == "card.json")
            {
                card = entry;
            }
        }

        if (card is null)
        {
            throw new CardParseException(CardParseCodes.CharxNoCard, "The CHARX has no card.json at its root.");
        }

        var json = ReadBounded(card, limits.MaxJsonBytes, () => new CardParseException(CardParseCodes.JsonTooLarge, "card.json is over the limit.", CardJsonReader.Mb(limits.MaxJsonBytes)))!;
        return (json, (path, max) => byPath.TryGetValue(path, out var entry) ? (true, ReadBounded(entry, max, () => null)) : (false, null));
    }

    /// <summary>Relative, forward or backward slashes, no <c>..</c> segment, no drive or scheme.</summary>
    internal static bool IsSafe(string name) =>
        name.Length > 0
        && name[0] is not ('/' or '\\')
        && !name.Contains(':', StringComparison.Ordinal)
        && !name.Split('/', '\\').Any(segment => segment == "..")
        && !name.Contains('\0', StringComparison.Ordinal);

    /// <summary>Reads an entry counting the inflated bytes; past <paramref name="max"/> the <paramref name="over"/>
    /// exception is thrown (or null returned when it gives none).</summary>
    private static byte[]? ReadBounded(ZipArchiveEntry entry, long max, Func<CardParseException?> over)
    {
        if (entry.Length > max)
        {
            return over() is { } early ? throw early : null;
        }

        try
        {
            using var stream = entry.Open();
            using var output = new MemoryStream((int)Math.Min(entry.Length, max));
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                if (output.Length + read > max)
                {
                    return over() is { } late ? throw late : null;
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new CardParseException(CardParseCodes.CharxInvalid, $"The CHARX entry {entry.FullName} is damaged: {ex.Message}");
        }
    }
}
