using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Knowledge.Chunking;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Market.Calls;
using StarStudio.Core.Storage;
using StarStudio.Core.Training;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Chat.Engine;

/// <summary>
/// Answers as a star. Per reply: reads the model configuration (<see cref="ChatModelResolver"/>), retrieves passages
/// (a <c>retrieval</c> step), builds the prompt (<see cref="PromptBuilder"/>), then either runs the offline engine
/// (<see cref="OfflineChatClient"/>, when no model is configured) or streams from the default model through
/// <see cref="IChatClient"/>, with a tool loop (at most <see cref="ChatEngineOptions.MaxToolRounds"/> rounds) and a
/// switch to the fallback model when the default fails before its first token. Every model call, tool call and
/// fallback is a trace step. Never throws for provider problems: the last event is always <see cref="ChatCompleted"/>.
/// Scoped (it uses the acting user's <see cref="StarStudioDb"/> and retriever).
/// </summary>
public sealed partial class StarChatEngine(
    StarStudioDb db,
    IKnowledgeRetriever retriever,
    ChatModelResolver models,
    IChatModelClientFactory clients,
    IEnumerable<IChatToolSource> toolSources,
    ITokenCounter tokens,
    IOptions<ChatEngineOptions>? options = null,
    ILogger<StarChatEngine>? logger = null) : IStarChatEngine
{
    private static readonly JsonSerializerOptions StepJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly StarStudioDb db = db ?? throw new ArgumentNullException(nameof(db));
    private readonly IKnowledgeRetriever retriever = retriever ?? throw new ArgumentNullException(nameof(retriever));
    private readonly ChatModelResolver models = models ?? throw new ArgumentNullException(nameof(models));
    private readonly IChatModelClientFactory clients = clients ?? throw new ArgumentNullException(nameof(clients));
    private readonly ITokenCounter tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
    private readonly ChatEngineOptions settings = options?.Value ?? new ChatEngineOptions();
    private readonly IReadOnlyList<IChatToolSource> sources = toolSources?.ToList() ?? [];
    private readonly ILogger log = logger ?? (ILogger)NullLogger.Instance;

    public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = new Run(this, request, channel.Writer, stop.Token);
        var producer = run.ExecuteAsync();
        try
        {
            // Not cancelled by ct: after a cancellation the producer still sends the final ChatCompleted.
            await foreach (var e in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                yield return e;
            }
        }
        finally
        {
            await stop.CancelAsync(); // the consumer may have stopped early
            await producer;
        }
    }

    /// <summary>The numbers cited in <paramref name="answer"/>: <c>[1]</c>, <c>[1][2]</c>, <c>[1, 2]</c>, <c>【3】</c>, in order of first use.</summary>
    public static IReadOnlyList<int> CitedNumbers(string answer)
    {
        var result = new List<int>();
        if (string.IsNullOrEmpty(answer))
        {
            return result;
        }

        foreach (Match m in CitationPattern().Matches(answer))
        {
            foreach (var part in m.Groups[1].Value.Split([',', '，', '、', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, out var n) && n > 0 && !result.Contains(n))
                {
                    result.Add(n);
                }
            }
        }

        return result;
    }

    [GeneratedRegex(@"[\[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]")]
    private static partial Regex CitationPattern();

    /// <summary>The passages of one answer, numbered in the order they were given to the model; the same chunk keeps its number.</summary>
    internal sealed class CitationBook
    {
        private readonly Dictionary<Guid, int> byChunk = [];
        private readonly List<RetrievedPassage> passages = [];

        public int Count => passages.Count;

        /// <summary>The texts of the passages given, for the copy measure.</summary>
        public IEnumerable<string> Texts => passages.Select(p => p.Text);

        /// <summary>How many of the given passages <paramref name="answer"/> cites by number (explicitly; 0 when it cites none).</summary>
        public int ExplicitlyCited(string answer) =>
            string.IsNullOrWhiteSpace(answer) ? 0 : CitedNumbers(answer).Where(n => n >= 1 && n <= passages.Count).Distinct().Count();

        public int Cite(RetrievedPassage passage)
        {
            ArgumentNullException.ThrowIfNull(passage);
            if (byChunk.TryGetValue(passage.Citation.ChunkId, out var number))
            {
                return number;
            }

            passages.Add(passage);
            number = passages.Count;
            byChunk[passage.Citation.ChunkId] = number;
            return number;
        }

        /// <summary>The passages <paramref name="answer"/> cites, else all given (none for an empty answer).</summary>
        public IReadOnlyList<MessageCitation> For(string answer)
        {
            if (string.IsNullOrWhiteSpace(answer) || passages.Count == 0)
            {
                return [];
            }

            var cited = CitedNumbers(answer).Where(n => n <= passages.Count).Order().ToList();
            var numbers = cited.Count > 0 ? cited : Enumerable.Range(1, passages.Count).ToList();
            return numbers.Select(n =>
            {
                var c = passages[n - 1].Citation;
                return new MessageCitation(n, c.ChunkId, c.TaskId, c.SourceName, c.Page, c.FromAttachment ? c.TaskId : null);
            }).ToList();
        }
    }

    /// <summary>One reply: its state, and the work that writes events.</summary>
    private sealed class Run(StarChatEngine engine, ChatRequest request, ChannelWriter<ChatEvent> writer, CancellationToken token)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly StringBuilder content = new();
        private readonly StringBuilder thinking = new();
        private readonly List<TraceStepRecord> steps = [];
        private readonly List<ToolCallRecord> toolCalls = [];
        private readonly CitationBook book = new();
        private ChatEngineOptions Settings => engine.settings;
        private ITokenCounter Tokens => engine.tokens;
        private string provider = OfflineEngine.Provider;
        private string model = OfflineEngine.Model;
        private string promptJson = "[]";
        private string traceSystem = "";
        private int tokensIn;
        private int tokensOut;
        private decimal cost;
        private int? firstTokenMs;
        private bool success;
        private bool cancelled;
        private string? errorPhase;
        private string? error;

        public async Task ExecuteAsync()
        {
            try
            {
                await AnswerAsync();
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                Cancel();
            }
            catch (Exception e)
            {
                engine.log.LogError(e, "The chat engine failed on request {RequestId}", request.RequestId);
                success = false;
                errorPhase ??= ChatErrorPhases.Internal;
                error ??= "The chat engine failed unexpectedly: " + e.Message;
            }
            finally
            {
                writer.TryWrite(new ChatCompleted(Outcome()));
                writer.TryComplete();
            }
        }

        private void Cancel()
        {
            cancelled = true;
            success = false;
            errorPhase = ChatErrorPhases.Cancelled;
            error = "The answer was stopped.";
        }

        private ChatOutcome Outcome()
        {
            var text = content.ToString();
            return new ChatOutcome(
                text, provider, model, tokensIn, tokensOut, book.For(text), toolCalls, steps, promptJson,
                firstTokenMs, (int)clock.ElapsedMilliseconds, success && !cancelled, cancelled, success ? null : errorPhase, success ? null : error, cost)
            {
                // Originality (docs/magnitude.md): how much of the answer is the passages' own words.
                CopiedShare = success && !cancelled ? TextOverlap.CopiedShare(text, book.Texts) : null,
                CitationCount = book.ExplicitlyCited(text),
                Thinking = thinking.Length > 0 ? thinking.ToString() : null,
            };
        }

        private async Task AnswerAsync()
        {
            var star = request.Star;
            var userMessage = request.UserMessage ?? "";
            steps.Add(new TraceStepRecord(TraceStepKinds.UserMessage, "user", Json(new { text = userMessage }), null,
                Tokens.Count(userMessage), 0, 0, true, null));

            ChatEngineConfig config;
            try
            {
                config = await engine.models.ResolveAsync(engine.db, token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                engine.log.LogError(e, "Reading the chat configuration failed");
                errorPhase = ChatErrorPhases.Config;
                error = "The chat configuration could not be read: " + e.Message;
                return;
            }

            if (request.ModelOverride is { } served)
            {
                // A version an external trainer made answers with its served model, the default model behind it.
                config = await engine.models.WithServedModelAsync(engine.db, config, served, token);
            }

            // Retrieval: a failure is recorded and the answer goes on without passages.
            var started = clock.ElapsedMilliseconds;
            IReadOnlyList<RetrievedPassage> found = [];
            string? retrievalError = null;
            try
            {
                found = await engine.retriever.SearchAsync(new RetrievalQuery(star.StarId, userMessage, config.TopK), token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                engine.log.LogWarning(e, "Retrieval failed for star {StarId}", star.StarId);
                retrievalError = "Knowledge search failed: " + e.Message;
            }

            var retrievalMs = (int)(clock.ElapsedMilliseconds - started);

            // The conversation's attachments first (the user pointed at them), then the star's knowledge; one numbering.
            var numbered = request.AttachmentPassages.Concat(found).Select((p, i) => new PromptPassage(i + 1, p)).ToList();
            // Offline (no model), tools are listed only for skills the example rule may call (free-text answers only).
            var tools = Settings.EnableTools && (config.Primary is not null || string.IsNullOrWhiteSpace(request.ResponseSchema)) ? await ToolsAsync() : [];
            var window = config.Primary?.Model.MaxContextTokens ?? Settings.OfflineContextTokens;
            BuiltPrompt Build(int contextTokens) => PromptBuilder.Build(
                new PromptInput(star, numbered, request.History ?? [], userMessage, contextTokens)
                {
                    ToolsAvailable = config.Primary is not null && tools.Count > 0,
                    MaxReservedAnswerTokens = Settings.MaxReservedAnswerTokens,
                    ResponseSchema = request.ResponseSchema,
                    Adapter = request.Adapter,
                    UserSystemPrompt = request.UserSystemPrompt,
                    UnreadAttachments = request.UnreadAttachments,
                    Template = request.Template,
                },
                Tokens);
            var prompt = Build(window);
            foreach (var p in prompt.Passages)
            {
                book.Cite(p.Passage); // 1..k, as numbered in the prompt
            }

            promptJson = prompt.PromptJson;
            traceSystem = prompt.TraceSystem;
            if (request.Template is { } template)
            {
                // The owner's trace names the player's chat template and whether it dropped any of the star's texts.
                steps.Add(new TraceStepRecord(TraceStepKinds.ChatTemplate, template.Name, null,
                    Json(new { restored = PromptBuilder.TemplateStory(star, template).Restored, instruct_sequences = template.Instruct is null ? "none" : "not used (chat-completion API)" }),
                    0, 0, 0, true, null));
            }
            steps.Add(new TraceStepRecord(TraceStepKinds.Retrieval, "knowledge",
                Json(new { query = Cut(userMessage), top_k = config.TopK }),
                Json(new
                {
                    found = found.Count,
                    attachment_passages = request.AttachmentPassages.Count,
                    user_system_prompt = !string.IsNullOrWhiteSpace(request.UserSystemPrompt),
                    in_prompt = prompt.Passages.Count,
                    passages = prompt.Passages.Select(p => new
                    {
                        n = p.Number,
                        source = p.Passage.Citation.SourceName,
                        attachment = p.Passage.Citation.FromAttachment,
                        page = p.Passage.Citation.Page,
                        chunk_id = p.Passage.Citation.ChunkId,
                        score = Math.Round(p.Passage.Score, 6),
                    }),
                    history_kept = prompt.HistoryTurnsKept,
                    history_dropped = prompt.HistoryTurnsDropped,
                    prompt_tokens = prompt.PromptTokens,
                }),
                0, 0, retrievalMs, retrievalError is null, retrievalError));

            if (config.Primary is null)
            {
                await OfflineAsync(prompt, tools);
            }
            else
            {
                await ModelsAsync(config, prompt, tools, Build);
            }
        }

        private async Task<IReadOnlyList<IChatTool>> ToolsAsync()
        {
            var tools = new List<IChatTool>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var source in engine.sources)
            {
                try
                {
                    foreach (var tool in await source.GetToolsAsync(request, token))
                    {
                        if (names.Add(tool.Name))
                        {
                            tools.Add(tool);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    engine.log.LogWarning(e, "A chat tool source ({Source}) failed; its tools are left out", source.GetType().Name);
                }
            }

            return tools;
        }

        private async Task OfflineAsync(BuiltPrompt prompt, IReadOnlyList<IChatTool> tools)
        {
            provider = OfflineEngine.Provider;
            model = OfflineEngine.Model;
            var skill = await OfflineSkillAsync(tools);
            var started = clock.ElapsedMilliseconds;
            using var client = new OfflineChatClient(request.Star, prompt.Passages, skill, request.Adapter);
            await foreach (var update in client.GetStreamingResponseAsync(prompt.Messages, ResponseFormat() is { } format ? new ChatOptions { ResponseFormat = format } : null, token))
            {
                Emit(update.Text);
            }

            tokensIn = prompt.PromptTokens;
            tokensOut = Tokens.Count(content.ToString());
            steps.Add(new TraceStepRecord(TraceStepKinds.ModelCall, OfflineEngine.Model,
                Json(new { provider = OfflineEngine.Provider, model = OfflineEngine.Model, messages = prompt.Messages.Count }),
                Json(new { text = Cut(content.ToString()) }),
                tokensIn, tokensOut, (int)(clock.ElapsedMilliseconds - started), true, null));
            success = true;
        }

        /// <summary>
        /// The offline engine's one skill call: the example of the star's skills that best matches the question
        /// (<see cref="OfflineSkillMatcher"/>), called like a model's tool call (trace step, record, charge).
        /// </summary>
        private async Task<OfflineSkillResult?> OfflineSkillAsync(IReadOnlyList<IChatTool> tools)
        {
            var candidates = tools.OfType<IExampleChatTool>().Where(t => t.Examples.Count > 0).ToList();
            if (candidates.Count == 0 || OfflineSkillMatcher.Match(request.UserMessage, candidates.Select(t => t.Examples).ToList()) is not { } match)
            {
                return null;
            }

            var tool = candidates[match.SkillIndex];
            var call = new FunctionCallContent("offline_" + tool.Name, tool.Name) { RawRepresentation = match.ArgumentsJson };
            await InvokeToolAsync(call, new Dictionary<string, IChatTool>(StringComparer.Ordinal) { [tool.Name] = tool }, Math.Max(256, Settings.OfflineContextTokens / 4));
            var step = steps[^1];
            return new OfflineSkillResult(tool.DisplayName, toolCalls[^1].Result ?? "", step.Success, step.Error);
        }

        private async Task ModelsAsync(ChatEngineConfig config, BuiltPrompt prompt, IReadOnlyList<IChatTool> tools, Func<int, BuiltPrompt> rebuild)
        {
            var messages = new List<ChatMessage>(prompt.Messages);
            var current = config.Primary!;
            var fellBack = false;
            string? primaryError = null;
            provider = current.Provider.Name;
            model = current.Model.ModelId;
            var byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var declarations = tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema)).ToList();

            for (var round = 0; round <= Settings.MaxToolRounds; round++)
            {
                var offerTools = declarations.Count > 0 && round < Settings.MaxToolRounds;
                var chatOptions = new ChatOptions { Tools = offerTools ? declarations : null, ResponseFormat = ResponseFormat() };
                var result = await CallAsync(current, messages, chatOptions, round);
                promptJson = PromptBuilder.ToTraceJson(messages, traceSystem);
                if (result.Error is { } failure)
                {
                    if (content.Length == 0 && !fellBack && config.Fallback is { } fallback)
                    {
                        steps.Add(new TraceStepRecord(TraceStepKinds.Fallback, StepName(fallback.ToString()),
                            Json(new { from = current.ToString(), error = failure.Message }),
                            Json(new { to = fallback.ToString() }),
                            0, 0, 0, true, null));
                        engine.log.LogWarning("Chat model {Primary} failed ({Error}); falling back to {Fallback}", current, failure.Message, fallback);
                        if (messages.Count == prompt.Messages.Count && fallback.Model.MaxContextTokens < current.Model.MaxContextTokens)
                        {
                            // No tool round yet: the fallback gets the prompt trimmed to its own, smaller window.
                            var rebuilt = rebuild(fallback.Model.MaxContextTokens);
                            messages = [.. rebuilt.Messages];
                            traceSystem = rebuilt.TraceSystem;
                        }

                        primaryError = failure.Message;
                        current = fallback;
                        fellBack = true;
                        provider = current.Provider.Name;
                        model = current.Model.ModelId;
                        round--;
                        continue;
                    }

                    errorPhase = content.Length > 0 ? ChatErrorPhases.Stream : ChatErrorPhases.ModelCall;
                    error = primaryError is not null && content.Length == 0
                        ? $"The default model and its fallback both failed. Default: {primaryError} Fallback: {failure.Message}"
                        : failure.Message;
                    return;
                }

                if (result.Calls.Count == 0 || !offerTools)
                {
                    success = true;
                    return;
                }

                var assistant = new List<AIContent>();
                if (result.Text.Length > 0)
                {
                    assistant.Add(new TextContent(result.Text));
                }

                assistant.AddRange(result.Calls);
                messages.Add(new ChatMessage(ChatRole.Assistant, assistant));
                foreach (var call in result.Calls)
                {
                    messages.Add(await InvokeToolAsync(call, byName, Math.Max(256, current.Model.MaxContextTokens / 4)));
                }
            }

            success = true;
        }

        private sealed record RoundResult(string Text, List<FunctionCallContent> Calls, Exception? Error);

        /// <summary>One model call, streaming its text out; provider failures come back in the result.</summary>
        private async Task<RoundResult> CallAsync(ResolvedChatModel target, List<ChatMessage> messages, ChatOptions chatOptions, int round)
        {
            var started = clock.ElapsedMilliseconds;
            var text = new StringBuilder();
            var calls = new List<FunctionCallContent>();
            UsageDetails? usage = null;
            string? finish = null;
            Exception? failure = null;
            if (target.Problem is not null)
            {
                failure = new ChatProviderException(ChatProviderFailure.Configuration, target.Problem);
            }
            else
            {
                // A thinking model's reasoning is kept apart from the answer (docs/chat.md), whether it comes as
                // reasoning_content or inline between <think> tags; other models' reasoning is dropped as before.
                var thinks = target.Model.HasThinking;
                var tags = thinks ? new ThinkTagSplitter() : null;
                try
                {
                    using var client = engine.clients.Create(target);
                    await foreach (var update in client.GetStreamingResponseAsync(messages, chatOptions, token))
                    {
                        foreach (var item in update.Contents)
                        {
                            switch (item)
                            {
                                case TextContent t when t.Text.Length > 0 && tags is not null:
                                    var (said, thought) = tags.Push(t.Text);
                                    Think(thought);
                                    text.Append(said);
                                    Emit(said);
                                    break;
                                case TextContent t when t.Text.Length > 0:
                                    text.Append(t.Text);
                                    Emit(t.Text);
                                    break;
                                case TextReasoningContent r when thinks && r.Text.Length > 0:
                                    Think(r.Text);
                                    break;
                                case FunctionCallContent call:
                                    calls.Add(call);
                                    break;
                                case UsageContent u:
                                    usage = u.Details;
                                    break;
                            }
                        }

                        if (update.FinishReason is { } reason)
                        {
                            finish = reason.Value;
                        }
                    }

                    if (tags is not null)
                    {
                        var (said, thought) = tags.Flush();
                        Think(thought);
                        text.Append(said);
                        Emit(said);
                    }
                }
                catch (Exception e) when (token.IsCancellationRequested)
                {
                    Account(target, messages, text, calls, usage, produced: text.Length > 0 || calls.Count > 0);
                    steps.Add(ModelStep(target, messages, chatOptions, round, text, calls, finish, usage, started, "Cancelled."));
                    throw new OperationCanceledException("The answer was stopped.", e, token);
                }
                catch (Exception e)
                {
                    failure = e is ChatProviderException ? e : new ChatProviderException(ChatProviderFailure.Provider, $"The model call failed: {e.Message}", null, e);
                    if (e is not ChatProviderException)
                    {
                        engine.log.LogWarning(e, "Chat model {Model} failed unexpectedly", target);
                    }
                }

                if (failure is null && text.Length == 0 && calls.Count == 0 && content.Length == 0)
                {
                    failure = new ChatProviderException(ChatProviderFailure.Garbage, $"The model '{target.Model.ModelId}' returned an empty answer.");
                }
            }

            var produced = text.Length > 0 || calls.Count > 0 || usage is not null;
            Account(target, messages, text, calls, usage, produced);
            steps.Add(ModelStep(target, messages, chatOptions, round, text, calls, finish, usage, started, failure?.Message));
            return new RoundResult(text.ToString(), calls, failure);
        }

        /// <summary>Adds a call's tokens (the provider's usage, else cl100k counts) and cost; a call that produced nothing costs nothing.</summary>
        private void Account(ResolvedChatModel target, List<ChatMessage> messages, StringBuilder text, List<FunctionCallContent> calls, UsageDetails? usage, bool produced)
        {
            if (!produced)
            {
                lastIn = lastOut = 0;
                return;
            }

            var inTokens = usage?.InputTokenCount is { } i ? (int)i : PromptBuilder.CountTokens(messages, Tokens);
            var outTokens = usage?.OutputTokenCount is { } o ? (int)o
                : Tokens.Count(text.ToString()) + calls.Sum(c => Tokens.Count(c.Name) + Tokens.Count(OpenAiMessageJson.ArgumentsJson(c)));
            lastIn = inTokens;
            lastOut = outTokens;
            tokensIn += inTokens;
            tokensOut += outTokens;
            cost += target.CostOf(inTokens, outTokens);
        }

        private int lastIn;
        private int lastOut;

        private TraceStepRecord ModelStep(
            ResolvedChatModel target, List<ChatMessage> messages, ChatOptions chatOptions, int round, StringBuilder text,
            List<FunctionCallContent> calls, string? finish, UsageDetails? usage, long started, string? failure) =>
            new(TraceStepKinds.ModelCall, target.Model.ModelId,
                Json(new
                {
                    provider = target.Provider.Name,
                    model = target.Model.ModelId,
                    round = round + 1,
                    messages = messages.Count,
                    tools = chatOptions.Tools?.Select(t => t.Name) ?? [],
                }),
                Json(new
                {
                    text = Cut(text.ToString()),
                    tool_calls = calls.Select(c => new { name = c.Name, arguments = Cut(OpenAiMessageJson.ArgumentsJson(c)) }),
                    finish_reason = finish,
                    usage_reported = usage is not null,
                }),
                lastIn, lastOut, (int)(clock.ElapsedMilliseconds - started), failure is null, failure);

        private async Task<ChatMessage> InvokeToolAsync(FunctionCallContent call, Dictionary<string, IChatTool> byName, int maxResultTokens)
        {
            var started = clock.ElapsedMilliseconds;
            var arguments = OpenAiMessageJson.ArgumentsJson(call);
            ChatToolResult result;
            JsonDocument? parsed = null;
            try
            {
                parsed = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
            }
            catch (JsonException)
            {
                // reported below
            }

            using (parsed)
            {
                if (!byName.TryGetValue(call.Name, out var tool))
                {
                    result = ChatToolResult.Failed($"There is no tool named '{call.Name}'. Available: {string.Join(", ", byName.Keys)}.");
                }
                else if (parsed is null)
                {
                    result = ChatToolResult.Failed($"The arguments of {call.Name} are not valid JSON: {OpenAiCompatibleChatClient.Preview(arguments, 200)}");
                }
                else
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
                    limit.CancelAfter(Settings.ToolTimeout);
                    try
                    {
                        result = await tool.InvokeAsync(parsed.RootElement, new ChatToolContext(request, book.Cite, call.CallId), limit.Token);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        result = ChatToolResult.Failed($"The tool {call.Name} did not answer within {Settings.ToolTimeout.TotalSeconds:0.#} s.");
                    }
                    catch (Exception e) when (!token.IsCancellationRequested)
                    {
                        engine.log.LogWarning(e, "Chat tool {Tool} failed", call.Name);
                        result = ChatToolResult.Failed($"The tool {call.Name} failed: {e.Message}");
                    }
                }
            }

            // A tool must not flood the model's window: long results are cut to a quarter of it.
            var resultTokens = Tokens.Count(result.Content);
            if (resultTokens > maxResultTokens)
            {
                var keep = (int)((long)result.Content.Length * maxResultTokens / resultTokens);
                result = result with { Content = string.Concat(result.Content.AsSpan(0, keep), $"\n… (cut: the result had {resultTokens} tokens, at most {maxResultTokens} are passed on)") };
            }

            var duration = (int)(clock.ElapsedMilliseconds - started);
            var input = parsed is not null ? arguments : Json(new { raw = Cut(arguments) });
            steps.Add(new TraceStepRecord(TraceStepKinds.ToolCall, StepName(call.Name), input, ToolOutput(result),
                Tokens.Count(arguments), Tokens.Count(result.Content), duration, result.Success, result.Error));
            toolCalls.Add(new ToolCallRecord(call.Name, arguments, result.Content));
            writer.TryWrite(new ChatToolEvent(call.Name, arguments, result.Content, duration));
            return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result.Content)]);
        }

        /// <summary>The step's output: the result (cut), and what the tool reported for the trace (a skill's version, latency, code, charge).</summary>
        private string ToolOutput(ChatToolResult result)
        {
            if (result.Trace is { } trace)
            {
                try
                {
                    using var doc = JsonDocument.Parse(trace);
                    return Json(new { result = Cut(result.Content), call = doc.RootElement });
                }
                catch (JsonException)
                {
                    // a tool's malformed trace is left out, not the result
                }
            }

            return Json(new { result = Cut(result.Content) });
        }

        /// <summary>JSON for the request's schema (structured output), or null for a free-text answer.</summary>
        private ChatResponseFormat? ResponseFormat()
        {
            if (string.IsNullOrWhiteSpace(request.ResponseSchema))
            {
                return null;
            }

            try
            {
                using var schema = JsonDocument.Parse(request.ResponseSchema);
                return ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "answer");
            }
            catch (JsonException)
            {
                return ChatResponseFormat.Json;
            }
        }

        private void Think(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            firstTokenMs ??= (int)clock.ElapsedMilliseconds;
            thinking.Append(text);
            writer.TryWrite(new ChatThinkingDelta(text));
        }

        private void Emit(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            firstTokenMs ??= (int)clock.ElapsedMilliseconds;
            content.Append(text);
            writer.TryWrite(new ChatDelta(text));
        }

        private string Cut(string text)
        {
            var max = Math.Max(100, Settings.MaxStepTextChars);
            return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"… ({text.Length - max} more characters)");
        }

        private static string Json<T>(T value) => JsonSerializer.Serialize(value, StepJson);

        /// <summary><c>chat_trace_steps.name</c> holds 200 characters.</summary>
        private static string StepName(string name) => name.Length <= 200 ? name : name[..200];
    }
}
