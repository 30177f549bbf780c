namespace StarStudio.Core.Arena.Scoring;

/// <summary>What scoring knows of one entry.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="SchemaValid">Whether its submitted answer matched the schema.</param>
/// <param name="Style">Its answer's style covariates.</param>
/// <param name="RubricScores">Per criterion name, every judge's score (1–10).</param>
public sealed record EntryFacts(Guid EntryId, bool SchemaValid, AnswerStyle Style, IReadOnlyDictionary<string, IReadOnlyList<int>> RubricScores);

/// <summary>A vote between two entries, by id; <paramref name="A"/> was shown on the left.</summary>
public readonly record struct EntryVote(Guid A, Guid B, BattleOutcome Outcome);

/// <summary>The result of one entry: what the leaderboard shows and what is booked.</summary>
public sealed record EntryResult(
    Guid EntryId,
    FinalScore Score,
    RankRange Rank,
    long Reward,
    double? Rubric,
    RatingInterval? Rating,
    double? RatingStyleControlled,
    int Battles);

/// <summary>The results of a trial: per entry, plus the position bias and the style coefficients.</summary>
public sealed record TrialOutcome(
    IReadOnlyList<EntryResult> Entries,
    int Votes,
    int LeftWins,
    int DecisiveVotes,
    IReadOnlyList<double> StyleCoefficients);

/// <summary>
/// Turns a finished trial's facts into ranks and rewards (issue 11 item 4; the formula is <see cref="TrialScoring"/>'s and
/// docs/arena.md has a worked example). Pure: the same facts, seed and reward table always give the same outcome, so the
/// scoring job can run again and book nothing twice.
/// </summary>
public static class TrialResults
{
    public static TrialOutcome Compute(
        IReadOnlyList<EntryFacts> entries,
        IReadOnlyList<EntryVote> votes,
        IReadOnlyList<RubricCriterion> rubric,
        IReadOnlyList<long> rewardTable,
        int seed,
        int rounds = BradleyTerry.DefaultRounds)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(votes);
        var index = new Dictionary<Guid, int>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            index.Add(entries[i].EntryId, i);
        }

        // Votes on entries that are no longer there (a star deleted) are left out.
        var counted = votes.Where(v => index.ContainsKey(v.A) && index.ContainsKey(v.B) && v.A != v.B)
            .Select(v => new BattleVote(index[v.A], index[v.B], v.Outcome)).ToList();
        var battles = new int[entries.Count];
        foreach (var v in counted)
        {
            battles[v.A]++;
            battles[v.B]++;
        }

        ArenaRatings? ratings = null;
        if (counted.Count > 0)
        {
            ratings = BradleyTerry.Rate(entries.Count, counted, rounds, seed, entries.Select(e => e.Style.ToFeatures()).ToList());
        }

        var mean = ratings is null ? BradleyTerry.Base : ratings.Plain.Average(r => r.Rating);
        var rubrics = entries.Select(e => TrialScoring.Rubric(rubric, e.RubricScores)).ToArray();
        var scores = entries.Select((e, i) => TrialScoring.Score(new ScoreInputs(e.SchemaValid, rubrics[i], ratings?.Plain[i]), mean)).ToArray();
        var ranks = TrialScoring.Ranks(scores);

        var results = entries.Select((e, i) => new EntryResult(
            e.EntryId, scores[i], ranks[i], TrialScoring.Reward(rewardTable, ranks[i].Rank), rubrics[i],
            ratings?.Plain[i], ratings?.Controlled[i], battles[i])).ToList();

        var decisive = counted.Count(v => v.Outcome is BattleOutcome.AWins or BattleOutcome.BWins);
        var left = counted.Count(v => v.Outcome == BattleOutcome.AWins);
        return new TrialOutcome(results, counted.Count, left, decisive, ratings?.StyleCoefficients ?? []);
    }

    /// <summary>
    /// Ratings of stars over many trials (a season, all time): every vote between two entries is a vote between their
    /// stars. Returns the stars in <paramref name="stars"/> order with their rating interval and vote count.
    /// </summary>
    public static IReadOnlyList<(RatingInterval Rating, int Votes)> RateStars(
        IReadOnlyList<Guid> stars, IReadOnlyList<EntryVote> votesBetweenStars, int seed, int rounds = BradleyTerry.DefaultRounds)
    {
        ArgumentNullException.ThrowIfNull(stars);
        ArgumentNullException.ThrowIfNull(votesBetweenStars);
        var index = stars.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var counted = votesBetweenStars.Where(v => index.ContainsKey(v.A) && index.ContainsKey(v.B) && v.A != v.B)
            .Select(v => new BattleVote(index[v.A], index[v.B], v.Outcome)).ToList();
        var votes = new int[stars.Count];
        foreach (var v in counted)
        {
            votes[v.A]++;
            votes[v.B]++;
        }

        var ratings = BradleyTerry.Rate(stars.Count, counted, rounds, seed);
        return ratings.Plain.Select((r, i) => (r, votes[i])).ToList();
    }

    /// <summary>A seed that is the same for every run of one trial (so its intervals repeat), whatever the process.</summary>
    public static int SeedOf(Guid trialId)
    {
        Span<byte> bytes = stackalloc byte[16];
        trialId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
