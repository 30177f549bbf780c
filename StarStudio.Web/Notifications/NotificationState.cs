namespace StarStudio.Web.Notifications;

/// <summary>
/// The circuit's notification state: the list page tells the bell when the user read something, so the bell counts
/// again then (and on navigation) instead of polling.
/// </summary>
public sealed class NotificationState
{
    /// <summary>Raised after the current user read one or all of their notifications.</summary>
    public event Func<Task>? Changed;

    /// <summary>Tells every listener (the bell) to count again.</summary>
    public async Task NotifyReadAsync()
    {
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
