using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace StarStudio.Web.Components.Layout;

/// <summary>
/// A MudBlazor icon as markup, the same <c>&lt;svg&gt;</c> that <c>MudIcon</c> renders, without a component: the app
/// bar and the navigation are on every page of every circuit, and each <c>MudIcon</c> there cost a component (two
/// render-tree buffers and its state) per circuit. The markup of an icon and class is one string shared by all circuits.
/// </summary>
public static class SvgIcon
{
    public const string Medium = "mud-icon-root mud-svg-icon mud-icon-size-medium";
    public const string Small = "mud-icon-root mud-svg-icon mud-icon-size-small";
    public const string NavLink = "mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-medium mud-nav-link-icon mud-nav-link-icon-default";

    private static readonly ConcurrentDictionary<(string Icon, string Class), MarkupString> Cache = new();

    public static MarkupString Get(string icon, string cssClass) =>
        Cache.GetOrAdd((icon, cssClass), static key =>
            new MarkupString($"<svg class=\"{key.Class}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{key.Icon}</svg>"));
}
