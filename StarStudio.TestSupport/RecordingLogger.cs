using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StarStudio.TestSupport;

/// <summary>
/// A logger that keeps what it was told, for services that log and carry on (a side effect that failed): a test asserts
/// on <see cref="Warnings"/> so a swallowed failure shows up with its exception instead of as a wrong number.
/// </summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. entries];

    /// <summary>Warnings and worse, each as its message and exception, one per line.</summary>
    public string Warnings => string.Join('\n', entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Message}: {e.Exception}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        entries.Enqueue((logLevel, formatter(state, exception), exception));
}
