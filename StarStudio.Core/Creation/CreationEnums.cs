namespace StarStudio.Core.Creation;

/// <summary><c>creation_agent_sessions.stage</c> (seed 003 <c>RpgAgentStage</c>, narrowed).</summary>
public enum CreationStage
{
    CollectingAnchors,
    Drafting,
    Reviewing,
    Published,
}
