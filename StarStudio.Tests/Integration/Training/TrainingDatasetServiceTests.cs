using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using StarStudio.Core.Chat;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Storage;
using StarStudio.Data.Training;

namespace StarStudio.Tests.Integration.Training;

/// <summary>Datasets end to end over the real PostgreSQL (RLS), the PostgreSQL document store and a local object store.</summary>
public sealed class TrainingDatasetServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-datasets-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private ITrainingDatasetService ServiceFor(UserContext user, IObjectStore? objects = null)
    {
        var db = pg.Db(user);
        return new TrainingDatasetService(db, new PostgresConversationMessageStore(db), objects ?? new LocalObjectStore(objectsRoot),
            TimeProvider.System, NullLogger<TrainingDatasetService>.Instance);
    }

    private sealed class Fixture(UserContext owner, Guid star)
    {
        public UserContext Owner { get; } = owner;
        public Guid Star { get; } = star;
    }

    private async Task<Fixture> StarAsync()
    {
        var owner = await pg.CreateUserAsync();
        var star = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "修复师", Tone = "温和", IsPublic = true, Status = StarStatus.Active, CreatedAt = T0, UpdatedAt = T0 });
        await db.SaveChangesAsync();
        return new Fixture(owner, star);
    }

    /// <summary>A conversation of <paramref name="player"/> with the turns given (question, answer, sources), optionally rated.</summary>
    private async Task<(Guid Conversation, List<ConversationMessageDocument> Answers)> ConversationAsync(Fixture f, UserContext player,
        short? rating, (string Q, string A, string[] Sources)[] turns, ConversationChannel channel = ConversationChannel.Web, bool deleted = false)
    {
        var id = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Conversations.Add(new Conversation { Id = id, StarId = f.Star, UserId = player.UserId!.Value, Channel = channel, CreatedAt = T0, UpdatedAt = T0, DeletedAt = deleted ? T0 : null });
            if (rating is { } r)
            {
                db.ConversationFeedback.Add(new ConversationFeedback { Id = Guid.NewGuid(), ConversationId = id, Rating = r, CreatedAt = T0.AddHours(1) });
            }

            await db.SaveChangesAsync();
        }

        var store = new PostgresConversationMessageStore(pg.Db(player));
        var answers = new List<ConversationMessageDocument>();
        for (var i = 0; i < turns.Length; i++)
        {
            var (q, a, sources) = turns[i];
            await store.AppendAsync(new ConversationMessageDocument(Guid.NewGuid(), id, MessageSenders.User, q, 3, [], T0.AddMinutes(2 * i)));
            var answer = new ConversationMessageDocument(Guid.NewGuid(), id, MessageSenders.Star, a, 3, [], T0.AddMinutes((2 * i) + 1),
                MessageStatuses.Completed, "m", Guid.NewGuid(), sources.Select((s, n) => new MessageCitation(n + 1, Guid.NewGuid(), Guid.NewGuid(), s, null)).ToList());
            await store.AppendAsync(answer);
            answers.Add(answer);
        }

        return (id, answers);
    }

    /// <summary>A rating of one generation, written as the rater (through RLS, with its trace).</summary>
    private async Task RateGenerationAsync(Fixture f, UserContext player, Guid conversation, Guid message, string prompt, string answer, short rating, params string[] labels)
    {
        var trace = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.ChatTraces.Add(new ChatTrace { Id = trace, ConversationId = conversation, StarId = f.Star, UserId = player.UserId!.Value, MessageId = message, Model = "m", Success = true, CreatedAt = T0 });
            await db.SaveChangesAsync();
        }

        await pg.Db(player).RunAsync(async (ctx, _) =>
        {
            ctx.AnswerFeedback.Add(new AnswerFeedback
            {
                Id = Guid.NewGuid(), ConversationId = conversation, StarId = f.Star, UserId = player.UserId!.Value, MessageId = message, TraceId = trace,
                Rating = rating, Labels = [.. labels], Prompt = prompt, Answer = answer, CreatedAt = T0.AddHours(2), UpdatedAt = T0.AddHours(2),
            });
            await ctx.SaveChangesAsync();
        });
    }

    private static (string, string, string[]) Turn(string q, string a, params string[] sources) => (q, a, sources);

    /// <summary>A star with enough data: 6 rated turns from two players, noise that must not count, and a regenerated pair.</summary>
    private async Task<(Fixture F, UserContext Player)> RichStarAsync()
    {
        var f = await StarAsync();
        var email = $"lihua.chen@x{Guid.NewGuid():N}.test";
        var player = await pg.CreateUserAsync(email);
        var other = await pg.CreateUserAsync();
        await ConversationAsync(f, player, 5, [
            Turn("你好，我叫李华。想学揭裱", "李华你好，揭裱先润湿。"),
            Turn("浆糊怎么调？我电话13812345678", "小麦淀粉加水熬制。[1]", "修复手册"),
            Turn($"要晾多久？{email} 可以发资料吗？lihua 想要", "一般晾一天。"),
        ]);
        await ConversationAsync(f, other, 4, [
            Turn("古籍怎么除霉？", "先隔离，再用软毛刷。"),
            Turn("用什么纸补？", "用相近的手工纸。[1]", "纸张图谱"),
            Turn("纸发黄怎么办？", "先别急着漂白。"),
        ]);
        await ConversationAsync(f, other, 2, [Turn("低分问题", "低分回答")]);
        await ConversationAsync(f, other, null, [Turn("没评分", "没评分的回答")]);
        await ConversationAsync(f, other, 5, [Turn("试炼题", "试炼回答")], ConversationChannel.Trial);
        await ConversationAsync(f, other, 5, [Turn("删掉的", "删掉的回答")], deleted: true);
        var (regenerated, answers) = await ConversationAsync(f, player, null, [Turn("宣纸怎么选？", "第二版：看纤维。")]);
        await RateGenerationAsync(f, player, regenerated, answers[0].Id, "宣纸怎么选？", "第一版：随便。", 1);
        await RateGenerationAsync(f, player, regenerated, answers[0].Id, "宣纸怎么选？", "第二版：看纤维。", 5, "有用");
        return (f, player);
    }

    [Fact]
    public async Task Build_RichStar_WritesSixFilesAndManifestThenTheRow_AndReadGivesThemBack()
    {
        var (f, _) = await RichStarAsync();
        var service = ServiceFor(f.Owner);

        var built = await service.BuildAsync(f.Star, new DatasetFilters(HoldoutShare: 0.2));

        Assert.True(built.Succeeded, string.Join(",", built.Errors.Select(e => e.Code)));
        var row = built.Value!;
        var counts = DatasetFiles.FromJson<DatasetCounts>(row.Counts)!;
        // 6 turns of the two rated conversations + the 5-star generation; 1 DPO pair; 2 cited answers.
        Assert.Equal(7, counts.SftTrain + counts.SftHoldout);
        Assert.Equal(1, counts.DpoTrain + counts.DpoHoldout);
        Assert.Equal(2, counts.QaTrain + counts.QaHoldout);
        Assert.InRange(counts.SftHoldout, 1, 6);
        Assert.Equal(3, counts.Conversations);
        Assert.Equal(ModelArtifacts.UriOf(ModelArtifacts.DatasetFolder(f.Star, row.Id) + "manifest.json"), row.ManifestUri);
        Assert.Equal(new TimeWindow(T0.AddHours(1), T0.AddHours(2).AddTicks(1)), row.DataSpan);

        var objects = new LocalObjectStore(objectsRoot);
        var keys = new List<string>();
        await foreach (var key in objects.ListAsync(Buckets.ModelArtifacts, ModelArtifacts.DatasetFolder(f.Star, row.Id)))
        {
            keys.Add(key[ModelArtifacts.DatasetFolder(f.Star, row.Id).Length..]);
        }

        Assert.Equal(["dpo.holdout.jsonl", "dpo.train.jsonl", "manifest.json", "qa.holdout.jsonl", "qa.train.jsonl", "sft.holdout.jsonl", "sft.train.jsonl"], keys);

        var read = await service.ReadAsync(row.Id);
        Assert.True(read.Succeeded);
        var data = read.Value!;
        Assert.Equal(counts.SftTrain, data.SftTrain.Count);
        Assert.Equal(counts.SftHoldout, data.SftHoldout.Count);
        var pair = Assert.Single(data.DpoTrain.Concat(data.DpoHoldout));
        Assert.Equal(new DpoExample("宣纸怎么选？", "第二版：看纤维。", "第一版：随便。"), pair);
        Assert.Contains(data.QaTrain.Concat(data.QaHoldout), q => q.Sources.SequenceEqual(["修复手册"]));
        Assert.Equal([row.Id], (await service.ListAsync(f.Star)).Value!.Select(d => d.Id));
    }

    [Fact]
    public async Task Preview_PlayerWhoOptedOutOfTraining_NoneOfTheirChatsOrRatingsCount()
    {
        var (f, player) = await RichStarAsync();
        var before = (await ServiceFor(f.Owner).PreviewAsync(f.Star, new DatasetFilters())).Value!.Counts;

        // The player keeps their chats out of training data (their own preference, saved as themselves).
        var saved = await new Data.Account.PreferencesService(pg.Db(player), TimeProvider.System)
            .SaveAsync(new Core.Account.PreferencesDraft("zh-CN", "light", ExcludeFromTraining: true));
        Assert.True(saved.Succeeded);
        var after = (await ServiceFor(f.Owner).PreviewAsync(f.Star, new DatasetFilters())).Value!.Counts;

        // Their 3 rated turns, their 5-star generation and their DPO pair are gone; the other player's 3 turns stay.
        Assert.Equal(7, before.SftTrain + before.SftHoldout);
        Assert.Equal(3, after.SftTrain + after.SftHoldout);
        Assert.Equal(0, after.DpoTrain + after.DpoHoldout);
        Assert.Equal(1, after.Conversations);
    }

    [Fact]
    public async Task Build_PersonalData_IsMaskedInTheWrittenFiles()
    {
        var (f, _) = await RichStarAsync();

        var row = (await ServiceFor(f.Owner).BuildAsync(f.Star, new DatasetFilters(HoldoutShare: 0.2))).Value!;

        var objects = new LocalObjectStore(objectsRoot);
        var text = new StringBuilder();
        await foreach (var key in objects.ListAsync(Buckets.ModelArtifacts, ModelArtifacts.DatasetFolder(f.Star, row.Id)))
        {
            if (key.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                await using var o = (await objects.GetAsync(Buckets.ModelArtifacts, key))!;
                text.Append(await new StreamReader(o.Content).ReadToEndAsync());
            }
        }

        var all = text.ToString();
        Assert.DoesNotContain("李华", all);
        Assert.DoesNotContain("13812345678", all);
        Assert.DoesNotContain("lihua", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[姓名]", all);
        Assert.Contains("[电话]", all);
        Assert.Contains("[邮箱]", all);
        Assert.DoesNotContain("低分", all);
        Assert.DoesNotContain("没评分", all);
        Assert.DoesNotContain("试炼", all);
        Assert.DoesNotContain("删掉", all);
        var counts = DatasetFiles.FromJson<DatasetCounts>(row.Counts)!;
        // 李华 where it was introduced and in the answer that greeted her; lihua (the e-mail's local part) once.
        Assert.Equal(3, counts.MaskedNames);
        Assert.Equal((1, 1), (counts.MaskedPhones, counts.MaskedEmails));
    }

    [Fact]
    public async Task Build_Twice_SplitsTheSameWay()
    {
        var (f, _) = await RichStarAsync();
        var service = ServiceFor(f.Owner);

        var a = (await service.BuildAsync(f.Star, new DatasetFilters(HoldoutShare: 0.3))).Value!;
        var b = (await service.BuildAsync(f.Star, new DatasetFilters(HoldoutShare: 0.3))).Value!;

        var da = (await service.ReadAsync(a.Id)).Value!;
        var db = (await service.ReadAsync(b.Id)).Value!;
        Assert.Equal(da.SftHoldout.Select(e => e.Answer).Order(), db.SftHoldout.Select(e => e.Answer).Order());
        Assert.Equal(da.SftTrain.Select(e => e.Answer).Order(), db.SftTrain.Select(e => e.Answer).Order());
        Assert.Equal(2, (await service.ListAsync(f.Star)).Value!.Count);
    }

    [Fact]
    public async Task Preview_TooLittleData_SaysWhatIsMissing_AndBuildingNothingIsRefused()
    {
        var f = await StarAsync();
        var player = await pg.CreateUserAsync();
        await ConversationAsync(f, player, 5, [Turn("一个问题", "一个回答")]);
        var service = ServiceFor(f.Owner);

        var preview = (await service.PreviewAsync(f.Star, new DatasetFilters())).Value!;
        var empty = await service.BuildAsync(f.Star, new DatasetFilters(MinRating: 5, From: T0.AddDays(5)));

        Assert.Equal(1, preview.Counts.SftTrain + preview.Counts.SftHoldout);
        Assert.Contains(DatasetRules.MissingSftTrain, preview.Missing);
        Assert.Contains(DatasetRules.MissingDpoTrain, preview.Missing);
        Assert.Single(preview.SampleSft);
        Assert.Equal("Training.Dataset.Empty", Assert.Single(empty.Errors).Code);
        Assert.Empty((await service.ListAsync(f.Star)).Value!);
    }

    [Fact]
    public async Task Preview_BadFilters_AreFieldErrors()
    {
        var f = await StarAsync();

        var result = await ServiceFor(f.Owner).PreviewAsync(f.Star, new DatasetFilters(MinRating: 0, HoldoutShare: 0.8));

        Assert.Equal(["MinRating", "HoldoutShare"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task AnotherOwnerOrAPlayer_CannotPreviewBuildListOrRead_ButAnAdminCan()
    {
        var (f, player) = await RichStarAsync();
        var built = (await ServiceFor(f.Owner).BuildAsync(f.Star, new DatasetFilters())).Value!;
        var otherOwner = (await StarAsync()).Owner;

        foreach (var intruder in new[] { otherOwner, player })
        {
            var service = ServiceFor(intruder);
            Assert.Equal(ResultKind.Forbidden, (await service.PreviewAsync(f.Star, new DatasetFilters())).Kind);
            Assert.Equal(ResultKind.Forbidden, (await service.BuildAsync(f.Star, new DatasetFilters())).Kind);
            Assert.Equal(ResultKind.Forbidden, (await service.ListAsync(f.Star)).Kind);
            Assert.Equal(ResultKind.NotFound, (await service.ReadAsync(built.Id)).Kind);
        }

        var admin = ServiceFor(await pg.CreateAdminAsync());
        Assert.True((await admin.ReadAsync(built.Id)).Succeeded);
        Assert.Single((await admin.ListAsync(f.Star)).Value!);
    }

    [Fact]
    public async Task Build_ObjectStoreFailsMidway_LeavesNoRowAndNoFiles()
    {
        var (f, _) = await RichStarAsync();
        var objects = new FailingStore(new LocalObjectStore(objectsRoot), failOnPut: 3);

        await Assert.ThrowsAsync<IOException>(() => ServiceFor(f.Owner, objects).BuildAsync(f.Star, new DatasetFilters()));

        Assert.Empty((await ServiceFor(f.Owner).ListAsync(f.Star)).Value!);
        var left = new List<string>();
        await foreach (var key in objects.ListAsync(Buckets.ModelArtifacts, ModelArtifacts.StarPrefix(f.Star)))
        {
            left.Add(key);
        }

        Assert.Empty(left);
    }

    [Fact]
    public async Task Read_FileChangedAfterTheBuild_IsRefused()
    {
        var (f, _) = await RichStarAsync();
        var service = ServiceFor(f.Owner);
        var row = (await service.BuildAsync(f.Star, new DatasetFilters())).Value!;
        var objects = new LocalObjectStore(objectsRoot);
        await objects.PutAsync(Buckets.ModelArtifacts, ModelArtifacts.DatasetFolder(f.Star, row.Id) + DatasetFiles.SftTrain,
            new MemoryStream("{\"messages\":[]}\n"u8.ToArray()), "application/jsonl");

        var read = await service.ReadAsync(row.Id);

        Assert.Equal("Training.Dataset.Unreadable", Assert.Single(read.Errors).Code);
    }

    private sealed class FailingStore(IObjectStore inner, int failOnPut) : IObjectStore
    {
        private int puts;

        public Task EnsureBucketsAsync(CancellationToken ct = default) => inner.EnsureBucketsAsync(ct);

        public Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default) =>
            ++puts == failOnPut ? throw new IOException("disk full") : inner.PutAsync(bucket, key, content, contentType, ct);

        public Task<StoredObject?> GetAsync(string bucket, string key, CancellationToken ct = default) => inner.GetAsync(bucket, key, ct);

        public Task<bool> ExistsAsync(string bucket, string key, CancellationToken ct = default) => inner.ExistsAsync(bucket, key, ct);

        public Task DeleteAsync(string bucket, string key, CancellationToken ct = default) => inner.DeleteAsync(bucket, key, ct);

        public IAsyncEnumerable<string> ListAsync(string bucket, string prefix, CancellationToken ct = default) => inner.ListAsync(bucket, prefix, ct);

        public Task<bool> PingAsync(CancellationToken ct = default) => inner.PingAsync(ct);
    }
}
