using StarStudio.Core.Stars;

namespace StarStudio.Core.Training;

/// <summary>
/// INTERIM (training-jobs branch only; delete at merge in favour of engineer A's <c>DatasetRules</c>): the minimum data a
/// method needs, so the job service can refuse too little data with what is missing.
/// </summary>
public static class DatasetRules
{
    /// <summary>Fewest training examples a method trains on.</summary>
    public const int MinTrain = 5;

    /// <summary>Resource keys of what <paramref name="counts"/> lacks for <paramref name="method"/> (empty: enough).</summary>
    public static IReadOnlyList<string> MissingFor(TrainingMethod method, DatasetCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var missing = new List<string>();
        if (method == TrainingMethod.Dpo ? counts.DpoTrain < MinTrain : counts.SftTrain + counts.QaTrain < MinTrain)
        {
            missing.Add(method == TrainingMethod.Dpo ? "Training.Job.Missing.Dpo" : "Training.Job.Missing.Sft");
        }

        if (counts.Holdout < 1)
        {
            missing.Add("Training.Job.Missing.Holdout");
        }

        return missing;
    }
}
