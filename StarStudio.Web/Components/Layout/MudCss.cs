namespace StarStudio.Web.Components.Layout;

/// <summary>
/// MudBlazor's CSS classes for the buttons and chips that pages render as markup instead of <c>MudButton</c>,
/// <c>MudIconButton</c> and <c>MudChip</c> components (docs/decisions.md "Per-circuit memory"): one place to check when a MudBlazor upgrade renames them.
/// </summary>
public static class MudCss
{
    /// <summary><c>MudButton Variant="Filled" Color="Primary"</c>.</summary>
    public const string FilledPrimary = "mud-button-root mud-button mud-button-filled mud-button-filled-primary mud-button-filled-size-medium mud-ripple";

    /// <summary><c>MudButton Variant="Filled" Color="Secondary" Size="Small"</c>.</summary>
    public const string FilledSecondarySmall = "mud-button-root mud-button mud-button-filled mud-button-filled-secondary mud-button-filled-size-small mud-ripple";

    /// <summary><c>MudButton Variant="Outlined" Color="Primary"</c>.</summary>
    public const string OutlinedPrimary = "mud-button-root mud-button mud-button-outlined mud-button-outlined-primary mud-button-outlined-size-medium mud-ripple";

    /// <summary><c>MudButton Variant="Text" Size="Small"</c>.</summary>
    public const string TextSmall = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small mud-ripple";

    /// <summary><c>MudButton Variant="Text" Color="Inherit" Size="Small"</c> (the app bar's).</summary>
    public const string TextInheritSmall = "mud-button-root mud-button mud-button-text mud-button-text-inherit mud-button-text-size-small mud-ripple";

    /// <summary><c>MudIconButton Size="Small"</c>.</summary>
    public const string IconButtonSmall = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small";

    /// <summary><c>MudChip Variant="Outlined" Size="Small"</c> (default colour); add <c>mud-clickable mud-ripple</c> for one with a click.</summary>
    public const string ChipOutlinedSmall = "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-default";

    /// <summary><c>MudChip Variant="Outlined" Size="Small" Color="Secondary"</c>.</summary>
    public const string ChipOutlinedSmallSecondary = "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-secondary";

    /// <summary><c>MudChip Variant="Outlined" Size="Small" Color="Info"</c>.</summary>
    public const string ChipOutlinedSmallInfo = "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-info";

    /// <summary><c>MudChip Variant="Filled"</c> of a size (<c>small</c>, <c>medium</c>, <c>large</c>).</summary>
    public static string ChipFilled(string size) => $"mud-chip mud-chip-filled mud-chip-size-{size} mud-chip-color-default";

    /// <summary>A small icon inside a chip.</summary>
    public const string ChipIconSmall = "mud-icon-root mud-svg-icon mud-icon-size-small mud-chip-icon";
}
