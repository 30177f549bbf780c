using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Which exceptions an extractor may turn into "damaged file" and which must reach the worker's top level.</summary>
internal static class ParseFailures
{
    /// <summary>True for what a library throws on input it cannot read. Running out of memory or stack is not that:
    /// it must surface as <c>TooLarge</c> / <c>TooDeep</c>, not be counted as one damaged page and carried on past.</summary>
    public static bool IsLibraryError(Exception ex) =>
        ex is not (DocumentParseException or OperationCanceledException or OutOfMemoryException or InsufficientExecutionStackException);
}
