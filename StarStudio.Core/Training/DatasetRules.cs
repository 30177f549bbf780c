using System.Security.Cryptography;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;

namespace StarStudio.Core.Training;

/// <summary>The star as the system message of an SFT example describes it.</summary>
public sealed record DatasetStar(string Name, string Domain, string Persona, string Tone);

/// <summary>A conversation of the star with what the dataset rules need: its rating, its messages and its player's names.</summary>
/// <param name="RatedAt">When the conversation rating was given (conversation_feedback.created_at).</param>
/// <param name="KnownNames">The chatting player's names to mask (<see cref="PersonalDataMasker.KnownNames"/>).</param>
public sealed record DatasetConversation(
    Guid Id,
    ConversationChannel Channel,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeletedAt,
    short? Rating,
    DateTimeOffset? RatedAt,
    IReadOnlyList<string> Labels,
    IReadOnlyList<ConversationMessageDocument> Messages,
    IReadOnlyList<string> KnownNames);

/// <summary>A rating of one generation (an <see cref="AnswerFeedback"/> row) as the dataset rules read it.</summary>
/// <param name="RatedAt">The rating's time as it stands (answer_feedback.updated_at: re-rating moves it).</param>
public sealed record DatasetAnswerRating(Guid ConversationId, Guid MessageId, Guid TraceId, short Rating, IReadOnlyList<string> Labels,
    string Prompt, string Answer, DateTimeOffset RatedAt);

/// <summary>What <see cref="DatasetRules.Extract"/> produced: the split examples, their counts and the span of the ratings used.</summary>
public sealed record DatasetExtraction(TrainingData Data, DatasetCounts Counts, TimeWindow? Span);

/// <summary>
/// The rules that turn a star's rated conversations and answers into SFT, DPO and Q&amp;A examples
/// (docs/training-datasets.md): what qualifies, masking, dedupe, and the deterministic held-out split.
/// </summary>
public static class DatasetRules
{
    /// <summary>Preceding turns (a user message and its answer each) an SFT example keeps before the answered question.</summary>
    public const int MaxContextTurns = 3;

    /// <summary>Highest hold-out share accepted.</summary>
    public const double MaxHoldoutShare = 0.5;

    /// <summary>SFT/QLoRA need at least this many SFT + Q&amp;A training examples.</summary>
    public const int MinSftTrain = 5;

    /// <summary>DPO needs at least this many training pairs.</summary>
    public const int MinDpoTrain = 3;

    /// <summary>Labels that make a single answer an SFT example whatever its stars.</summary>
    public static readonly IReadOnlyList<string> GoodLabels = ["有用", "准确"];

    /// <summary>A label that keeps an answer out of SFT even when labelled useful.</summary>
    public const string WrongLabel = "错误";

    public const string MissingSftTrain = "Training.Dataset.Missing.SftTrain";
    public const string MissingSftHoldout = "Training.Dataset.Missing.SftHoldout";
    public const string MissingDpoTrain = "Training.Dataset.Missing.DpoTrain";
    public const string MissingDpoHoldout = "Training.Dataset.Missing.DpoHoldout";

    /// <summary>Field errors of the filters (on the filter's property name).</summary>
    public static IReadOnlyList<FieldError> Validate(DatasetFilters filters)
    {
        var errors = new List<FieldError>();
        if (filters.MinRating is < 1 or > 5)
        {
            errors.Add(new FieldError(nameof(DatasetFilters.MinRating), "Training.Dataset.MinRating.Range"));
        }

        if (double.IsNaN(filters.HoldoutShare) || filters.HoldoutShare < 0 || filters.HoldoutShare > MaxHoldoutShare)
        {
            errors.Add(new FieldError(nameof(DatasetFilters.HoldoutShare), "Training.Dataset.HoldoutShare.Range"));
        }

        if (filters.From is { } from && filters.To is { } to && from >= to)
        {
            errors.Add(new FieldError(nameof(DatasetFilters.To), "Training.Dataset.Span.Invalid"));
        }

        if (!filters.IncludeSft && !filters.IncludeDpo && !filters.IncludeQa)
        {
            errors.Add(new FieldError("Kinds", "Training.Dataset.Kinds.None"));
        }

        return errors;
    }

    /// <summary>
    /// Resource keys of what a dataset with <paramref name="counts"/> lacks to train with <paramref name="method"/> (empty:
    /// enough). SFT and QLoRA learn from chat examples (SFT and Q&amp;A); DPO from preference pairs. Each needs a held-out
    /// example, because the evaluate phase compares versions on it.
    /// </summary>
    public static IReadOnlyList<string> MissingFor(TrainingMethod method, DatasetCounts counts)
    {
        var missing = new List<string>();
        if (method is TrainingMethod.Dpo)
        {
            if (counts.DpoTrain < MinDpoTrain)
            {
                missing.Add(MissingDpoTrain);
            }

            if (counts.DpoHoldout < 1)
            {
                missing.Add(MissingDpoHoldout);
            }
        }
        else
        {
            if (counts.SftTrain + counts.QaTrain < MinSftTrain)
            {
                missing.Add(MissingSftTrain);
            }

            if (counts.SftHoldout + counts.QaHoldout < 1)
            {
                missing.Add(MissingSftHoldout);
            }
        }

        return missing;
    }

    /// <summary>What keeps a dataset from training with any method: empty when one method has all it needs, else every method's gaps.</summary>
    public static IReadOnlyList<string> MissingForAny(DatasetCounts counts)
    {
        var perMethod = Enum.GetValues<TrainingMethod>().Select(m => MissingFor(m, counts)).ToList();
        return perMethod.Any(m => m.Count == 0) ? [] : perMethod.SelectMany(m => m).Distinct().ToList();
    }

    /// <summary>The short system prompt of every SFT example: the star's persona, tone and domain.</summary>
    public static string SystemPrompt(DatasetStar star)
    {
        var parts = new List<string> { $"你是「{star.Name}」。" };
        if (!string.IsNullOrWhiteSpace(star.Domain))
        {
            parts.Add($"领域：{star.Domain.Trim()}。");
        }

        if (!string.IsNullOrWhiteSpace(star.Persona))
        {
            parts.Add($"人设：{Cap(star.Persona.Trim(), 600)}");
        }

        if (!string.IsNullOrWhiteSpace(star.Tone))
        {
            parts.Add($"语气：{star.Tone.Trim()}。");
        }

        return string.Join(" ", parts);
    }

    /// <summary>
    /// A number in [0, 1) from the example's source id (the answered message's id) and its kind: the same data always splits
    /// the same way, and an example never moves between training and hold-out as the star gathers more data.
    /// </summary>
    public static double HoldoutScore(Guid sourceId, string kind)
    {
        Span<byte> input = stackalloc byte[16 + 8];
        sourceId.TryWriteBytes(input);
        var k = System.Text.Encoding.ASCII.GetBytes(kind.PadRight(8)[..8]);
        k.CopyTo(input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return (BitConverter.ToUInt64(hash) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Applies the rules to the star's conversations and answer ratings (already limited to one star).</summary>
    public static DatasetExtraction Extract(DatasetStar star, IReadOnlyList<DatasetConversation> conversations,
        IReadOnlyList<DatasetAnswerRating> ratings, DatasetFilters filters)
    {
        var system = new DatasetMessage("system", SystemPrompt(star));
        var masked = default(MaskCounts);
        var sft = new List<(Guid Source, SftExample Example)>();
        var qa = new List<(Guid Source, QaExample Example)>();
        var dpo = new List<(Guid Source, DpoExample Example)>();
        var seenSft = new HashSet<(string, string)>();
        var seenQa = new HashSet<(string, string)>();
        var used = new HashSet<Guid>();
        DateTimeOffset? first = null, last = null;

        void Span(DateTimeOffset t)
        {
            first = first is null || t < first ? t : first;
            last = last is null || t > last ? t : last;
        }

        bool InWindow(DateTimeOffset t) => (filters.From is not { } f || t >= f) && (filters.To is not { } to || t < to);

        var usable = conversations.Where(c => c.DeletedAt is null && c.Channel != ConversationChannel.Trial).ToDictionary(c => c.Id);
        var names = new Dictionary<Guid, IReadOnlyList<string>>(usable.Count);
        IReadOnlyList<string> NamesOf(DatasetConversation c)
        {
            if (!names.TryGetValue(c.Id, out var list))
            {
                // A name the player introduced anywhere in the conversation is masked everywhere in it (the star's answers too).
                var introduced = c.Messages.Where(m => m.Sender == MessageSenders.User).SelectMany(m => PersonalDataMasker.IntroducedNames(m.Content));
                // The star's own name is never a player's name to hide ("我是墨痕的粉丝" must not blank the star).
                list = introduced.Concat(c.KnownNames).Where(n => !string.Equals(n, star.Name, StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length).ToList();
                names[c.Id] = list;
            }

            return list;
        }

        // A message is masked once even when it is the context of several later examples (and counted once).
        var maskedMessages = new Dictionary<Guid, string>();
        string MaskMessage(ConversationMessageDocument m, DatasetConversation c)
        {
            if (!maskedMessages.TryGetValue(m.Id, out var text))
            {
                text = MaskText(m.Content, c, m.Sender == MessageSenders.User);
                maskedMessages[m.Id] = text;
            }

            return text;
        }

        // Introductions are looked for only in what the player wrote: in an answer, "我是墨痕。" is the star itself.
        string MaskText(string text, DatasetConversation c, bool player)
        {
            var (result, counts) = PersonalDataMasker.Mask(text.Trim(), NamesOf(c), player);
            masked += counts;
            return result;
        }

        // 1. Whole conversations rated at least MinRating: every completed answer to a user message.
        foreach (var c in usable.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id))
        {
            if (c.Rating is not { } rating || rating < filters.MinRating || c.RatedAt is not { } ratedAt || !InWindow(ratedAt))
            {
                continue;
            }

            var turns = Turns(c.Messages);
            var contributed = false;
            for (var i = 0; i < turns.Count; i++)
            {
                var (question, answer) = turns[i];
                if (answer.Status != MessageStatuses.Completed)
                {
                    continue;
                }

                var q = MaskMessage(question, c);
                var a = MaskMessage(answer, c);
                if (filters.IncludeSft && seenSft.Add((q, a)))
                {
                    var messages = new List<DatasetMessage> { system };
                    foreach (var (pq, pa) in turns.Take(i).Where(t => t.Answer.Status == MessageStatuses.Completed).TakeLast(MaxContextTurns))
                    {
                        messages.Add(new DatasetMessage("user", MaskMessage(pq, c)));
                        messages.Add(new DatasetMessage("assistant", MaskMessage(pa, c)));
                    }

                    messages.Add(new DatasetMessage("user", q));
                    messages.Add(new DatasetMessage("assistant", a));
                    sft.Add((answer.Id, new SftExample(messages)));
                    contributed = true;
                }

                if (filters.IncludeQa && answer.Citations is { Count: > 0 } cites && seenQa.Add((q, a)))
                {
                    qa.Add((answer.Id, new QaExample(q, a, Sources(cites))));
                    contributed = true;
                }
            }

            if (contributed)
            {
                used.Add(c.Id);
                Span(ratedAt);
            }
        }

        // 2. Single generations: rated at least MinRating or labelled useful/accurate (and not wrong).
        var rated = ratings.Where(r => usable.ContainsKey(r.ConversationId) && InWindow(r.RatedAt)
                                       && !string.IsNullOrWhiteSpace(r.Prompt) && !string.IsNullOrWhiteSpace(r.Answer)).ToList();
        foreach (var r in rated.OrderBy(r => r.RatedAt).ThenBy(r => r.TraceId))
        {
            var good = r.Rating >= filters.MinRating || (r.Labels.Any(GoodLabels.Contains) && !r.Labels.Contains(WrongLabel));
            if (!good)
            {
                continue;
            }

            var c = usable[r.ConversationId];
            var q = MaskText(r.Prompt, c, true);
            var a = MaskText(r.Answer, c, false);
            var contributed = false;
            if (filters.IncludeSft && seenSft.Add((q, a)))
            {
                sft.Add((r.MessageId, new SftExample([system, new DatasetMessage("user", q), new DatasetMessage("assistant", a)])));
                contributed = true;
            }

            // Citations belong to the generation the message holds now; an older generation's are not known.
            var message = c.Messages.FirstOrDefault(m => m.Id == r.MessageId);
            if (filters.IncludeQa && message is { TraceId: { } t, Citations: { Count: > 0 } cites } && t == r.TraceId && seenQa.Add((q, a)))
            {
                qa.Add((r.MessageId, new QaExample(q, a, Sources(cites))));
                contributed = true;
            }

            if (contributed)
            {
                used.Add(c.Id);
                Span(r.RatedAt);
            }
        }

        // 3. DPO: generations of one message rated differently; the best against the worst.
        if (filters.IncludeDpo)
        {
            foreach (var group in rated.GroupBy(r => r.MessageId).OrderBy(g => g.Key))
            {
                var best = group.OrderByDescending(r => r.Rating).ThenByDescending(r => r.RatedAt).First();
                var worst = group.OrderBy(r => r.Rating).ThenBy(r => r.RatedAt).First();
                if (best.Rating == worst.Rating)
                {
                    continue;
                }

                var c = usable[best.ConversationId];
                var chosen = MaskText(best.Answer, c, false);
                var rejected = MaskText(worst.Answer, c, false);
                if (chosen == rejected)
                {
                    continue;
                }

                dpo.Add((group.Key, new DpoExample(MaskText(best.Prompt, c, true), chosen, rejected)));
                used.Add(c.Id);
                Span(best.RatedAt);
                Span(worst.RatedAt);
            }
        }

        var share = filters.HoldoutShare;
        var (sftTrain, sftHoldout) = Split(sft, "sft", share);
        var (dpoTrain, dpoHoldout) = Split(dpo, "dpo", share);
        var (qaTrain, qaHoldout) = Split(qa, "qa", share);
        var data = new TrainingData(sftTrain, sftHoldout, dpoTrain, dpoHoldout, qaTrain, qaHoldout);
        var counts = new DatasetCounts(sftTrain.Count, sftHoldout.Count, dpoTrain.Count, dpoHoldout.Count, qaTrain.Count, qaHoldout.Count,
            used.Count, masked.Names, masked.Emails, masked.Phones);
        // Half-open like every TimeWindow: the last rating is inside.
        var span = first is { } s && last is { } e ? new TimeWindow(s, e.AddTicks(1)) : null;
        return new DatasetExtraction(data, counts, span);
    }

    /// <summary>Each user message with the star's answer right after it (failed-free, non-empty texts only).</summary>
    private static List<(ConversationMessageDocument Question, ConversationMessageDocument Answer)> Turns(IReadOnlyList<ConversationMessageDocument> messages)
    {
        var turns = new List<(ConversationMessageDocument, ConversationMessageDocument)>();
        ConversationMessageDocument? question = null;
        foreach (var m in messages)
        {
            if (m.Sender == MessageSenders.User)
            {
                question = string.IsNullOrWhiteSpace(m.Content) ? null : m;
            }
            else if (m.Sender == MessageSenders.Star && question is not null)
            {
                if (!string.IsNullOrWhiteSpace(m.Content) && m.Status != MessageStatuses.Failed)
                {
                    turns.Add((question, m));
                }

                question = null;
            }
        }

        return turns;
    }

    private static List<string> Sources(IReadOnlyList<MessageCitation> cites) =>
        cites.Select(c => c.SourceName).Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().ToList();

    /// <summary>
    /// Splits by <see cref="HoldoutScore"/> below <paramref name="share"/>; with two or more examples and a share above 0,
    /// at least one is held out (the lowest score), so even a small star can be evaluated.
    /// </summary>
    private static (List<T> Train, List<T> Holdout) Split<T>(List<(Guid Source, T Example)> examples, string kind, double share)
    {
        var scored = examples.Select(e => (e.Example, Score: HoldoutScore(e.Source, kind))).ToList();
        var train = new List<T>();
        var holdout = new List<T>();
        foreach (var (example, score) in scored)
        {
            (score < share ? holdout : train).Add(example);
        }

        if (holdout.Count == 0 && share > 0 && scored.Count >= 2)
        {
            var lowest = scored.MinBy(s => s.Score).Example;
            train.Remove(lowest);
            holdout.Add(lowest);
        }

        return (train, holdout);
    }

    private static string Cap(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
