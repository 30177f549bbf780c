namespace StarStudio.Data.Training;

/// <summary>Training tables that are not FORCE ROW LEVEL SECURITY (docs/security.md, docs/training.md).</summary>
public static class TrainingSchema
{
    /// <summary>
    /// <c>training_jobs</c>: the re-driver's definer function <c>training_jobs_redrive</c> runs as the owner and must see
    /// every owner's unfinished jobs (the <c>knowledge_tasks</c> decision). The app role is still bound by the policies.
    /// </summary>
    public static readonly string[] NotForced = ["training_jobs"];
}
