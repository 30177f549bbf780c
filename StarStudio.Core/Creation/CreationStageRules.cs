namespace StarStudio.Core.Creation;

/// <summary>
/// How a session moves: collecting_anchors → drafting → reviewing → published, one step forward at a time (publishing is
/// also allowed straight from drafting), back to any earlier stage (editing anchors again, restoring a checkpoint);
/// nothing leaves published (the star exists; a second publish would make a second star).
/// </summary>
public static class CreationStageRules
{
    public static bool CanMove(CreationStage from, CreationStage to) => (from, to) switch
    {
        (CreationStage.Published, _) => false,
        _ when from == to => true,
        (CreationStage.CollectingAnchors, CreationStage.Drafting) => true,
        (CreationStage.Drafting, CreationStage.Reviewing) => true,
        (CreationStage.Drafting or CreationStage.Reviewing, CreationStage.Published) => true,
        _ when to < from && to != CreationStage.Published => true,
        _ => false,
    };

    /// <summary>Whether a session at <paramref name="current"/> may go back to a checkpoint taken at <paramref name="checkpoint"/>.</summary>
    public static bool CanRestore(CreationStage current, CreationStage checkpoint) =>
        current != CreationStage.Published && checkpoint != CreationStage.Published;

    /// <summary><c>progress_percent</c> of a stage.</summary>
    public static short ProgressOf(CreationStage stage) => stage switch
    {
        CreationStage.CollectingAnchors => 25,
        CreationStage.Drafting => 50,
        CreationStage.Reviewing => 75,
        _ => 100,
    };
}
