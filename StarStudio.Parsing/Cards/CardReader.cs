using System.Globalization;
using StarStudio.Core.Cards;
using StarStudio.Core.Stars;

namespace StarStudio.Parsing.Cards;

/// <summary>Reads an untrusted character card file (JSON, PNG or CHARX, told apart by content) into a
/// <see cref="CardParseResult"/>. Runs in the parser worker; a refused file is a <see cref="CardParseException"/>.</summary>
public static class CardReader
{
    public static CardParseResult Read(byte[] content, CardLimits limits)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        if (content.Length == 0)
        {
            throw new CardParseException(CardParseCodes.Empty, "The file is empty.");
        }

        if (content.Length > limits.MaxFileBytes)
        {
            throw new CardParseException(CardParseCodes.FileTooLarge, "The card file is over the limit.", CardJsonReader.Mb(limits.MaxFileBytes));
        }

        var span = content.AsSpan();
        if (span.StartsWith(PngCardReader.Signature))
        {
            return ReadPng(content, limits);
        }

        if (span.StartsWith(CharxCardReader.Signature))
        {
            return ReadCharx(content, limits);
        }

        var first = span.TrimStart((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF, (byte)' ', (byte)'\t', (byte)'\r', (byte)'\n']);
        if (first.Length > 0 && first[0] == (byte)'{')
        {
            var (card, assets, dropped) = CardJsonReader.Read(span, limits);
            var result = new CardParseResult { Card = card, Container = CardContainer.Json, Dropped = dropped };
            ResolveAvatar(result, assets, openEmbedded: null, limits);
            return result;
        }

        throw new CardParseException(CardParseCodes.UnknownFormat, "The file is not a character card: not JSON, PNG or CHARX.");
    }

    private static CardParseResult ReadPng(byte[] png, CardLimits limits)
    {
        var json = PngCardReader.ReadCardJson(png, limits);
        var (card, assets, dropped) = CardJsonReader.Read(json, limits);
        var result = new CardParseResult { Card = card, Container = CardContainer.Png, Dropped = dropped };
        NoteOtherAssets(result, assets.Count(a => !IsMainIcon(a)));

        // The PNG is the card's own avatar (V3: "ccdefault:" of a PNG card points to the PNG itself).
        KeepAvatar(result, PngCardReader.StripCardChunks(png), limits);
        return result;
    }

    private static CardParseResult ReadCharx(byte[] zip, CardLimits limits)
    {
        var (json, open) = CharxCardReader.Read(zip, limits);
        var (card, assets, dropped) = CardJsonReader.Read(json, limits);
        var result = new CardParseResult { Card = card, Container = CardContainer.Charx, Dropped = dropped };
        ResolveAvatar(result, assets, open, limits);
        return result;
    }

    /// <summary>The V3 main icon: an <c>icon</c> asset named <c>main</c>, else the first icon; from the CHARX
    /// (<c>embeded://</c>) or a base64 <c>data:</c> URL. Remote URLs are never fetched.</summary>
    private static void ResolveAvatar(CardParseResult result, List<CardAsset> assets, Func<string, long, (bool Found, byte[]? Bytes)>? openEmbedded, CardLimits limits)
    {
        var icons = assets.Where(a => a.Type == "icon").ToList();
        var icon = icons.FirstOrDefault(a => a.Name == "main") ?? icons.FirstOrDefault();
        NoteOtherAssets(result, assets.Count - (icon is null ? 0 : 1));
        if (icon is null)
        {
            return;
        }

        // One byte over the avatar limit tells "too large" from "fits".
        const long readCap = AvatarRules.MaxBytes + 1;
        byte[]? bytes = null;
        if (icon.Uri.StartsWith("embeded://", StringComparison.Ordinal) || icon.Uri.StartsWith("embedded://", StringComparison.Ordinal))
        {
            var path = icon.Uri[(icon.Uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var (found, embedded) = openEmbedded?.Invoke(path, readCap) ?? (false, null);
            if (embedded is null)
            {
                result.Dropped.Add(found
                    ? new CardDrop("assets", CardParseCodes.AvatarTooLarge, CardJsonReader.Mb(AvatarRules.MaxBytes))
                    : new CardDrop("assets", CardParseCodes.AvatarMissing, Short(icon.Uri)));
                return;
            }

            bytes = embedded;
        }
        else if (icon.Uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && icon.Uri.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase) is > 0 and var comma)
        {
            var base64 = icon.Uri[(comma + 8)..];
            if ((long)base64.Length * 3 / 4 > AvatarRules.MaxBytes)
            {
                result.Dropped.Add(new CardDrop("assets", CardParseCodes.AvatarTooLarge, CardJsonReader.Mb(AvatarRules.MaxBytes)));
                return;
            }

            try
            {
                bytes = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                result.Dropped.Add(new CardDrop("assets", CardParseCodes.AvatarNotImage));
                return;
            }
        }
        else if (icon.Uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || icon.Uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            result.Dropped.Add(new CardDrop("assets", CardParseCodes.AvatarRemote, Short(icon.Uri)));
            return;
        }
        else
        {
            result.Dropped.Add(new CardDrop("assets", CardParseCodes.AvatarMissing, Short(icon.Uri)));
            return;
        }

        KeepAvatar(result, bytes, limits);
    }

    /// <summary>Keeps an avatar that is an image by content, small enough, and not too many pixels for a browser.</summary>
    private static void KeepAvatar(CardParseResult result, byte[] bytes, CardLimits limits)
    {
        var type = AvatarRules.SniffImageType(bytes);
        if (type is null)
        {
            result.Dropped.Add(new CardDrop("avatar", CardParseCodes.AvatarNotImage));
            return;
        }

        if (bytes.Length > AvatarRules.MaxBytes)
        {
            result.Dropped.Add(new CardDrop("avatar", CardParseCodes.AvatarTooLarge, CardJsonReader.Mb(AvatarRules.MaxBytes)));
            return;
        }

        if (ImageHeader.Dimensions(bytes, type) is not var (width, height))
        {
            result.Dropped.Add(new CardDrop("avatar", CardParseCodes.AvatarNotImage));
            return;
        }

        if (width <= 0 || height <= 0 || width > limits.MaxAvatarSide || height > limits.MaxAvatarSide || (long)width * height > limits.MaxAvatarPixels)
        {
            result.Dropped.Add(new CardDrop(
                "avatar",
                CardParseCodes.AvatarTooManyPixels,
                width.ToString(CultureInfo.InvariantCulture),
                height.ToString(CultureInfo.InvariantCulture),
                limits.MaxAvatarSide.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        result.Avatar = bytes;
        result.AvatarType = type;
    }

    private static bool IsMainIcon(CardAsset asset) => asset.Type == "icon" && asset.Uri == "ccdefault:";

    private static void NoteOtherAssets(CardParseResult result, int count)
    {
        if (count > 0)
        {
            result.Dropped.Add(new CardDrop("assets", CardParseCodes.Assets, count.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static string Short(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
