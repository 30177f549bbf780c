namespace StarStudio.Core.Arena.Battles;

/// <summary>An entry a player might be shown: its id and whether the player owns its star (then never shown to them).</summary>
public readonly record struct BattleEntry(Guid Id, bool OwnedByPlayer);

/// <summary>Two entries as an unordered pair; <see cref="Of"/> orders them, so (a, b) and (b, a) are the same key.</summary>
public readonly record struct EntryPair
{
    private EntryPair(Guid low, Guid high)
    {
        Low = low;
        High = high;
    }

    public Guid Low { get; }
    public Guid High { get; }

    public static EntryPair Of(Guid a, Guid b) => a.CompareTo(b) <= 0 ? new(a, b) : new(b, a);
}

/// <summary>The battle chosen for a player: <see cref="Left"/> is shown as A, <see cref="Right"/> as B.</summary>
public readonly record struct BattleChoice(Guid Left, Guid Right);

/// <summary>Which pair a player is shown next (issue 11 §3).</summary>
public static class BattlePairing
{
    /// <summary>
    /// The least-compared pair (fewest votes over all players) among the entries the player does not own, leaving out
    /// every pair this player was already shown (voted or pending); ties broken at random, and the pair's sides drawn
    /// at random. Null when no pair is left. O(n²) over the eligible entries: 4,950 pairs at 100 entries.
    /// </summary>
    public static BattleChoice? Choose(IReadOnlyList<BattleEntry> entries, IReadOnlySet<EntryPair> shownToPlayer,
        IReadOnlyDictionary<EntryPair, int> votesPerPair, Random random)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(shownToPlayer);
        ArgumentNullException.ThrowIfNull(votesPerPair);
        ArgumentNullException.ThrowIfNull(random);
        var eligible = entries.Where(e => !e.OwnedByPlayer).Select(e => e.Id).Distinct().ToArray();
        EntryPair? best = null;
        var bestVotes = int.MaxValue;
        var ties = 0;
        for (var i = 0; i < eligible.Length; i++)
        {
            for (var j = i + 1; j < eligible.Length; j++)
            {
                var pair = EntryPair.Of(eligible[i], eligible[j]);
                if (shownToPlayer.Contains(pair))
                {
                    continue;
                }

                var votes = votesPerPair.GetValueOrDefault(pair);
                if (votes < bestVotes)
                {
                    best = pair;
                    bestVotes = votes;
                    ties = 1;
                }
                else if (votes == bestVotes && random.Next(++ties) == 0)
                {
                    // Reservoir sampling of one: each of the k tied pairs ends up chosen with probability 1/k.
                    best = pair;
                }
            }
        }

        if (best is not { } chosen)
        {
            return null;
        }

        return random.Next(2) == 0 ? new BattleChoice(chosen.Low, chosen.High) : new BattleChoice(chosen.High, chosen.Low);
    }
}
