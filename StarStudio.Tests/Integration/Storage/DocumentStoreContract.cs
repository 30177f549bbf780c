using StarStudio.Core.Storage;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>
/// What every document store adapter must do with the three seed 000 §2 collections. Subclasses supply the
/// stores and the stars, knowledge tasks and conversations the documents belong to (real rows where the
/// adapter has foreign keys). Times are whole milliseconds: the finest precision every adapter keeps.
/// </summary>
public abstract class DocumentStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    protected abstract IConversationMessageStore Messages { get; }
    protected abstract IKnowledgeChunkStore Chunks { get; }
    protected abstract ITrainingLogStore Logs { get; }
    protected abstract IDocumentStoreHealth Health { get; }

    /// <summary>A star of the acting user.</summary>
    protected abstract Task<Guid> NewStarAsync();

    protected abstract Task<Guid> NewKnowledgeTaskAsync(Guid starId);

    /// <summary>A conversation of the acting user with <paramref name="starId"/>.</summary>
    protected abstract Task<Guid> NewConversationAsync(Guid starId);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    // --- conversation_messages -------------------------------------------------------

    [ContractFact]
    public async Task AppendMessage_WithToolCalls_ListReturnsEveryField()
    {
        var conversation = await NewConversationAsync(await NewStarAsync());
        var message = new ConversationMessageDocument(
            Guid.NewGuid(), conversation, MessageSenders.Star, "古籍修复的第一步是“揭”。\nStep one: lift the pages.", 42,
            [new ToolCallRecord("search_knowledge", """{"query":"揭裱"}""", """[{"chunk":"..."}]"""), new ToolCallRecord("noop", "{}", null)],
            T0.ToOffset(TimeSpan.FromHours(8)));

        await Messages.AppendAsync(message);

        var stored = Assert.Single(await Messages.ListAsync(conversation));
        AssertSame(message, stored);
    }

    [ContractFact]
    public async Task ListMessages_AppendedOutOfOrder_ReturnsOldestFirst()
    {
        var conversation = await NewConversationAsync(await NewStarAsync());
        var messages = Enumerable.Range(0, 6)
            .Select(i => NewMessage(conversation, T0.AddSeconds(i), i % 2 == 0 ? MessageSenders.User : MessageSenders.Star, $"m{i}"))
            .ToList();

        foreach (var m in messages.OrderBy(m => m.Content == "m3" ? 0 : 1).ThenByDescending(m => m.CreatedAt))
        {
            await Messages.AppendAsync(m);
        }

        Assert.Equal(messages.Select(m => m.Content), (await Messages.ListAsync(conversation)).Select(m => m.Content));
    }

    [ContractFact]
    public async Task ListMessages_ConversationWithoutMessages_ReturnsEmpty()
    {
        var conversation = await NewConversationAsync(await NewStarAsync());

        Assert.Empty(await Messages.ListAsync(conversation));
        Assert.Empty(await Messages.ListAsync(Guid.NewGuid()));
    }

    [ContractFact]
    public async Task ListManyMessages_ThreeConversations_ReturnsThoseAskedForOldestFirstWithinEach()
    {
        var star = await NewStarAsync();
        var a = await NewConversationAsync(star);
        var b = await NewConversationAsync(star);
        var other = await NewConversationAsync(star);
        await Messages.AppendAsync(NewMessage(b, T0.AddSeconds(2), MessageSenders.Star, "b1"));
        await Messages.AppendAsync(NewMessage(a, T0.AddSeconds(1), MessageSenders.Star, "a1"));
        await Messages.AppendAsync(NewMessage(b, T0, MessageSenders.User, "b0"));
        await Messages.AppendAsync(NewMessage(a, T0, MessageSenders.User, "a0"));
        await Messages.AppendAsync(NewMessage(other, T0, MessageSenders.User, "x"));

        var listed = await Messages.ListManyAsync([a, b, Guid.NewGuid()]);

        Assert.Equal(["a0", "a1"], listed.Where(m => m.ConversationId == a).Select(m => m.Content));
        Assert.Equal(["b0", "b1"], listed.Where(m => m.ConversationId == b).Select(m => m.Content));
        Assert.Equal(4, listed.Count);
        Assert.Empty(await Messages.ListManyAsync([]));
    }

    [ContractFact]
    public async Task DeleteByConversation_TwoConversations_RemovesOnlyThatOneAndCountsIt()
    {
        var star = await NewStarAsync();
        var doomed = await NewConversationAsync(star);
        var kept = await NewConversationAsync(star);
        for (var i = 0; i < 3; i++)
        {
            await Messages.AppendAsync(NewMessage(doomed, T0.AddSeconds(i), MessageSenders.User, $"d{i}"));
        }

        await Messages.AppendAsync(NewMessage(kept, T0, MessageSenders.User, "k"));

        Assert.Equal(3, await Messages.DeleteByConversationAsync(doomed));
        Assert.Equal(0, await Messages.DeleteByConversationAsync(doomed));
        Assert.Empty(await Messages.ListAsync(doomed));
        Assert.Equal("k", Assert.Single(await Messages.ListAsync(kept)).Content);
    }

    // --- knowledge_chunks ------------------------------------------------------------

    [ContractFact]
    public async Task UpsertChunks_SameBatchTwice_StoresEachChunkOnce()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var batch = NewChunks(star, task, 25);

        await Chunks.UpsertManyAsync(batch);
        await Chunks.UpsertManyAsync(batch);

        var page = await Chunks.ListAsync(star, task, 0, 100);
        Assert.Equal(25, page.TotalCount);
        Assert.Equal(batch.Select(c => c.Id), page.Items.Select(c => c.Id));
        AssertSame(batch[7], page.Items[7]);
    }

    [ContractFact]
    public async Task UpsertChunks_ChangedChunk_ReplacesTheStoredVersion()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var batch = NewChunks(star, task, 3);
        await Chunks.UpsertManyAsync(batch);

        var changed = batch[1] with
        {
            ChunkText = "rewritten",
            EmbeddingVectorId = null,
            Metadata = new Dictionary<string, string> { ["source"] = "retry" },
        };
        await Chunks.UpsertManyAsync([changed]);

        var page = await Chunks.ListAsync(star, task, 0, 10);
        Assert.Equal(3, page.TotalCount);
        AssertSame(changed, page.Items[1]);
        AssertSame(batch[0], page.Items[0]);
    }

    [ContractFact]
    public async Task UpsertChunks_SameIdTwiceInOneBatch_LastVersionWins()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var first = NewChunks(star, task, 1)[0];
        var second = first with { ChunkText = "second" };

        await Chunks.UpsertManyAsync([first, second]);

        var stored = Assert.Single((await Chunks.ListAsync(star, task, 0, 10)).Items);
        Assert.Equal("second", stored.ChunkText);
    }

    [ContractFact]
    public async Task UpsertChunks_EmptyBatch_StoresNothing()
    {
        var star = await NewStarAsync();

        await Chunks.UpsertManyAsync([]);

        Assert.Equal(0, (await Chunks.ListAsync(star, null, 0, 10)).TotalCount);
    }

    [ContractFact]
    public async Task UpsertChunks_FiveThousandInOneBatch_AreAllStored()
    {
        var star = await NewStarAsync();
        var task = await NewKnowledgeTaskAsync(star);
        var batch = NewChunks(star, task, 5000);

        await Chunks.UpsertManyAsync(batch);
        await Chunks.UpsertManyAsync(batch);

        var page = await Chunks.ListAsync(star, task, 4990, 50);
        Assert.Equal(5000, page.TotalCount);
        Assert.Equal(Enumerable.Range(4990, 10), page.Items.Select(c => c.Seq));
    }

    [ContractFact]
    public async Task ListChunks_Paged_ReturnsTaskThenSeqOrderWithTotalCount()
    {
        var star = await NewStarAsync();
        var taskA = await NewKnowledgeTaskAsync(star);
        var taskB = await NewKnowledgeTaskAsync(star);
        var all = NewChunks(star, taskA, 5).Concat(NewChunks(star, taskB, 5)).ToList();
        // Written shuffled: the order must come from the store, not from the insert order.
        await Chunks.UpsertManyAsync(all.OrderBy(c => c.Id).ToList());
        var expected = all
            .OrderBy(c => c.TaskId.ToString(), StringComparer.Ordinal) // UUID byte order, as both engines sort
            .ThenBy(c => c.Seq)
            .Select(c => c.Id)
            .ToList();

        var pages = new List<KnowledgeChunkDocument>();
        for (var skip = 0; skip < 12; skip += 4)
        {
            var page = await Chunks.ListAsync(star, null, skip, 4);
            Assert.Equal(10, page.TotalCount);
            Assert.Equal(Math.Max(0, Math.Min(4, 10 - skip)), page.Items.Count);
            pages.AddRange(page.Items);
        }

        Assert.Equal(expected, pages.Select(c => c.Id));
    }

    [ContractFact]
    public async Task ListChunks_FilteredByTask_ReturnsOnlyThatTask()
    {
        var star = await NewStarAsync();
        var taskA = await NewKnowledgeTaskAsync(star);
        var taskB = await NewKnowledgeTaskAsync(star);
        await Chunks.UpsertManyAsync([.. NewChunks(star, taskA, 3), .. NewChunks(star, taskB, 4)]);

        var page = await Chunks.ListAsync(star, taskB, 0, 10);

        Assert.Equal(4, page.TotalCount);
        Assert.All(page.Items, c => Assert.Equal(taskB, c.TaskId));
        Assert.Equal([0, 1, 2, 3], page.Items.Select(c => c.Seq));
    }

    [ContractFact]
    public async Task ListChunks_OtherStarsChunks_AreNotIncluded()
    {
        var star = await NewStarAsync();
        var other = await NewStarAsync();
        await Chunks.UpsertManyAsync(NewChunks(star, await NewKnowledgeTaskAsync(star), 2));
        await Chunks.UpsertManyAsync(NewChunks(other, await NewKnowledgeTaskAsync(other), 3));

        var page = await Chunks.ListAsync(star, null, 0, 10);

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, c => Assert.Equal(star, c.StarId));
    }

    [ContractFact]
    public async Task ListChunks_SkipPastTheEnd_ReturnsNoItemsButTheTotal()
    {
        var star = await NewStarAsync();
        await Chunks.UpsertManyAsync(NewChunks(star, await NewKnowledgeTaskAsync(star), 3));

        var page = await Chunks.ListAsync(star, null, 10, 5);

        Assert.Empty(page.Items);
        Assert.Equal(3, page.TotalCount);
    }

    [ContractFact]
    public async Task GetChunks_KnownAndUnknownIds_ReturnsTheKnownOnes()
    {
        var star = await NewStarAsync();
        var batch = NewChunks(star, await NewKnowledgeTaskAsync(star), 5);
        await Chunks.UpsertManyAsync(batch);

        var found = await Chunks.GetManyAsync([batch[3].Id, Guid.NewGuid(), batch[1].Id, batch[1].Id]);

        Assert.Equal([batch[1].Id, batch[3].Id], found.Select(c => c.Id));
        AssertSame(batch[3], found[1]);
        Assert.Empty(await Chunks.GetManyAsync([]));
    }

    [ContractFact]
    public async Task DeleteChunksByTask_TwoTasks_RemovesOnlyThatTasksChunksAndCountsThem()
    {
        var star = await NewStarAsync();
        var doomed = await NewKnowledgeTaskAsync(star);
        var kept = await NewKnowledgeTaskAsync(star);
        await Chunks.UpsertManyAsync([.. NewChunks(star, doomed, 4), .. NewChunks(star, kept, 2)]);

        Assert.Equal(4, await Chunks.DeleteByTaskAsync(doomed));
        Assert.Equal(0, await Chunks.DeleteByTaskAsync(doomed));

        var page = await Chunks.ListAsync(star, null, 0, 10);
        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, c => Assert.Equal(kept, c.TaskId));
    }

    // --- training_logs ---------------------------------------------------------------

    [ContractFact]
    public async Task AppendLogs_TwoJobs_ListReturnsOneJobOldestFirstWithMetrics()
    {
        var star = await NewStarAsync();
        var job = Guid.NewGuid();
        var otherJob = Guid.NewGuid();
        var logs = new[]
        {
            NewLog(job, star, TrainingPhases.Prepare, T0, "tokenizing 1200 samples", new Dictionary<string, double>()),
            NewLog(job, star, TrainingPhases.Train, T0.AddMinutes(5), "epoch 1/3", new Dictionary<string, double> { ["loss"] = 1.234567, ["lr"] = 2e-4 }),
            NewLog(job, star, TrainingPhases.Evaluate, T0.AddMinutes(9), "eval done", new Dictionary<string, double> { ["accuracy"] = 0.875 }),
        };

        await Logs.AppendAsync(logs[2]);
        await Logs.AppendAsync(NewLog(otherJob, star, TrainingPhases.Train, T0.AddMinutes(1), "other job", new Dictionary<string, double>()));
        await Logs.AppendAsync(logs[0]);
        await Logs.AppendAsync(logs[1]);

        var stored = await Logs.ListAsync(job);
        Assert.Equal(3, stored.Count);
        for (var i = 0; i < logs.Length; i++)
        {
            AssertSame(logs[i], stored[i]);
        }
    }

    [ContractFact]
    public async Task AppendLog_DivergingLossMetric_RoundTripsNaNAndInfinity()
    {
        var star = await NewStarAsync();
        var job = Guid.NewGuid();
        var log = NewLog(job, star, TrainingPhases.Train, T0, "loss diverged",
            new Dictionary<string, double> { ["loss"] = double.NaN, ["grad_norm"] = double.PositiveInfinity });

        await Logs.AppendAsync(log);

        AssertSame(log, Assert.Single(await Logs.ListAsync(job)));
    }

    [ContractFact]
    public async Task ListLogs_UnknownJob_ReturnsEmpty()
    {
        Assert.Empty(await Logs.ListAsync(Guid.NewGuid()));
    }

    // --- health ----------------------------------------------------------------------

    [ContractFact]
    public async Task Ping_StoreReachable_ReturnsTrue()
    {
        Assert.True(await Health.PingAsync());
    }

    // --- helpers ---------------------------------------------------------------------

    protected static ConversationMessageDocument NewMessage(Guid conversation, DateTimeOffset at, string sender, string content) =>
        new(Guid.NewGuid(), conversation, sender, content, content.Length, [], at);

    protected static List<KnowledgeChunkDocument> NewChunks(Guid star, Guid task, int count) =>
        Enumerable.Range(0, count)
            .Select(seq => new KnowledgeChunkDocument(
                Guid.NewGuid(), task, star, seq, $"chunk {seq} of {task:N}: 星辰大海",
                seq % 2 == 0 ? Guid.NewGuid() : null,
                new Dictionary<string, string> { ["source"] = "upload", ["page"] = (seq / 3).ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();

    protected static TrainingLogDocument NewLog(Guid job, Guid star, string phase, DateTimeOffset at, string stdout, Dictionary<string, double> metrics) =>
        new(Guid.NewGuid(), job, star, phase, stdout, metrics, at);

    protected static void AssertSame(ConversationMessageDocument expected, ConversationMessageDocument actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.ConversationId, actual.ConversationId);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(expected.Content, actual.Content);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.ToolCalls, actual.ToolCalls);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt); // the same instant, whatever the offset
    }

    protected static void AssertSame(KnowledgeChunkDocument expected, KnowledgeChunkDocument actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TaskId, actual.TaskId);
        Assert.Equal(expected.StarId, actual.StarId);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.ChunkText, actual.ChunkText);
        Assert.Equal(expected.EmbeddingVectorId, actual.EmbeddingVectorId);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    protected static void AssertSame(TrainingLogDocument expected, TrainingLogDocument actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.JobId, actual.JobId);
        Assert.Equal(expected.StarId, actual.StarId);
        Assert.Equal(expected.Phase, actual.Phase);
        Assert.Equal(expected.Stdout, actual.Stdout);
        Assert.Equal(expected.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }
}
