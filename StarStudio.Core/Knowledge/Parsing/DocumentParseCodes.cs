namespace StarStudio.Core.Knowledge.Parsing;

/// <summary>The <see cref="DocumentParseException.Code"/> values, which double as resource keys.</summary>
public static class DocumentParseCodes
{
    /// <summary>A password-protected PDF.</summary>
    public const string Encrypted = "Knowledge.Parse.Encrypted";

    /// <summary>Content that cannot be read as its kind (damaged PDF, broken zip, not a Word document).</summary>
    public const string Corrupt = "Knowledge.Parse.Corrupt";

    /// <summary>No text: an empty file, a scanned PDF without a text layer, markup with nothing to read.</summary>
    public const string Empty = "Knowledge.Parse.Empty";

    /// <summary>A DOCX that would expand beyond the limits (a zip bomb).</summary>
    public const string TooLarge = "Knowledge.Parse.TooLarge";

    /// <summary>Parsing ran past its deadline and was abandoned.</summary>
    public const string Timeout = "Knowledge.Parse.Timeout";
}
