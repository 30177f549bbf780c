namespace StarStudio.Data.Extensions;

/// <summary>Facts about the extensions registry's tables that tests and later migrations share.</summary>
public static class ExtensionsSchema
{
    /// <summary>
    /// Extension tables with row-level security left unforced, because SECURITY DEFINER triggers (running as the owner)
    /// keep their counters for callers who may not update them: <c>extensions</c> (install count, rating sum and count)
    /// and <c>extension_reviews</c> (helpful votes). Guard triggers hold the application role to its columns.
    /// </summary>
    public static readonly string[] NotForced = ["extensions", "extension_reviews"];
}
