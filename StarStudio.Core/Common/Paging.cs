namespace StarStudio.Core.Common;

/// <summary>One page of a server-side paged list, with the total the pager needs.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int TotalCount);

/// <summary>What a pager shows for a zero-based page of a list of <c>total</c> items.</summary>
public static class Paging
{
    /// <summary>The 1-based number of the page's first item (0 when the list is empty).</summary>
    public static int First(int pageIndex, int pageSize, int total) => total == 0 ? 0 : Math.Min(total, (pageIndex * pageSize) + 1);

    /// <summary>The 1-based number of the page's last item.</summary>
    public static int Last(int pageIndex, int pageSize, int total) => Math.Min(total, (pageIndex + 1) * pageSize);

    /// <summary>Whether a page follows this one.</summary>
    public static bool HasNext(int pageIndex, int pageSize, int total) => (pageIndex + 1) * pageSize < total;
}
