using StarStudio.Core.Common;

namespace StarStudio.Core.Arena.Battles;

/// <summary>
/// Rubric scores by a trial's judges (issue 11 §3), as the current user: 1–10 per criterion with a comment, on every
/// entry, during the judging phase. Refusals are <see cref="ResultKind.Invalid"/> with a <see cref="JudgingErrors"/> key.
/// </summary>
public interface IJudgingService
{
    /// <summary>The trial's rubric and its entries with their answers and the judge's own scores so far.</summary>
    Task<Result<JudgingSheet>> SheetAsync(Guid trialId, CancellationToken ct = default);

    /// <summary>Stores (inserts or replaces) the judge's scores of the given criteria for one entry; returns all of them.</summary>
    Task<Result<IReadOnlyList<CriterionScore>>> ScoreAsync(Guid trialId, Guid entryId, IReadOnlyList<CriterionScore> scores, CancellationToken ct = default);
}

/// <summary>What a judge sees of a trial.</summary>
public sealed record JudgingSheet(Guid TrialId, string Title, string Prompt, IReadOnlyList<RubricCriterion> Rubric, IReadOnlyList<JudgedEntry> Entries);

/// <summary>One entry for judging: its star's name, its answer (null: the stored object could not be read) and my scores.</summary>
public sealed record JudgedEntry(Guid EntryId, string StarName, string? AnswerJson, IReadOnlyList<CriterionScore> MyScores);

/// <summary>A score of one criterion (<see cref="RubricCriterion.Name"/>), 1–10, with an optional comment.</summary>
public sealed record CriterionScore(string Criterion, int Score, string? Comment);

/// <summary>Resource keys of the judging refusals.</summary>
public static class JudgingErrors
{
    public const string NotJudge = "Arena.Judging.NotJudge";
    public const string NotJudging = "Arena.Judging.NotJudging";
    public const string UnknownCriterion = "Arena.Judging.UnknownCriterion";
    public const string DuplicateCriterion = "Arena.Judging.DuplicateCriterion";
    public const string ScoreRange = "Arena.Judging.ScoreRange";
    public const string CommentTooLong = "Arena.Judging.CommentTooLong";
    public const string NoScores = "Arena.Judging.NoScores";
}

/// <summary>The checks of a judge's scores against the trial's rubric, before anything is stored.</summary>
public static class JudgingRules
{
    public const int MinScore = 1;
    public const int MaxScore = 10;

    /// <summary>The column's limit (<c>trial_rubric_scores.comment</c>, varchar 2000).</summary>
    public const int MaxCommentLength = 2000;

    /// <summary>Every problem, each on the field <c>Scores[i].Score</c>, <c>Scores[i].Criterion</c> or <c>Scores[i].Comment</c>.</summary>
    public static IReadOnlyList<FieldError> Validate(IReadOnlyList<RubricCriterion> rubric, IReadOnlyList<CriterionScore> scores)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        var errors = new List<FieldError>();
        if (scores is null || scores.Count == 0)
        {
            errors.Add(new FieldError("Scores", JudgingErrors.NoScores));
            return errors;
        }

        var known = rubric.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < scores.Count; i++)
        {
            var s = scores[i];
            var field = $"Scores[{i}]";
            if (!known.Contains(s.Criterion ?? ""))
            {
                errors.Add(new FieldError(field + ".Criterion", JudgingErrors.UnknownCriterion, s.Criterion ?? ""));
            }
            else if (!seen.Add(s.Criterion!))
            {
                errors.Add(new FieldError(field + ".Criterion", JudgingErrors.DuplicateCriterion, s.Criterion!));
            }

            if (s.Score is < MinScore or > MaxScore)
            {
                errors.Add(new FieldError(field + ".Score", JudgingErrors.ScoreRange, MinScore, MaxScore));
            }

            if (s.Comment is { Length: > MaxCommentLength })
            {
                errors.Add(new FieldError(field + ".Comment", JudgingErrors.CommentTooLong, MaxCommentLength));
            }
        }

        return errors;
    }
}
