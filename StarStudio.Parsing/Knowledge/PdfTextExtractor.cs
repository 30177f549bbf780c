using StarStudio.Core.Knowledge.Parsing;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace StarStudio.Parsing.Knowledge;

/// <summary>One unit per PDF page that has text, read with PdfPig in content order (lines kept, wrapped lines joined).</summary>
internal static class PdfTextExtractor
{
    private static readonly ContentOrderTextExtractor.Options ExtractorOptions = new()
    {
        ReplaceWhitespaceWithSpace = true,
        SeparateParagraphsWithDoubleNewline = true,
    };

    public static ParsedDocument Extract(ReadOnlyMemory<byte> content, DocumentParserLimits limits, ParseBudget budget)
    {
        PdfStreamGuard.Check(content, limits, budget);
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true, ClipPaths = false });
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw Encrypted(ex);
        }
        catch (Exception ex) when (ParseFailures.IsLibraryError(ex))
        {
            throw new DocumentParseException(DocumentParseCodes.Corrupt, "The PDF is damaged or not a valid PDF and cannot be read.", ex);
        }

        using (document)
        {
            int pageCount;
            try
            {
                pageCount = document.NumberOfPages;
            }
            catch (PdfDocumentEncryptedException ex)
            {
                throw Encrypted(ex);
            }
            catch (Exception ex) when (ParseFailures.IsLibraryError(ex))
            {
                throw new DocumentParseException(DocumentParseCodes.Corrupt, "The PDF is damaged: its page tree cannot be read.", ex);
            }

            var units = new List<DocumentUnit>(pageCount);
            var failedPages = 0;
            Exception? firstFailure = null;
            for (var number = 1; number <= pageCount; number++)
            {
                budget.Check();
                string text;
                try
                {
                    var page = document.GetPage(number);
                    text = ContentOrderTextExtractor.GetText(page, ExtractorOptions);
                }
                catch (PdfDocumentEncryptedException ex)
                {
                    throw Encrypted(ex);
                }
                catch (Exception ex) when (ParseFailures.IsLibraryError(ex))
                {
                    // One damaged page does not lose the rest of the document.
                    failedPages++;
                    firstFailure ??= ex;
                    continue;
                }

                text = TextNormalizer.UnwrapLines(TextNormalizer.Normalize(text));
                if (text.Length > 0)
                {
                    units.Add(new DocumentUnit(text, number, []));
                }
            }

            if (pageCount > 0 && failedPages == pageCount)
            {
                throw new DocumentParseException(DocumentParseCodes.Corrupt, "The PDF is damaged: none of its pages can be read.", firstFailure);
            }

            if (units.Count == 0)
            {
                throw new DocumentParseException(
                    DocumentParseCodes.Empty,
                    pageCount == 0
                        ? "The PDF has no pages."
                        : "The PDF has no extractable text: it may consist of scanned images, and text recognition (OCR) is not performed.");
            }

            return new ParsedDocument(units, pageCount);
        }
    }

    private static DocumentParseException Encrypted(Exception ex) =>
        new(DocumentParseCodes.Encrypted, "The PDF is encrypted with a password; remove the protection and upload it again.", ex);
}
