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

    /// <summary>A document that expands beyond the limits (a zip or Flate bomb, a part too large) or whose parsing needs
    /// more memory than the parser worker may use.</summary>
    public const string TooLarge = "Knowledge.Parse.TooLarge";

    /// <summary>Parsing ran past its deadline and the parser worker was stopped.</summary>
    public const string Timeout = "Knowledge.Parse.Timeout";

    /// <summary>Markup nested deeper than the parser accepts (thousands of levels: a hostile file, never a real document).</summary>
    public const string TooDeep = "Knowledge.Parse.TooDeep";

    /// <summary>The parser worker died on the document (a crash the limits did not foresee); the app itself is unaffected.</summary>
    public const string Crashed = "Knowledge.Parse.Crashed";
}
