using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StarStudio.Data.Identity;

namespace StarStudio.Web.Identity;

/// <summary>Creating an account from the registration form.</summary>
public static class AccountCreation
{
    /// <summary>
    /// <see cref="UserManager{TUser}.CreateAsync(TUser, string)"/>, with the race it leaves answered: Identity checks that
    /// the address is free and then inserts, so the same form sent twice at once (a double click) passed the check twice
    /// and the second insert failed on the unique index, which reached the error page. That loser now gets the form's
    /// usual "already taken" error; the first request created the account.
    /// </summary>
    public static async Task<IdentityResult> CreateAsync(UserManager<StarUser> users, StarUser user, string password)
    {
        try
        {
            return await users.CreateAsync(user, password);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(user.Email ?? ""));
        }
    }
}
