using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StarStudio.Data.Identity;

namespace StarStudio.Web.Identity;

/// <summary>
/// Identity's sign-in manager with the admin's account states: a disabled or deleted account cannot sign in
/// (<see cref="SignInResult.NotAllowed"/>) and its cookies stop validating; a successful password sign-in records
/// <see cref="StarUser.LastSignInAt"/> for the admin user list.
/// </summary>
internal sealed class StarSignInManager(
    UserManager<StarUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<StarUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<StarUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<StarUser> confirmation,
    TimeProvider clock)
    : SignInManager<StarUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>Whether the account is disabled or deleted: such accounts never sign in.</summary>
    public static bool IsBarred(StarUser user) => user.DisabledAt is not null || user.DeletedAt is not null;

    public override async Task<bool> CanSignInAsync(StarUser user) => !IsBarred(user) && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(StarUser? user, string? securityStamp) =>
        user is not null && !IsBarred(user) && await base.ValidateSecurityStampAsync(user, securityStamp);

    public override async Task<SignInResult> PasswordSignInAsync(StarUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        if (result.Succeeded)
        {
            user.LastSignInAt = clock.GetUtcNow();
            await UserManager.UpdateAsync(user);
        }

        return result;
    }
}
