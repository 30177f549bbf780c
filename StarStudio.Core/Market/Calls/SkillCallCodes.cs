namespace StarStudio.Core.Market.Calls;

/// <summary>
/// Why a skill call failed (<c>skill_calls.error_code</c>, the trace step's error code, resource keys for people). The
/// model is told in plain words (<see cref="SkillEndpointOutcome.ErrorMessage"/>); these codes are for records and UI.
/// </summary>
public static class SkillCallCodes
{
    /// <summary>The endpoint did not answer within the timeout.</summary>
    public const string Timeout = "Market.Call.Timeout";

    /// <summary>The answer was larger than the size limit (read no further than the limit).</summary>
    public const string TooLarge = "Market.Call.TooLarge";

    /// <summary>The answer was not <c>application/json</c>, or not valid JSON.</summary>
    public const string NotJson = "Market.Call.NotJson";

    /// <summary>The answer is JSON but violates the version's output schema.</summary>
    public const string SchemaViolation = "Market.Call.SchemaViolation";

    /// <summary>A status other than 2xx (and 3xx).</summary>
    public const string HttpError = "Market.Call.HttpError";

    /// <summary>A 3xx answer: redirects are never followed.</summary>
    public const string Redirect = "Market.Call.Redirect";

    /// <summary>The endpoint is (or resolves to) an address StarStudio does not call (SSRF guard), or is not HTTPS.</summary>
    public const string Refused = "Market.Call.Refused";

    /// <summary>The endpoint could not be reached (DNS, connection, TLS).</summary>
    public const string Unreachable = "Market.Call.Unreachable";

    /// <summary>The model's arguments do not satisfy the version's input schema (nothing was sent).</summary>
    public const string InvalidArguments = "Market.Call.InvalidArguments";

    /// <summary>The payer's available balance does not cover a metered call (nothing was sent).</summary>
    public const string Insufficient = "Market.Call.Insufficient";

    /// <summary>The subscription expired, was cancelled, or the skill was suspended since the tools were listed.</summary>
    public const string NotCallable = "Market.Call.NotCallable";

    /// <summary>The request id was recorded before: nothing is sent or charged again.</summary>
    public const string Replayed = "Market.Call.Replayed";

    public static readonly IReadOnlyList<string> All =
        [Timeout, TooLarge, NotJson, SchemaViolation, HttpError, Redirect, Refused, Unreachable, InvalidArguments, Insufficient, NotCallable, Replayed];
}
