using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using StarStudio.Core.Admin.Users;

namespace StarStudio.Web.Identity;

/// <summary>A live circuit as the registry sees it: something that can check its user against the database now.</summary>
internal interface IUserCircuit
{
    Task<bool> RevalidateNowAsync(CancellationToken ct);
}

/// <summary>
/// The open circuits of this process per signed-in user (a singleton). When an admin disables, deletes or changes the
/// roles of an account, <see cref="RevalidateAsync"/> makes each of that user's circuits check the account at once, so
/// the page shows them signed out (or without the revoked pages) immediately instead of at the next revalidation.
/// </summary>
/// <remarks>
/// In-process only. With several app instances the others catch up at their next check: a circuit opened later is
/// checked when it opens, a cookie at the security stamp validation interval (one minute), and an already open circuit
/// elsewhere at the provider's revalidation interval. The database never trusts the circuit's claims (policies and role
/// functions read <c>user_roles</c>), so a late circuit shows stale pages but cannot use a revoked right.
/// </remarks>
internal sealed class UserCircuitRegistry(ILogger<UserCircuitRegistry> log) : IUserSessions
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<IUserCircuit, byte>> circuits = new();

    /// <summary>How many circuits of <paramref name="userId"/> are open in this process.</summary>
    public int CountFor(Guid userId) => circuits.TryGetValue(userId, out var set) ? set.Count : 0;

    public void Track(Guid userId, IUserCircuit circuit) =>
        circuits.GetOrAdd(userId, _ => new ConcurrentDictionary<IUserCircuit, byte>()).TryAdd(circuit, 0);

    public void Untrack(Guid userId, IUserCircuit circuit)
    {
        if (circuits.TryGetValue(userId, out var set) && set.TryRemove(circuit, out _) && set.IsEmpty)
        {
            // Another thread may have added to the set since; remove the entry only if it is still this empty set.
            circuits.TryRemove(KeyValuePair.Create(userId, set));
        }
    }

    public async Task<int> RevalidateAsync(Guid userId, CancellationToken ct = default)
    {
        if (!circuits.TryGetValue(userId, out var set))
        {
            return 0;
        }

        var open = set.Keys.ToList();
        foreach (var circuit in open)
        {
            try
            {
                await circuit.RevalidateNowAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken circuit must not keep the others signed in; it still falls back to the periodic check.
                log.LogWarning(ex, "Could not revalidate a circuit of user {UserId}", userId);
            }
        }

        return open.Count;
    }
}

/// <summary>
/// Registers the circuit's user in <see cref="UserCircuitRegistry"/> while the circuit is open, follows sign-in and
/// sign-out within it, and checks the account once when the circuit opens (so a cookie issued before an admin's change,
/// or on another instance, is caught at once).
/// </summary>
internal sealed class UserCircuitHandler(
    UserCircuitRegistry registry,
    AuthenticationStateProvider authState) : CircuitHandler, IUserCircuit, IDisposable
{
    private readonly Lock gate = new();
    private Guid? tracked;
    private bool subscribed;
    private CultureInfo? culture;
    private CultureInfo? uiCulture;

    /// <summary>
    /// Checks the circuit's user now, in the circuit's culture: the registry calls this from another thread (an admin's
    /// change heard through PostgreSQL runs in the listener's invariant culture), and a changed user re-renders the
    /// layout and page from here — in English on a Chinese page, before this was set.
    /// </summary>
    public async Task<bool> RevalidateNowAsync(CancellationToken ct)
    {
        if (authState is not IdentityRevalidatingAuthenticationStateProvider provider)
        {
            return false;
        }

        if (culture is not null && uiCulture is not null)
        {
            // An async method's changes to the culture end with it: the caller's thread keeps its own.
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }

        return await provider.RevalidateNowAsync(ct);
    }

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    /// <summary>Starts tracking the circuit's user and checks the account now.</summary>
    internal async Task OpenAsync(CancellationToken ct = default)
    {
        // The circuit opens in the culture of its request (the language cookie): remembered for calls from elsewhere.
        culture = CultureInfo.CurrentCulture;
        uiCulture = CultureInfo.CurrentUICulture;
        lock (gate)
        {
            if (!subscribed)
            {
                authState.AuthenticationStateChanged += OnChanged;
                subscribed = true;
            }
        }

        try
        {
            Follow(await authState.GetAuthenticationStateAsync());
        }
        catch (InvalidOperationException)
        {
            return; // no user set on this circuit
        }

        await RevalidateNowAsync(ct);
    }

    /// <summary>Stops tracking (the circuit closed).</summary>
    internal void Close()
    {
        lock (gate)
        {
            if (subscribed)
            {
                authState.AuthenticationStateChanged -= OnChanged;
                subscribed = false;
            }

            if (tracked is { } id)
            {
                registry.Untrack(id, this);
                tracked = null;
            }
        }
    }

    public void Dispose() => Close();

    private void OnChanged(Task<AuthenticationState> task) => _ = FollowAsync(task);

    private async Task FollowAsync(Task<AuthenticationState> task)
    {
        try
        {
            Follow(await task);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed state task leaves the circuit as it was; the periodic check still applies.
        }
    }

    private void Follow(AuthenticationState state)
    {
        Guid? id = state.User.Identity?.IsAuthenticated == true && Guid.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var g) ? g : null;
        lock (gate)
        {
            if (tracked == id)
            {
                return;
            }

            if (tracked is { } old)
            {
                registry.Untrack(old, this);
            }

            tracked = id;
            if (id is { } now)
            {
                registry.Track(now, this);
            }
        }
    }
}
