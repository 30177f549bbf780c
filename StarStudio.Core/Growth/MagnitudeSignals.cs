namespace StarStudio.Core.Growth;

/// <summary>
/// The measured inputs of one star's magnitude (星等), each with the number of observations it rests on
/// (docs/magnitude.md). Means are over the counted observations and are null-free: with a count of 0 the mean is ignored.
/// </summary>
/// <param name="Answers">Successful answers (<c>chat_traces.success</c>).</param>
/// <param name="CitedAnswers">Of those, answers with at least one citation.</param>
/// <param name="CopiedSamples">Successful answers that had passages to copy from (<c>copied_share</c> not null).</param>
/// <param name="CopiedShareMean">Their mean share of answer 5-grams found in the passages (0–1).</param>
/// <param name="Ratings">Ratings of the star's answers and conversations (answer and conversation feedback).</param>
/// <param name="RatingMean">Their mean (1–5).</param>
/// <param name="DepthLabels">Ratings labelled 深度.</param>
/// <param name="UsefulLabels">Ratings labelled 有用.</param>
/// <param name="RubricDepthScores">Arena judges' scores (1–10) on a rubric criterion named 深度 or depth.</param>
/// <param name="RubricDepthMean">Their mean (1–10).</param>
/// <param name="SkillCalls">Skill calls the star made.</param>
/// <param name="SkillCallsSucceeded">Of those, successful ones.</param>
/// <param name="Players">Distinct users other than the owner the star answered.</param>
/// <param name="ReturningPlayers">Of those, users answered on at least two distinct (Beijing) days.</param>
/// <param name="ProbePairs">Paraphrased probe pairs answered in the latest on-demand evaluation.</param>
/// <param name="ProbeAgreementMean">Mean similarity of the two answers of a pair (0–1).</param>
/// <param name="RegeneratedPairs">Answers rated in two generations (same message, two traces).</param>
/// <param name="RegeneratedSimilarityMean">Mean similarity of the two generations (0–1).</param>
public sealed record MagnitudeSignals(
    int Answers,
    int CitedAnswers,
    int CopiedSamples,
    double CopiedShareMean,
    int Ratings,
    double RatingMean,
    int DepthLabels,
    int UsefulLabels,
    int RubricDepthScores,
    double RubricDepthMean,
    int SkillCalls,
    int SkillCallsSucceeded,
    int Players,
    int ReturningPlayers,
    int ProbePairs,
    double ProbeAgreementMean,
    int RegeneratedPairs,
    double RegeneratedSimilarityMean)
{
    /// <summary>A star nobody has used yet.</summary>
    public static readonly MagnitudeSignals None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>One measured sub-signal after shrinkage: <c>score = (n·raw + k·50)/(n + k)</c>.</summary>
/// <param name="Name">Stable key (evidence JSON, resource key suffix).</param>
/// <param name="Raw">The measured value on 0–100, or null without evidence.</param>
/// <param name="Evidence">n, the observations it rests on.</param>
/// <param name="K">Shrinkage strength: the evidence at which the measurement and the prior weigh the same.</param>
/// <param name="Weight">Its weight inside its dimension.</param>
/// <param name="Score">The shrunk score (0–100).</param>
public sealed record MagnitudePart(string Name, double? Raw, int Evidence, double K, double Weight, double Score);

/// <summary>One dimension: its parts and their weighted score.</summary>
public sealed record MagnitudeDimension(string Name, double Score, IReadOnlyList<MagnitudePart> Parts)
{
    public int Evidence => Parts.Sum(p => p.Evidence);
}

/// <summary>Why a level was lowered: the level the scores reached, the level given, and the missing evidence.</summary>
public sealed record MagnitudeCap(MagnitudeLevel Reached, MagnitudeLevel Given, int Ratings, int Players, int RatingsNeeded, int PlayersNeeded);

/// <summary>The result of <see cref="MagnitudeFormula.Evaluate"/>.</summary>
public sealed record MagnitudeScores(
    MagnitudeDimension Depth,
    MagnitudeDimension Originality,
    MagnitudeDimension Consistency,
    MagnitudeDimension Utility,
    double Overall,
    MagnitudeLevel Level,
    MagnitudeCap? Cap)
{
    public IReadOnlyList<MagnitudeDimension> Dimensions => [Depth, Originality, Consistency, Utility];
}
