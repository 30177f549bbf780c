namespace StarStudio.Core.Common;

/// <summary>A validation failure tied to one input field, carrying a resource key so the UI can localize it.</summary>
/// <param name="Field">The name of the field, as the input model spells it (e.g. <c>Name</c>).</param>
/// <param name="Code">A stable resource key such as <c>Star.Name.TooLong</c>.</param>
/// <param name="Args">Values the localized message formats in (limits, lengths).</param>
public sealed record FieldError(string Field, string Code, params object[] Args);

/// <summary>The outcome of an operation a user can get wrong: a value, field errors, or a denial.</summary>
public sealed class Result<T>
{
    private Result(T? value, IReadOnlyList<FieldError> errors, ResultKind kind)
    {
        Value = value;
        Errors = errors;
        Kind = kind;
    }

    public T? Value { get; }
    public IReadOnlyList<FieldError> Errors { get; }
    public ResultKind Kind { get; }
    public bool Succeeded => Kind == ResultKind.Ok;

    public static Result<T> Ok(T value) => new(value, [], ResultKind.Ok);
    public static Result<T> Invalid(IReadOnlyList<FieldError> errors) => new(default, errors, ResultKind.Invalid);
    public static Result<T> Invalid(string field, string code, params object[] args) => Invalid([new FieldError(field, code, args)]);
    public static Result<T> NotFound() => new(default, [], ResultKind.NotFound);
    public static Result<T> Forbidden() => new(default, [], ResultKind.Forbidden);
}

/// <summary>Why a <see cref="Result{T}"/> did or did not succeed.</summary>
public enum ResultKind
{
    Ok,
    Invalid,
    NotFound,
    Forbidden,
}
