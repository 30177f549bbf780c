namespace StarStudio.Core.Arena;

/// <summary>Where a trial answer lives in bucket <c>trial-responses</c>, and how <c>response_uri</c> names it.</summary>
public static class TrialResponseKeys
{
    public const string Scheme = "s3://trial-responses/";

    /// <summary>The object key of a draft's answer.</summary>
    public static string Draft(Guid trialId, Guid draftId) => $"trials/{trialId}/drafts/{draftId}.json";

    /// <summary>The <c>response_uri</c> of an object key.</summary>
    public static string Uri(string key) => Scheme + key;

    /// <summary>
    /// The object key a <c>response_uri</c> names: <c>s3://trial-responses/{key}</c>, <c>trial-responses/{key}</c> (how
    /// entries store it) or a bare key; null when it names another bucket.
    /// </summary>
    public static string? Parse(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }

        if (uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return uri[Scheme.Length..];
        }

        const string BucketPrefix = "trial-responses/";
        if (uri.StartsWith(BucketPrefix, StringComparison.Ordinal))
        {
            return uri[BucketPrefix.Length..];
        }

        return uri.Contains("://", StringComparison.Ordinal) ? null : uri;
    }
}
