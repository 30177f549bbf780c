using StarStudio.Core.Common;
using StarStudio.Core.Stars;

namespace StarStudio.Core.Cards;

/// <summary>Character cards in and out of StarStudio, as the current user (docs/cards.md).</summary>
/// <remarks>Field errors are on <c>File</c> with <c>Cards.*</c> resource keys (a refused file, a card without a name).</remarks>
public interface ICardService
{
    /// <summary>Reads a card (in the parser worker) and says what importing it would do; writes nothing.</summary>
    Task<Result<CardImportPlan>> PreviewAsync(Stream content, string fileName, CancellationToken ct = default);

    /// <summary>Creates a star from a card: its fields, avatar, lore entries and one knowledge note of the enabled entries.</summary>
    Task<Result<CardImportResult>> ImportAsync(Stream content, string fileName, CancellationToken ct = default);

    /// <summary>One of the current user's stars as a card file.</summary>
    Task<Result<CardFile>> ExportAsync(Guid starId, CardExportFormat format, CancellationToken ct = default);
}

/// <summary>The imported star, how many lore entries it got, and the preview's dropped list for the record.</summary>
public sealed record CardImportResult(Star Star, int LoreEntries, Guid? NoteTaskId, IReadOnlyList<CardDrop> Dropped);

/// <summary>A card to download.</summary>
public sealed record CardFile(byte[] Content, string FileName, string ContentType);
