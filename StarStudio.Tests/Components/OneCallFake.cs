using System.Reflection;

namespace StarStudio.Tests.Components;

/// <summary>
/// A fake of a wide service interface whose one method the component under test calls is answered by a function; any
/// other call fails the test (NotSupportedException), so a component that starts calling more is noticed.
/// </summary>
public static class OneCallFake
{
    /// <summary>An implementation of <typeparamref name="T"/> answering <paramref name="method"/> with <paramref name="answer"/> (given the call's arguments).</summary>
    public static T Create<T>(string method, Func<object?[], object?> answer)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, Handler>();
        var handler = (Handler)(object)proxy;
        handler.Method = method;
        handler.Answer = answer;
        return proxy;
    }

    public class Handler : DispatchProxy
    {
        internal string Method { get; set; } = "";
        internal Func<object?[], object?> Answer { get; set; } = _ => null;

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method?.Name == Method && args is not null ? Answer(args) : throw new NotSupportedException(method?.Name);
    }
}
