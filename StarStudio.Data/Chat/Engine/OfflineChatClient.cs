using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StarStudio.Core.Arena;
using StarStudio.Core.Arena.Entries;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Training;

namespace StarStudio.Data.Chat.Engine;

/// <summary>
/// The built-in offline engine, used when no model provider is configured: no model, it answers the last user
/// message from the star's retrieved passages, in the star's persona and tone, quoting the most relevant
/// sentences with <c>[n]</c> markers, and says plainly that it is the offline engine (in Chinese when the
/// question is Chinese, else in English). With no passages it says the knowledge has nothing on the question.
/// It streams in small pieces without delays. One instance per request (it holds the request's passages).
/// With a model version's prompt adapter, an exemplar whose question is close to the question (<see cref="MatchExemplar"/>)
/// is answered with first: few-shot learning as far as an engine without a model can take it (docs/training.md).
/// </summary>
public sealed class OfflineChatClient(StarPersona star, IReadOnlyList<PromptPassage> passages, OfflineSkillResult? skill = null, PromptAdapter? adapter = null) : IChatClient
{
    /// <summary>
    /// How close (<see cref="TextOverlap.Similarity"/> of the questions) an exemplar must be to answer with it. At 0.5 a
    /// reworded question with most of its words kept matches; a question on another topic of the same star does not.
    /// </summary>
    public const double ExemplarMatchThreshold = 0.5;

    /// <summary>How many characters of a skill's result the answer shows.</summary>
    public const int MaxSkillResultChars = 800;

    /// <summary>How many passages the answer quotes.</summary>
    public const int MaxQuotedPassages = 3;

    private readonly StarPersona star = star ?? throw new ArgumentNullException(nameof(star));
    private readonly IReadOnlyList<PromptPassage> passages = passages ?? throw new ArgumentNullException(nameof(passages));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var answer = options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema }
            ? ComposeJson(star, question, passages, schema)
            : Compose(star, question, passages, skill, MatchExemplar(adapter, question));
        var n = 0;
        foreach (var piece in Pieces(answer))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = OfflineEngine.Model };
            if (++n % 32 == 0)
            {
                await Task.Yield(); // let other work run on long answers; no artificial delay
            }
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, []) { ModelId = OfflineEngine.Model, FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(OfflineEngine.Provider, null, OfflineEngine.Model)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    /// <summary>The adapter's exemplar closest to <paramref name="question"/>, when it reaches <see cref="ExemplarMatchThreshold"/>.</summary>
    public static PromptExemplar? MatchExemplar(PromptAdapter? adapter, string? question)
    {
        if (adapter is null || string.IsNullOrWhiteSpace(question))
        {
            return null;
        }

        PromptExemplar? best = null;
        var bestScore = ExemplarMatchThreshold;
        foreach (var exemplar in adapter.Exemplars)
        {
            var score = TextOverlap.Similarity(question, exemplar.Question);
            if (score >= bestScore)
            {
                best = exemplar;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The whole offline answer.</summary>
    public static string Compose(StarPersona star, string question, IReadOnlyList<PromptPassage> passages, OfflineSkillResult? skill = null, PromptExemplar? learned = null)
    {
        ArgumentNullException.ThrowIfNull(star);
        ArgumentNullException.ThrowIfNull(passages);
        var chinese = IsChinese(question) || (string.IsNullOrWhiteSpace(question) && IsChinese(star.Name + star.Persona));
        var terms = SearchText.QueryTerms(question).ToHashSet(StringComparer.Ordinal);
        var name = string.IsNullOrWhiteSpace(star.Name) ? (chinese ? "这颗星" : "this star") : star.Name.Trim();
        var sb = new StringBuilder(512);

        if (chinese)
        {
            sb.Append("（离线引擎）我是").Append(name);
            if (!string.IsNullOrWhiteSpace(star.Domain))
            {
                sb.Append("，专注于").Append(star.Domain.Trim());
            }

            sb.Append("。目前没有接入大模型，这是内置的离线引擎在回答");
        }
        else
        {
            sb.Append("(Offline engine) I'm ").Append(name);
            if (!string.IsNullOrWhiteSpace(star.Domain))
            {
                sb.Append(", here for ").Append(star.Domain.Trim());
            }

            sb.Append(". No language model is connected, so the built-in offline engine is answering");
        }

        var quoted = passages.Take(MaxQuotedPassages).ToList();
        if (learned is not null && skill is null)
        {
            // The version learned an answer to a question like this one: that answer first, then the knowledge.
            var version = string.IsNullOrWhiteSpace(star.ModelVersion) ? "" : (chinese ? $"（{star.ModelVersion.Trim()}）" : $" ({star.ModelVersion.Trim()})");
            sb.Append(chinese
                ? $"。\n\n我的训练版本{version}学过一个相近的问题“{Shorten(learned.Question.Trim(), 60)}”，被评为好的回答是：\n{Shorten(learned.Answer.Trim(), MaxSkillResultChars)}"
                : $".\n\nMy trained version{version} learned a close question, \"{Shorten(learned.Question.Trim(), 120)}\"; the answer rated good was:\n{Shorten(learned.Answer.Trim(), MaxSkillResultChars)}");
            if (quoted.Count == 0)
            {
                return sb.Append("\n\n").Append(Closing(star.Tone, chinese)).ToString();
            }

            sb.Append(chinese ? "\n\n另外，以下内容直接摘自我的知识库：\n\n" : "\n\nAlso, quoting my knowledge directly:\n\n");
            AppendQuotes(sb, quoted, terms, chinese, star.Tone);
            return sb.ToString();
        }

        if (skill is not null)
        {
            // The skill answered the question (or tried to): its result first, then what the knowledge adds, if anything.
            sb.Append(chinese ? "。\n\n" : ".\n\n");
            var result = Shorten(skill.Result.Trim(), MaxSkillResultChars);
            if (skill.Success)
            {
                sb.Append(chinese ? $"我调用了技能「{skill.Name}」，它返回：\n{result}" : $"I called the skill \"{skill.Name}\", which returned:\n{result}");
            }
            else
            {
                sb.Append(chinese ? $"我尝试调用技能「{skill.Name}」，但没有成功：{Shorten(skill.Error ?? result, 300)}" : $"I tried the skill \"{skill.Name}\", but it failed: {Shorten(skill.Error ?? result, 300)}");
            }

            if (quoted.Count == 0)
            {
                return sb.Append("\n\n").Append(Closing(star.Tone, chinese)).ToString();
            }

            sb.Append(chinese ? "\n\n另外，以下内容直接摘自我的知识库：\n\n" : "\n\nAlso, quoting my knowledge directly:\n\n");
            AppendQuotes(sb, quoted, terms, chinese, star.Tone);
            return sb.ToString();
        }

        if (quoted.Count == 0)
        {
            var q = Shorten(question.Trim(), chinese ? 40 : 80);
            if (chinese)
            {
                sb.Append("。\n\n我的知识库里没有找到与“").Append(q).Append("”相关的内容，所以暂时无法回答。")
                    .Append("可以换个问法，或者请星主补充这方面的资料。");
            }
            else
            {
                sb.Append(".\n\nMy knowledge has nothing on \"").Append(q).Append("\", so I can't answer that yet. ")
                    .Append("Try asking another way, or ask my owner to add material on it.");
            }

            return sb.ToString();
        }

        var fromAttachments = quoted.Any(p => p.Passage.Citation.FromAttachment);
        sb.Append(fromAttachments
            ? (chinese ? "，以下内容直接摘自你上传的附件和我的知识库：\n\n" : ", quoting your attachments and my knowledge directly:\n\n")
            : (chinese ? "，以下内容直接摘自我的知识库：\n\n" : ", quoting my knowledge directly:\n\n"));
        AppendQuotes(sb, quoted, terms, chinese, star.Tone);
        return sb.ToString();
    }

    private static void AppendQuotes(StringBuilder sb, List<PromptPassage> quoted, HashSet<string> terms, bool chinese, string? tone)
    {
        for (var i = 0; i < quoted.Count; i++)
        {
            var p = quoted[i];
            sb.Append(i + 1).Append(". ").Append(Excerpt(p.Passage.Text, terms, chinese)).Append(" [").Append(p.Number).Append("]\n");
        }

        sb.Append('\n');
        sb.Append(chinese ? "出处：" : "Sources: ");
        sb.Append(string.Join(chinese ? "；" : "; ", quoted.Select(p => $"[{p.Number}] {SourceOf(p.Passage.Citation, chinese)}")));
        sb.Append(chinese ? "。\n\n" : ".\n\n");
        sb.Append(Closing(tone, chinese));
    }

    /// <summary>
    /// A structured answer (a trial's): a JSON instance of <paramref name="schema"/> written from the passages by
    /// <see cref="SchemaInstanceWriter"/>, with a note that the offline engine wrote it. When the schema cannot be met the
    /// note says why, and the answer's validation shows where.
    /// </summary>
    public static string ComposeJson(StarPersona star, string question, IReadOnlyList<PromptPassage> passages, JsonElement schema)
    {
        ArgumentNullException.ThrowIfNull(star);
        ArgumentNullException.ThrowIfNull(passages);
        var chinese = IsChinese(question) || (string.IsNullOrWhiteSpace(question) && IsChinese(star.Name + star.Persona));
        // The note never names the star: trial answers are shown in blind battles, where a name would unblind the vote.
        var note = chinese
            ? "（离线引擎）未接入大模型，这是内置离线引擎根据本星知识库摘录生成的答案。"
            : "(Offline engine) No language model is connected: the built-in offline engine wrote this answer from this star's knowledge.";
        var accepted = AnswerSchemas.Accept(schema.GetRawText());
        if (!accepted.Succeeded)
        {
            return System.Text.Json.JsonSerializer.Serialize(note);
        }

        var terms = SearchText.QueryTerms(question).ToHashSet(StringComparer.Ordinal);
        var texts = passages.Select(p => Excerpt(p.Passage.Text, terms, chinese) + " " + p.Passage.Text).ToList();
        if (texts.Count == 0)
        {
            texts.Add(chinese ? "我的知识库里没有与本题相关的内容。" : "My knowledge has nothing on this question.");
        }

        var instance = SchemaInstanceWriter.Write(accepted.Value!, texts, note);
        if (instance.Valid || instance.Problems.Count == 0)
        {
            return instance.Json;
        }

        // Not satisfiable from here: the note says why, in the answer itself, and the draft's errors show where.
        var why = (chinese ? "离线引擎无法满足该结构：" : "The offline engine could not satisfy the schema: ") + string.Join("; ", instance.Problems.Take(3));
        return SchemaInstanceWriter.Write(accepted.Value!, texts, note + " " + why).Json;
    }

    /// <summary>Whether <paramref name="text"/> has Chinese characters.</summary>
    public static bool IsChinese(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits an answer into small streaming pieces: words (with their spaces) or pairs of CJK characters.</summary>
    public static IEnumerable<string> Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                // a word ends after its trailing whitespace
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                if (i - start >= 1)
                {
                    yield return text[start..i];
                    start = i;
                }

                continue;
            }

            if (c >= 0x2E80)
            {
                // CJK and full-width punctuation: two characters a piece
                i += char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                if (i - start >= 2)
                {
                    yield return text[start..i];
                    start = i;
                }

                continue;
            }

            i++;
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static string Excerpt(string text, HashSet<string> terms, bool chinese)
    {
        var sentences = Sentences(text);
        if (sentences.Count == 0)
        {
            return "";
        }

        // The best sentence by shared terms, and the next one when it is short; original order kept.
        var best = 0;
        var bestScore = -1;
        for (var i = 0; i < sentences.Count; i++)
        {
            var score = terms.Count == 0 ? 0 : SearchText.Tokens(sentences[i]).Distinct().Count(terms.Contains);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        var limit = chinese ? 120 : 280;
        var excerpt = sentences[best];
        if (best + 1 < sentences.Count && excerpt.Length + sentences[best + 1].Length <= limit)
        {
            excerpt += (chinese ? "" : " ") + sentences[best + 1];
        }

        return Shorten(excerpt, limit);
    }

    private static List<string> Sentences(string text)
    {
        var result = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                Flush();
                continue;
            }

            sb.Append(c);
            if (c is '。' or '！' or '？' or '；' || (c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]))))
            {
                Flush();
            }
        }

        Flush();
        return result;

        void Flush()
        {
            var s = sb.ToString().Trim();
            if (s.Length > 0)
            {
                result.Add(s);
            }

            sb.Clear();
        }
    }

    private static string SourceOf(Citation citation, bool chinese)
    {
        var source = string.IsNullOrWhiteSpace(citation.SourceName) ? (chinese ? "未命名资料" : "untitled source") : citation.SourceName.Trim();
        if (citation.FromAttachment)
        {
            // A file the user attached to this conversation, not the star's knowledge.
            var where = citation.Page is { } p ? (chinese ? $"第 {p} 页" : $", page {p}") : "";
            return chinese ? $"你上传的附件《{source}》{where}" : $"your attachment {source}{where}";
        }

        if (citation.Page is { } page)
        {
            return chinese ? $"《{source}》第 {page} 页" : $"{source}, page {page}";
        }

        return chinese ? $"《{source}》" : source;
    }

    private static string Closing(string? tone, bool chinese)
    {
        var t = (tone ?? "").ToLowerInvariant();
        string[] warm = ["活泼", "亲切", "热情", "温柔", "可爱", "幽默", "轻松", "友好", "friendly", "warm", "playful", "cheerful", "casual", "humor", "lively"];
        string[] formal = ["严谨", "专业", "学术", "正式", "庄重", "formal", "rigorous", "academic", "professional", "precise"];
        if (warm.Any(t.Contains))
        {
            return chinese ? "希望这些对你有帮助！接入大模型后，我能回答得更完整～" : "Hope this helps! With a language model connected I can give you a fuller answer.";
        }

        if (formal.Any(t.Contains))
        {
            return chinese ? "以上均为知识库原文摘录，未经模型归纳；如需完整解答，请在接入模型后再次提问。"
                : "These are verbatim excerpts from my knowledge, not summarized by a model; for a complete answer, ask again once a model is connected.";
        }

        return chinese ? "以上是知识库中与你的问题最相关的内容。" : "That is what my knowledge says most directly about your question.";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max].TrimEnd() + "…";
}

/// <summary>What a skill the offline engine called returned (<see cref="OfflineChatClient"/> shows it in the answer).</summary>
public sealed record OfflineSkillResult(string Name, string Result, bool Success, string? Error);
