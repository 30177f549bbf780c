using StarStudio.Core.Arena.Battles;

namespace StarStudio.Tests.Unit.Arena.Battles;

public class BattlePairingTests
{
    private static readonly IReadOnlySet<EntryPair> None = new HashSet<EntryPair>();
    private static readonly IReadOnlyDictionary<EntryPair, int> NoVotes = new Dictionary<EntryPair, int>();

    private static List<BattleEntry> Entries(int n) => Enumerable.Range(0, n).Select(_ => new BattleEntry(Guid.NewGuid(), false)).ToList();

    [Fact]
    public void Choose_PicksTheLeastComparedPair()
    {
        var e = Entries(4);
        var votes = new Dictionary<EntryPair, int>();
        for (var i = 0; i < 4; i++)
        {
            for (var j = i + 1; j < 4; j++)
            {
                votes[EntryPair.Of(e[i].Id, e[j].Id)] = 5;
            }
        }

        votes[EntryPair.Of(e[1].Id, e[3].Id)] = 2;
        for (var seed = 0; seed < 50; seed++)
        {
            var choice = BattlePairing.Choose(e, None, votes, new Random(seed))!.Value;
            Assert.Equal(EntryPair.Of(e[1].Id, e[3].Id), EntryPair.Of(choice.Left, choice.Right));
        }
    }

    [Fact]
    public void Choose_APairWithoutVotesCountsAsZero()
    {
        var e = Entries(3);
        var votes = new Dictionary<EntryPair, int> { [EntryPair.Of(e[0].Id, e[1].Id)] = 1, [EntryPair.Of(e[0].Id, e[2].Id)] = 1 };

        var choice = BattlePairing.Choose(e, None, votes, new Random(1))!.Value;

        Assert.Equal(EntryPair.Of(e[1].Id, e[2].Id), EntryPair.Of(choice.Left, choice.Right));
    }

    [Fact]
    public void Choose_NeverAPairWithThePlayersOwnStar()
    {
        var e = Entries(5);
        e[2] = e[2] with { OwnedByPlayer = true };
        var votes = new Dictionary<EntryPair, int>();
        for (var i = 0; i < 5; i++)
        {
            for (var j = i + 1; j < 5; j++)
            {
                votes[EntryPair.Of(e[i].Id, e[j].Id)] = i == 2 || j == 2 ? 0 : 9; // the own star's pairs are the least compared
            }
        }

        for (var seed = 0; seed < 200; seed++)
        {
            var choice = BattlePairing.Choose(e, None, votes, new Random(seed))!.Value;
            Assert.NotEqual(e[2].Id, choice.Left);
            Assert.NotEqual(e[2].Id, choice.Right);
        }
    }

    [Fact]
    public void Choose_SkipsPairsAlreadyShown_AndEndsWhenNoneIsLeft()
    {
        var e = Entries(4);
        var shown = new HashSet<EntryPair>();
        var random = new Random(7);
        for (var k = 0; k < 6; k++)
        {
            var choice = BattlePairing.Choose(e, shown, NoVotes, random)!.Value;
            Assert.NotEqual(choice.Left, choice.Right);
            Assert.True(shown.Add(EntryPair.Of(choice.Right, choice.Left)), "a pair was offered twice");
        }

        Assert.Null(BattlePairing.Choose(e, shown, NoVotes, random));
    }

    [Fact]
    public void Choose_FewerThanTwoEligibleEntries_ReturnsNull()
    {
        var e = Entries(3);
        e[0] = e[0] with { OwnedByPlayer = true };
        e[1] = e[1] with { OwnedByPlayer = true };

        Assert.Null(BattlePairing.Choose(e, None, NoVotes, new Random(1)));
        Assert.Null(BattlePairing.Choose([], None, NoVotes, new Random(1)));
    }

    [Fact]
    public void Choose_TiesAndSidesAreRandom_RoughlyUniform()
    {
        var e = Entries(4); // 6 pairs, all without votes
        var pairs = new Dictionary<EntryPair, int>();
        var lowOnLeft = 0;
        var random = new Random(42);
        const int draws = 6000;
        for (var k = 0; k < draws; k++)
        {
            var c = BattlePairing.Choose(e, None, NoVotes, random)!.Value;
            var pair = EntryPair.Of(c.Left, c.Right);
            pairs[pair] = pairs.GetValueOrDefault(pair) + 1;
            lowOnLeft += pair.Low == c.Left ? 1 : 0;
        }

        Assert.Equal(6, pairs.Count);
        // Each pair 1,000 expected (sd ≈ 29); each side 3,000 expected (sd ≈ 39): five sd either way.
        Assert.All(pairs.Values, n => Assert.InRange(n, 850, 1150));
        Assert.InRange(lowOnLeft, 2800, 3200);
    }

    [Fact]
    public void EntryPair_IsUnordered()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        Assert.Equal(EntryPair.Of(a, b), EntryPair.Of(b, a));
        Assert.True(EntryPair.Of(a, b).Low.CompareTo(EntryPair.Of(a, b).High) <= 0);
    }
}
