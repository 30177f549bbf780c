using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;

namespace StarStudio.Data.Infrastructure;

/// <summary>
/// The only way Data's services reach user data: one short-lived context per operation (never one per
/// circuit), inside a transaction that first tells PostgreSQL who is acting. The settings are
/// transaction-local (<c>set_config(..., true)</c>), so a pooled connection never carries one user's
/// identity into another user's work.
/// </summary>
public sealed class StarStudioDb(IDbContextFactory<StarStudioDbContext> factory, ICurrentUser currentUser)
{
    /// <summary>Runs <paramref name="work"/> as the current user and commits if it returns.</summary>
    public async Task<T> RunAsync<T>(Func<StarStudioDbContext, UserContext, Task<T>> work, CancellationToken ct = default)
    {
        var user = await currentUser.GetAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SetUserAsync(db, user, ct);
        var result = await work(db, user);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> as the current user and commits if it returns.</summary>
    public Task RunAsync(Func<StarStudioDbContext, UserContext, Task> work, CancellationToken ct = default) =>
        RunAsync<bool>(async (db, user) =>
        {
            await work(db, user);
            return true;
        }, ct);

    /// <summary>Sets the transaction-local user settings that the row-level security policies read.</summary>
    /// <remarks>Admin rights are not taken from here: the policies look the role up in <c>user_roles</c>.</remarks>
    public static Task SetUserAsync(StarStudioDbContext db, UserContext user, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"SELECT set_config('app.user_id', {user.UserId?.ToString() ?? ""}, true)", ct);
}
