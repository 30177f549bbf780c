using StarStudio.Core.Storage;

namespace StarStudio.Core.Arena;

/// <summary>
/// Where a trial answer lives in bucket <c>trial-responses</c>, and how <c>response_uri</c> names it: the one place that
/// writes and reads that address (entries write it; battles, judging, the trial page and scoring read it).
/// </summary>
public static class TrialResponseKeys
{
    private const string Prefix = Buckets.TrialResponses + "/";
    private const string SchemePrefix = "s3://" + Prefix;

    /// <summary>The object key of a draft's answer (its entry reuses it).</summary>
    public static string Draft(Guid trialId, Guid draftId) => $"trials/{trialId}/drafts/{draftId}.json";

    /// <summary>The <c>response_uri</c> of an object key: <c>trial-responses/{key}</c>.</summary>
    public static string Uri(string key) => Prefix + key;

    /// <summary>
    /// The object key a <c>response_uri</c> names (<c>trial-responses/{key}</c>, also written <c>s3://trial-responses/{key}</c>);
    /// null when it names another bucket or an invalid key.
    /// </summary>
    public static string? Parse(string? uri)
    {
        var text = uri?.Trim();
        string key;
        if (text is null)
        {
            return null;
        }
        else if (text.StartsWith(SchemePrefix, StringComparison.Ordinal))
        {
            key = text[SchemePrefix.Length..];
        }
        else if (text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            key = text[Prefix.Length..];
        }
        else
        {
            return null;
        }

        try
        {
            ObjectKeys.Validate(Buckets.TrialResponses, key);
            return key;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
