namespace StarStudio.Web.Components.Layout;

/// <summary>When a navigation link is shown as the current one (what <c>NavLinkMatch.Prefix</c> did).</summary>
public static class NavRules
{
    /// <summary>
    /// Whether <paramref name="href"/> (an app path such as <c>/studio</c>) is the current page or one under it:
    /// <c>/studio</c> is active on <c>/studio/stars/1</c> and <c>/studio?x=1</c>, not on <c>/studios</c>.
    /// </summary>
    /// <param name="relativePath">The current URI relative to the base, as <c>NavigationManager.ToBaseRelativePath</c> gives it.</param>
    public static bool IsActive(string relativePath, string href)
    {
        var path = "/" + relativePath;
        var end = path.IndexOfAny(['?', '#']);
        if (end >= 0)
        {
            path = path[..end];
        }

        var target = href.TrimEnd('/');
        return path.Equals(target, StringComparison.OrdinalIgnoreCase)
               || (path.StartsWith(target, StringComparison.OrdinalIgnoreCase) && path.Length > target.Length && path[target.Length] == '/');
    }
}
