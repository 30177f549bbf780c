namespace StarStudio.Core.Common;

/// <summary>One page of a server-side paged list, with the total the pager needs.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int TotalCount);
