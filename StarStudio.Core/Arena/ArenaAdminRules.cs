using System.Text.Json;
using StarStudio.Core.Common;

namespace StarStudio.Core.Arena;

/// <summary>What the time job does to a trial at a moment.</summary>
public enum TrialMove
{
    None,

    /// <summary>An auto-open draft whose window has opened: draft → ongoing.</summary>
    Open,

    /// <summary>An ongoing trial past its end: ongoing → finished, then scoring.</summary>
    Finish,
}

/// <summary>The admin rules of seasons and trials (issue 11, item 1), pure so that pages, services and the time job agree.</summary>
public static class ArenaAdminRules
{
    public const int SeasonNameMax = 80;
    public const int SeasonRulesMax = 4000;
    public const int RewardRanksMax = 50;

    /// <summary>Largest reward of one rank; far above any sane table, low enough that sums never overflow.</summary>
    public const long RewardMax = 1_000_000_000;

    public const int TitleMax = 120;
    public const int PromptMax = 8000;
    public const int RubricMax = 10;
    public const int CriterionNameMax = 60;
    public const int CriterionDescriptionMax = 500;
    public const int MaxEntriesMin = 1;
    public const int MaxEntriesMax = 100;
    public const int MaxRegenerationsMax = 20;

    public static IReadOnlyList<FieldError> ValidateSeason(SeasonDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        var name = AnswerSchemas.CodePoints(draft.Name?.Trim() ?? "");
        if (name is < 1 or > SeasonNameMax)
        {
            errors.Add(new FieldError(nameof(SeasonDraft.Name), "Arena.Season.Name.Length", SeasonNameMax));
        }

        if (draft.StartsAt >= draft.EndsAt)
        {
            errors.Add(new FieldError(nameof(SeasonDraft.EndsAt), "Arena.Season.Window"));
        }

        if (AnswerSchemas.CodePoints(draft.Rules ?? "") > SeasonRulesMax)
        {
            errors.Add(new FieldError(nameof(SeasonDraft.Rules), "Arena.Season.Rules.TooLong", SeasonRulesMax));
        }

        var table = draft.RewardTable ?? [];
        if (table.Count > RewardRanksMax)
        {
            errors.Add(new FieldError(nameof(SeasonDraft.RewardTable), "Arena.Season.RewardTable.TooLong", RewardRanksMax));
        }
        else if (table.FindIndex(p => p is < 0 or > RewardMax) is var bad and >= 0)
        {
            errors.Add(new FieldError(nameof(SeasonDraft.RewardTable), "Arena.Season.RewardTable.Range", bad + 1, RewardMax));
        }

        return errors;
    }

    /// <summary>
    /// The rules of a trial's fields. <paramref name="opening"/>: the trial is (or is becoming) ongoing, so it also needs a
    /// prompt and an end in the future. Returns the accepted schema too, so callers parse it once.
    /// </summary>
    public static (IReadOnlyList<FieldError> Errors, AcceptedSchema? Schema) ValidateTrial(TrialDraft draft, DateTimeOffset now, bool opening)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<FieldError>();
        var title = AnswerSchemas.CodePoints(draft.Title?.Trim() ?? "");
        if (title is < 1 or > TitleMax)
        {
            errors.Add(new FieldError(nameof(TrialDraft.Title), "Arena.Trial.Title.Length", TitleMax));
        }

        var prompt = AnswerSchemas.CodePoints(draft.Prompt?.Trim() ?? "");
        if (prompt > PromptMax)
        {
            errors.Add(new FieldError(nameof(TrialDraft.Prompt), "Arena.Trial.Prompt.TooLong", PromptMax));
        }
        else if (opening && prompt == 0)
        {
            errors.Add(new FieldError(nameof(TrialDraft.Prompt), "Arena.Trial.Prompt.Required"));
        }

        var accepted = AnswerSchemas.Accept(draft.AnswerSchema);
        errors.AddRange(accepted.Errors);
        errors.AddRange(ValidateRubric(draft.Rubric ?? []));

        if (draft.OpensAt > draft.SubmitUntil)
        {
            errors.Add(new FieldError(nameof(TrialDraft.SubmitUntil), "Arena.Trial.Window.SubmitBeforeOpen"));
        }

        if (draft.SubmitUntil > draft.EndsAt)
        {
            errors.Add(new FieldError(nameof(TrialDraft.EndsAt), "Arena.Trial.Window.EndBeforeSubmit"));
        }
        else if (opening && draft.EndsAt <= now)
        {
            errors.Add(new FieldError(nameof(TrialDraft.EndsAt), "Arena.Trial.Window.EndsInPast"));
        }

        if (draft.MaxEntriesPerOwner is < MaxEntriesMin or > MaxEntriesMax)
        {
            errors.Add(new FieldError(nameof(TrialDraft.MaxEntriesPerOwner), "Arena.Trial.MaxEntries.Range", MaxEntriesMin, MaxEntriesMax));
        }

        if (draft.MaxRegenerations is < 0 or > MaxRegenerationsMax)
        {
            errors.Add(new FieldError(nameof(TrialDraft.MaxRegenerations), "Arena.Trial.MaxRegenerations.Range", 0, MaxRegenerationsMax));
        }

        return (errors, accepted.Value);
    }

    /// <summary>Field name of a rubric row's part, as the editor spells it: <c>Rubric[2].Weight</c>.</summary>
    public static string RubricField(int row, string part) => $"{nameof(TrialDraft.Rubric)}[{row}].{part}";

    public static IEnumerable<FieldError> ValidateRubric(IReadOnlyList<RubricCriterion> rubric)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        if (rubric.Count > RubricMax)
        {
            yield return new FieldError(nameof(TrialDraft.Rubric), "Arena.Trial.Rubric.TooMany", RubricMax);
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rubric.Count; i++)
        {
            var c = rubric[i];
            var name = c.Name?.Trim() ?? "";
            var length = AnswerSchemas.CodePoints(name);
            if (length is < 1 or > CriterionNameMax)
            {
                yield return new FieldError(RubricField(i, nameof(RubricCriterion.Name)), "Arena.Trial.Rubric.Name.Length", i + 1, CriterionNameMax);
            }
            else if (!seen.Add(name))
            {
                // Scores are stored per criterion name, so two criteria of one name would share their scores.
                yield return new FieldError(RubricField(i, nameof(RubricCriterion.Name)), "Arena.Trial.Rubric.Name.Duplicate", i + 1, name);
            }

            if (!double.IsFinite(c.Weight) || c.Weight <= 0)
            {
                yield return new FieldError(RubricField(i, nameof(RubricCriterion.Weight)), "Arena.Trial.Rubric.Weight", i + 1);
            }

            if (AnswerSchemas.CodePoints(c.Description ?? "") > CriterionDescriptionMax)
            {
                yield return new FieldError(RubricField(i, nameof(RubricCriterion.Description)), "Arena.Trial.Rubric.Description.TooLong", i + 1, CriterionDescriptionMax);
            }
        }
    }

    /// <summary>The rubric as stored: names and descriptions trimmed.</summary>
    public static List<RubricCriterion> Normalize(IEnumerable<RubricCriterion> rubric) =>
        rubric.Select(c => new RubricCriterion(c.Name?.Trim() ?? "", c.Description?.Trim() ?? "", c.Weight)).ToList();

    /// <summary>
    /// Prompt, schema and rubric are fixed once a star has answered them (entries of one trial must be comparable);
    /// a finished trial is fixed entirely.
    /// </summary>
    public static bool ContentLocked(TrialStatus status, int entries) =>
        status == TrialStatus.Finished || (status == TrialStatus.Ongoing && entries > 0);

    /// <summary>Which locked parts an edit would change: field errors at each of them.</summary>
    public static IEnumerable<FieldError> LockedChanges(StarTrial current, TrialDraft draft)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(draft);
        if (!string.Equals(current.Prompt, draft.Prompt?.Trim() ?? "", StringComparison.Ordinal))
        {
            yield return new FieldError(nameof(TrialDraft.Prompt), "Arena.Trial.LockedByEntries");
        }

        if (!SameJson(current.AnswerSchema, draft.AnswerSchema))
        {
            yield return new FieldError(nameof(TrialDraft.AnswerSchema), "Arena.Trial.LockedByEntries");
        }

        if (!current.Rubric.SequenceEqual(Normalize(draft.Rubric ?? [])))
        {
            yield return new FieldError(nameof(TrialDraft.Rubric), "Arena.Trial.LockedByEntries");
        }
    }

    /// <summary>
    /// The time job's rule at <paramref name="now"/>: open an auto-open draft once its window opened (unless it has
    /// already ended: it could not open, an admin must fix its window), finish an ongoing trial once it is closing.
    /// </summary>
    public static TrialMove DueMove(StarTrial trial, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return TrialPhases.Of(trial, now) switch
        {
            TrialPhase.Draft when trial.AutoOpen && trial.OpensAt <= now && now < trial.EndsAt => TrialMove.Open,
            TrialPhase.Closing => TrialMove.Finish,
            _ => TrialMove.None,
        };
    }

    /// <summary>jsonb stores objects re-ordered and re-spaced, so schemas are compared as JSON values, not as text.</summary>
    private static bool SameJson(string a, string? b)
    {
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b ?? "");
            return JsonElement.DeepEquals(x.RootElement, y.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
