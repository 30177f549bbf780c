using System.Diagnostics;
using StarStudio.Core.Recommendations;

namespace StarStudio.Bench.Recommendations;

/// <summary>The <c>recommendations</c> bench (<c>dotnet run -c Release --project bench/StarStudio.Bench -- recommendations</c>): the statements of its former Program.cs.</summary>
internal static class RecommendationsBench
{
    public static int Run(string[] args)
    {
        // The in-memory half of the similarity job (ItemSimilarity.Compute) over a synthetic gallery: USERS players, STARS public
        // stars with Zipf-like popularity (a few hits, a long tail), each player liking LIKES and playing PLAYS distinct stars.
        // Then the show-time half: Recommender.Recommend for one player with 50 likes' neighbours. Arguments: users stars likes plays.
        var users = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var stars = args.Length > 1 ? int.Parse(args[1]) : 10_000;
        var likesPerUser = args.Length > 2 ? int.Parse(args[2]) : 8;
        var playsPerUser = args.Length > 3 ? int.Parse(args[3]) : 15;

        var random = new Random(15);
        var starIds = Enumerable.Range(0, stars).Select(_ => Guid.NewGuid()).ToArray();
        // Zipf(s = 1) by inverse CDF over precomputed cumulative weights.
        var cumulative = new double[stars];
        var sum = 0.0;
        for (var i = 0; i < stars; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        Guid Pick()
        {
            var x = random.NextDouble() * sum;
            var i = Array.BinarySearch(cumulative, x);
            return starIds[i < 0 ? ~i : i];
        }

        List<Interaction> Draw(int perUser)
        {
            var list = new List<Interaction>(users * perUser);
            for (var u = 0; u < users; u++)
            {
                var user = Guid.NewGuid();
                var seen = new HashSet<Guid>();
                while (seen.Count < perUser)
                {
                    seen.Add(Pick());
                }

                list.AddRange(seen.Select(s => new Interaction(user, s)));
            }

            return list;
        }

        var likes = Draw(likesPerUser);
        var plays = Draw(playsPerUser);
        Console.WriteLine($"{users:N0} users, {stars:N0} stars, {likes.Count:N0} likes, {plays.Count:N0} plays");

        for (var run = 1; run <= 3; run++)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            var pairs = ItemSimilarity.Compute(likes, plays);
            sw.Stop();
            var allocated = (GC.GetTotalAllocatedBytes(true) - before) / 1024.0 / 1024.0;
            Console.WriteLine($"run {run}: {pairs.Count:N0} similarity rows ({pairs.Select(p => p.StarId).Distinct().Count():N0} stars with neighbours) in {sw.Elapsed.TotalSeconds:0.00} s, {allocated:N0} MiB allocated, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB");
            if (run == 3)
            {
                var seeds = likes.Take(50).Select(l => l.StarId).Distinct().ToHashSet();
                var neighbours = pairs.Where(p => seeds.Contains(p.StarId)).ToList();
                var candidates = neighbours.Select(n => n.SimilarStarId).Distinct()
                    .Select(id => new CandidateStar(id, "s", "d", Guid.NewGuid(), true, true, DateTimeOffset.UtcNow, 1)).ToList();
                var input = new RecommendationInput(Guid.NewGuid(), seeds.Select(s => new SeedStar(s, "s", "d")).ToList(), [], new HashSet<Guid>(), neighbours, candidates);
                var times = new List<double>();
                for (var i = 0; i < 200; i++)
                {
                    var t = Stopwatch.StartNew();
                    Recommender.Recommend(input, 8);
                    times.Add(t.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                Console.WriteLine($"recommend (8 of {candidates.Count:N0} candidates from {neighbours.Count:N0} neighbours): median {times[100]:0.000} ms, p95 {times[190]:0.000} ms");
            }
        }

        return 0;
    }
}
