using StarStudio.Core.Chat;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class DatasetRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DatasetStar Star = new("墨痕", "古籍修复", "一位耐心的修复师", "温和");

    private static ConversationMessageDocument User(Guid conversation, string text, int at) =>
        new(Guid.NewGuid(), conversation, MessageSenders.User, text, 5, [], T0.AddMinutes(at));

    private static ConversationMessageDocument Answer(Guid conversation, string text, int at, string status = MessageStatuses.Completed, params string[] sources) =>
        new(Guid.NewGuid(), conversation, MessageSenders.Star, text, 5, [], T0.AddMinutes(at), status, "m", Guid.NewGuid(),
            sources.Select((s, i) => new MessageCitation(i + 1, Guid.NewGuid(), Guid.NewGuid(), s, null)).ToList());

    private static DatasetConversation Conversation(short? rating, params Func<Guid, ConversationMessageDocument>[] messages)
    {
        var id = Guid.NewGuid();
        return new DatasetConversation(id, ConversationChannel.Web, T0, null, rating, rating is null ? null : T0.AddHours(1), [],
            messages.Select(m => m(id)).ToList(), []);
    }

    private static DatasetExtraction Extract(IReadOnlyList<DatasetConversation> conversations, IReadOnlyList<DatasetAnswerRating>? ratings = null, DatasetFilters? filters = null) =>
        DatasetRules.Extract(Star, conversations, ratings ?? [], filters ?? new DatasetFilters(HoldoutShare: 0));

    [Fact]
    public void Extract_ConversationRatedFour_EveryCompletedTurnIsAnSftExampleWithItsPrecedingTurns()
    {
        var c = Conversation(4,
            id => User(id, "怎么揭裱？", 0), id => Answer(id, "先润湿。", 1),
            id => User(id, "要多久？", 2), id => Answer(id, "半天。", 3),
            id => User(id, "失败了呢？", 4), id => Answer(id, "半截", 5, MessageStatuses.Stopped),
            id => User(id, "再试？", 6), id => Answer(id, "出错", 7, MessageStatuses.Failed));

        var result = Extract([c]);

        Assert.Equal(2, result.Counts.SftTrain);
        var second = result.Data.SftTrain[1].Messages;
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], second.Select(m => m.Role));
        Assert.Equal("要多久？", result.Data.SftTrain[1].Question);
        Assert.Equal("半天。", result.Data.SftTrain[1].Answer);
        Assert.Contains("墨痕", second[0].Content);
        Assert.Contains("古籍修复", second[0].Content);
        // Stopped and failed answers are no examples.
        Assert.DoesNotContain(result.Data.SftTrain, e => e.Answer is "半截" or "出错");
        Assert.Equal(1, result.Counts.Conversations);
        Assert.Equal(new TimeWindow(T0.AddHours(1), T0.AddHours(1).AddTicks(1)), result.Span);
    }

    [Fact]
    public void Extract_StoppedAnswer_IsNotAnExample()
    {
        var c = Conversation(5, id => User(id, "问", 0), id => Answer(id, "半截", 1, MessageStatuses.Stopped));

        Assert.Equal(0, Extract([c]).Counts.SftTrain);
    }

    [Fact]
    public void Extract_LowRatedTrialAndDeletedConversations_GiveNothing()
    {
        var low = Conversation(3, id => User(id, "问", 0), id => Answer(id, "答", 1));
        var trial = Conversation(5, id => User(id, "问2", 0), id => Answer(id, "答2", 1)) with { Channel = ConversationChannel.Trial };
        var deleted = Conversation(5, id => User(id, "问3", 0), id => Answer(id, "答3", 1)) with { DeletedAt = T0 };
        var unrated = Conversation(null, id => User(id, "问4", 0), id => Answer(id, "答4", 1));

        var result = Extract([low, trial, deleted, unrated]);

        Assert.Equal(0, result.Counts.Train + result.Counts.Holdout);
        Assert.Null(result.Span);
    }

    [Fact]
    public void Extract_SingleAnswersRatedHighOrLabelledUseful_AreSftExamples_AndDuplicatesAreDropped()
    {
        var c = Conversation(null, id => User(id, "问", 0), id => Answer(id, "答", 1));
        DatasetAnswerRating Rating(short r, string answer, params string[] labels) =>
            new(c.Id, Guid.NewGuid(), Guid.NewGuid(), r, labels, "问", answer, T0.AddHours(2));

        var result = Extract([c], [
            Rating(5, "答"),
            Rating(5, "答"),
            Rating(2, "有用的答", "有用"),
            Rating(2, "准确但错", "准确", "错误"),
            Rating(3, "一般"),
        ]);

        Assert.Equal(["有用的答", "答"], result.Data.SftTrain.Select(e => e.Answer).Order(StringComparer.Ordinal));
        Assert.Equal(["system", "user", "assistant"], result.Data.SftTrain[0].Messages.Select(x => x.Role));
    }

    [Fact]
    public void Extract_TwoGenerationsRatedDifferently_AreOneDpoPairBestAgainstWorst()
    {
        var c = Conversation(null, id => User(id, "宣纸怎么选？", 0), id => Answer(id, "第三版", 1));
        var message = c.Messages[1].Id;
        DatasetAnswerRating Generation(short r, string answer, int minute) =>
            new(c.Id, message, Guid.NewGuid(), r, [], "宣纸怎么选？", answer, T0.AddMinutes(minute));

        var result = Extract([c], [Generation(2, "第一版", 10), Generation(5, "第二版", 20), Generation(3, "第三版", 30)]);

        var pair = Assert.Single(result.Data.DpoTrain);
        Assert.Equal(new DpoExample("宣纸怎么选？", "第二版", "第一版"), pair);
    }

    [Fact]
    public void Extract_TwoGenerationsRatedTheSame_AreNoPair()
    {
        var c = Conversation(null, id => User(id, "问", 0), id => Answer(id, "答", 1));
        var message = c.Messages[1].Id;

        var result = Extract([c], [
            new(c.Id, message, Guid.NewGuid(), 4, [], "问", "甲", T0),
            new(c.Id, message, Guid.NewGuid(), 4, [], "问", "乙", T0),
        ]);

        Assert.Empty(result.Data.DpoTrain);
    }

    [Fact]
    public void Extract_AnswersCitingPassages_AreQaExamplesWithTheirSources()
    {
        var c = Conversation(4,
            id => User(id, "浆糊怎么调？", 0), id => Answer(id, "小麦淀粉加水。[1][2]", 1, MessageStatuses.Completed, "修复手册", "修复手册", "浆糊配方"),
            id => User(id, "谢谢", 2), id => Answer(id, "不客气", 3));

        var result = Extract([c]);

        var qa = Assert.Single(result.Data.QaTrain);
        Assert.Equal(("浆糊怎么调？", "小麦淀粉加水。[1][2]"), (qa.Question, qa.Answer));
        Assert.Equal(["修复手册", "浆糊配方"], qa.Sources);
    }

    [Fact]
    public void Extract_PersonalData_IsMaskedInEveryExampleAndCounted()
    {
        var c = Conversation(5,
            id => User(id, "我叫张伟，手机13812345678，邮箱 zw@example.com", 0),
            id => Answer(id, "张伟你好，已记下。", 1)) with { KnownNames = ["weiwei"] };
        var c2 = c with { Messages = [.. c.Messages, User(c.Id, "weiwei 是我的昵称", 2), Answer(c.Id, "好的 weiwei", 3)] };

        var result = Extract([c2]);

        var all = string.Join("\n", result.Data.SftTrain.SelectMany(e => e.Messages).Select(m => m.Content));
        Assert.DoesNotContain("张伟", all);
        Assert.DoesNotContain("13812345678", all);
        Assert.DoesNotContain("zw@example.com", all);
        Assert.DoesNotContain("weiwei", all);
        Assert.Contains("我叫[姓名]，手机[电话]，邮箱 [邮箱]", all);
        // Each message is masked (and counted) once, although the first turn is also the second example's context.
        Assert.Equal((4, 1, 1), (result.Counts.MaskedNames, result.Counts.MaskedEmails, result.Counts.MaskedPhones));
    }

    [Fact]
    public void Extract_TheStarIntroducingItself_IsNotMasked()
    {
        var c = Conversation(5,
            id => User(id, "你是谁？我是墨痕的粉丝。", 0),
            id => Answer(id, "我是墨痕。很高兴认识你。", 1));

        var result = Extract([c]);

        var example = Assert.Single(result.Data.SftTrain);
        Assert.Equal("我是墨痕。很高兴认识你。", example.Answer);
        Assert.Equal("你是谁？我是墨痕的粉丝。", example.Question);
        Assert.Equal(0, result.Counts.MaskedNames);
    }

    [Fact]
    public void Extract_DateWindow_IsOverTheRatingsTime()
    {
        var inside = Conversation(5, id => User(id, "问1", 0), id => Answer(id, "答1", 1));
        var outside = Conversation(5, id => User(id, "问2", 0), id => Answer(id, "答2", 1)) with { RatedAt = T0.AddDays(10) };

        var result = Extract([inside, outside], [], new DatasetFilters(From: T0, To: T0.AddDays(1), HoldoutShare: 0));

        Assert.Equal("答1", Assert.Single(result.Data.SftTrain).Answer);
    }

    [Fact]
    public void Extract_KindsTurnedOff_AreLeftOut()
    {
        var c = Conversation(5, id => User(id, "问", 0), id => Answer(id, "答[1]", 1, MessageStatuses.Completed, "手册"));

        var result = Extract([c], [], new DatasetFilters(HoldoutShare: 0, IncludeSft: false));

        Assert.Equal((0, 1), (result.Counts.SftTrain, result.Counts.QaTrain));
    }

    [Fact]
    public void Extract_Holdout_IsDeterministicNearTheShareAndKeepsOneWhenThereAreTwo()
    {
        var conversations = Enumerable.Range(0, 400)
            .Select(i => Conversation(5, id => User(id, $"问题{i}", 0), id => Answer(id, $"回答{i}", 1))).ToList();
        var filters = new DatasetFilters(HoldoutShare: 0.2);

        var first = DatasetRules.Extract(Star, conversations, [], filters);
        var again = DatasetRules.Extract(Star, conversations.AsEnumerable().Reverse().ToList(), [], filters);
        var two = DatasetRules.Extract(Star, conversations.Take(2).ToList(), [], filters);

        Assert.InRange(first.Counts.SftHoldout, 50, 110);
        Assert.Equal(first.Data.SftHoldout.Select(e => e.Answer).Order(), again.Data.SftHoldout.Select(e => e.Answer).Order());
        Assert.InRange(two.Counts.SftHoldout, 1, 2);
        Assert.Equal(2, two.Counts.SftTrain + two.Counts.SftHoldout);
    }

    [Fact]
    public void Extract_OneExample_StaysInTraining()
    {
        var c = Conversation(5, id => User(id, "问", 0), id => Answer(id, "答", 1));

        var result = DatasetRules.Extract(Star, [c], [], new DatasetFilters(HoldoutShare: 0.5));

        Assert.Equal(1, result.Counts.SftTrain + result.Counts.SftHoldout);
    }

    [Theory]
    [InlineData(0, 0.2, "MinRating")]
    [InlineData(6, 0.2, "MinRating")]
    [InlineData(4, 0.51, "HoldoutShare")]
    [InlineData(4, -0.1, "HoldoutShare")]
    public void Validate_OutOfRange_IsAFieldError(short minRating, double share, string field)
    {
        var errors = DatasetRules.Validate(new DatasetFilters(MinRating: minRating, HoldoutShare: share));

        Assert.Equal(field, Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_EmptySpanAndNoKinds_AreFieldErrors()
    {
        var errors = DatasetRules.Validate(new DatasetFilters(From: T0, To: T0, IncludeSft: false, IncludeDpo: false, IncludeQa: false));

        Assert.Equal(["To", "Kinds"], errors.Select(e => e.Field));
    }

    [Fact]
    public void MissingFor_EachMethodNamesWhatItLacks()
    {
        var small = new DatasetCounts(3, 0, 1, 0, 1, 0, 2, 0, 0, 0);
        var enoughSft = small with { SftTrain = 4, SftHoldout = 1 };
        var enoughDpo = small with { DpoTrain = 3, DpoHoldout = 1 };

        Assert.Equal([DatasetRules.MissingSftTrain, DatasetRules.MissingSftHoldout], DatasetRules.MissingFor(TrainingMethod.Sft, small));
        Assert.Equal(DatasetRules.MissingFor(TrainingMethod.Sft, small), DatasetRules.MissingFor(TrainingMethod.Qlora, small));
        Assert.Equal([DatasetRules.MissingDpoTrain, DatasetRules.MissingDpoHoldout], DatasetRules.MissingFor(TrainingMethod.Dpo, small));
        Assert.Empty(DatasetRules.MissingFor(TrainingMethod.Sft, enoughSft));
        Assert.Empty(DatasetRules.MissingFor(TrainingMethod.Dpo, enoughDpo));
        Assert.Empty(DatasetRules.MissingForAny(enoughDpo));
        Assert.Equal(4, DatasetRules.MissingForAny(small).Count);
    }

    [Fact]
    public void Files_WrittenAndParsed_RoundTrip()
    {
        var data = new TrainingData(
            [new SftExample([new DatasetMessage("system", "你是墨痕"), new DatasetMessage("user", "问\n\"引号\""), new DatasetMessage("assistant", "答")])],
            [],
            [new DpoExample("p", "c", "r")],
            [new DpoExample("p2", "c2", "r2")],
            [],
            [new QaExample("q", "a", ["手册"])]);

        var files = DatasetFiles.Write(data).ToDictionary(f => f.Name);

        Assert.Equal("""{"messages":[{"role":"system","content":"你是墨痕"},{"role":"user","content":"问\n\"引号\""},{"role":"assistant","content":"答"}]}""" + "\n",
            DatasetFiles.Text(files[DatasetFiles.SftTrain].Content));
        Assert.Equal("""{"prompt":"p","chosen":"c","rejected":"r"}""" + "\n", DatasetFiles.Text(files[DatasetFiles.DpoTrain].Content));
        Assert.Empty(files[DatasetFiles.SftHoldout].Content);
        var sft = DatasetFiles.ParseSft(DatasetFiles.Text(files[DatasetFiles.SftTrain].Content));
        Assert.Equal(data.SftTrain[0].Messages, sft[0].Messages);
        Assert.Equal(data.DpoHoldout, DatasetFiles.ParseDpo(DatasetFiles.Text(files[DatasetFiles.DpoHoldout].Content)));
        Assert.Equal(["手册"], DatasetFiles.ParseQa(DatasetFiles.Text(files[DatasetFiles.QaHoldout].Content))[0].Sources);
    }
}
