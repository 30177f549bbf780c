namespace StarStudio.Data.Chat.Engine;

/// <summary>What went wrong with a model provider.</summary>
public enum ChatProviderFailure
{
    /// <summary>The model is registered but cannot be used (no base URL, an API key that cannot be decrypted).</summary>
    Configuration,

    /// <summary>The endpoint could not be reached (DNS, connection refused, TLS).</summary>
    Connect,

    /// <summary>The endpoint answered with an HTTP error status.</summary>
    Http,

    /// <summary>No first token, no data for too long, or the whole answer took too long.</summary>
    Timeout,

    /// <summary>The endpoint sent something that is not an OpenAI-compatible response.</summary>
    Garbage,

    /// <summary>The endpoint reported an error inside the stream.</summary>
    Provider,

    /// <summary>The connection broke off while the answer was streaming.</summary>
    Stream,
}

/// <summary>A model provider failed; <see cref="Exception.Message"/> is readable by the person chatting.</summary>
public sealed class ChatProviderException : Exception
{
    public ChatProviderException(ChatProviderFailure failure, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    public ChatProviderFailure Failure { get; }

    /// <summary>The HTTP status for <see cref="ChatProviderFailure.Http"/>.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether any token (text, reasoning or a tool call) had arrived before the failure.</summary>
    public bool AfterFirstToken { get; init; }
}
