using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Creation;

/// <summary>What the offline drafter could infer from an idea, and which anchors it had to leave empty.</summary>
/// <param name="Anchors">The proposed anchors (empty strings where nothing was inferred).</param>
/// <param name="Missing">The anchor fields left empty (<c>name</c>, <c>domain</c>, <c>tone</c>, <c>audience</c>, <c>boundaries</c>, <c>sample_questions</c>).</param>
/// <param name="DomainKey">The recognised domain's key, or null.</param>
/// <param name="English">Whether the idea was read as English (the templates then speak English).</param>
public sealed record AnchorProposal(CreationAnchors Anchors, IReadOnlyList<string> Missing, string? DomainKey, bool English);

/// <summary>
/// The offline path of the creation assistant: fills templates from keyword tables (<see cref="CreationDomains"/>), no
/// model involved. It proposes anchors from a one-line idea and drafts the four cards from anchors. What it cannot
/// infer it leaves empty and lists in <see cref="AnchorProposal.Missing"/>. Every output is a template and the UI says so
/// (<see cref="NoticeKey"/>: "离线模板生成，未使用大模型").
/// </summary>
public static partial class OfflineCreationDrafter
{
    /// <summary>The resource key of the notice shown with everything this drafter wrote.</summary>
    public const string NoticeKey = "Creation.Offline.Notice";

    public const int IdeaMax = 500;

    /// <summary>Proposes anchors for <paramref name="idea"/> (Chinese or English).</summary>
    public static AnchorProposal ProposeAnchors(string idea)
    {
        idea = (idea ?? "").Trim();
        var english = IsEnglish(idea);
        var lower = idea.ToLowerInvariant();
        var domain = CreationDomains.Find(idea);
        var tone = CreationDomains.Tones.FirstOrDefault(t => t.Words.Any(w => CreationDomains.IndexOfWord(lower, w) >= 0));
        var audience = CreationDomains.Audiences.FirstOrDefault(a => a.Words.Any(w => CreationDomains.IndexOfWord(lower, w) >= 0));

        var anchors = new CreationAnchors
        {
            Name = ExplicitName(idea) ?? (domain is null ? "" : english ? Capitalize(domain.Role.En) : domain.Role.Zh),
            Domain = domain is null ? "" : english ? domain.En : domain.Zh,
            Tone = tone.Words is null ? "" : english ? tone.En : tone.Zh,
            Audience = audience.Words is null ? "" : english ? audience.En : audience.Zh,
            Boundaries = domain is null ? "" : Pick(english, domain.Boundaries),
            SampleQuestions = domain is null ? [] : domain.Questions.Select(q => Pick(english, q)).ToList(),
        };
        anchors.Persona = PersonaLine(anchors, domain, idea, english);

        var missing = new List<string>();
        void Check(string field, bool empty)
        {
            if (empty)
            {
                missing.Add(field);
            }
        }

        Check("name", anchors.Name.Length == 0);
        Check("domain", anchors.Domain.Length == 0);
        Check("tone", anchors.Tone.Length == 0);
        Check("audience", anchors.Audience.Length == 0);
        Check("boundaries", anchors.Boundaries.Length == 0);
        Check("sample_questions", anchors.SampleQuestions.Count == 0);
        return new AnchorProposal(anchors, missing, domain?.Key, english);
    }

    /// <summary>Drafts the four cards from the anchors (the owner's edited ones), in the anchors' language.</summary>
    public static CreationDrafts Draft(CreationAnchors anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var a = anchors.Normalized();
        var english = IsEnglish(string.Join(" ", a.Name, a.Domain, a.Persona, a.Tone, a.Audience));
        var domain = CreationDomains.Find(a.Domain) ?? CreationDomains.Find(a.Persona);
        return new CreationDrafts(
            PersonaCard(a, domain, english),
            Greeting(a, english),
            Examples(a, english),
            KnowledgePlan(a, domain, english));
    }

    /// <summary>English when the text has Latin letters and no CJK character (an empty idea counts as Chinese, the default UI language).</summary>
    public static bool IsEnglish(string? text) =>
        !string.IsNullOrWhiteSpace(text) && !text.Any(IsCjk) && text.Any(char.IsAsciiLetter);

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF' or >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF';

    private static string Pick(bool english, (string Zh, string En) text) => english ? text.En : text.Zh;

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>A name the idea spells out: 「墨痕」, “墨痕”, "Ink", 叫墨痕 / 名叫墨痕, named Ink / called Ink.</summary>
    internal static string? ExplicitName(string idea)
    {
        var m = QuotedName().Match(idea);
        if (!m.Success)
        {
            m = CalledName().Match(idea);
        }

        var name = m.Success ? m.Groups["name"].Value.Trim() : null;
        return string.IsNullOrEmpty(name) || name.Length > CreationAnchors.NameMax ? null : name;
    }

    [GeneratedRegex("[「『“\"](?<name>[^」』”\"]{1,40})[」』”\"]")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"(?:名叫|叫做|叫|named|called)\s*(?<name>[A-Z][A-Za-z]{1,30}|[\u4E00-\u9FFF·]{1,8}?)(?=[的，,。.!！\s]|$)")]
    private static partial Regex CalledName();

    private static string PersonaLine(CreationAnchors a, CreationDomain? domain, string idea, bool english)
    {
        if (idea.Length == 0)
        {
            return "";
        }

        if (domain is null)
        {
            // Nothing recognised: the idea itself is the persona's seed; the owner states the domain.
            return english ? $"A star built around this idea: {idea}" : $"围绕这个想法的智星：{idea}";
        }

        var role = Pick(english, domain.Role);
        if (english)
        {
            return $"A {(a.Tone.Length > 0 ? a.Tone + " " : "")}{role} for {(a.Audience.Length > 0 ? a.Audience : "anyone curious about " + a.Domain.ToLowerInvariant())}, built from the idea: {idea}";
        }

        return $"一位{(a.Tone.Length > 0 ? a.Tone + "的" : "")}{role}，面向{(a.Audience.Length > 0 ? a.Audience : "对" + a.Domain + "感兴趣的人")}，源自想法：{idea}";
    }

    private static string PersonaCard(CreationAnchors a, CreationDomain? domain, bool english)
    {
        var name = a.Name.Length > 0 ? a.Name : english ? "This star" : "这颗智星";
        var field = a.Domain.Length > 0 ? a.Domain : english ? "its field" : "自己的领域";
        var sb = new StringBuilder();
        if (english)
        {
            sb.Append(name).Append(" is a ").Append(domain is null ? "guide" : domain.Role.En).Append(" who knows ").Append(field.ToLowerInvariant()).Append(" well");
            sb.Append(a.Audience.Length > 0 ? $" and explains it to {a.Audience}" : "").Append(". ");
            if (a.Persona.Length > 0)
            {
                sb.Append("Concept: ").Append(a.Persona.TrimEnd('.')).Append(". ");
            }

            sb.Append(a.Tone.Length > 0 ? $"It speaks in a {a.Tone} way, " : "It speaks plainly, ")
              .Append("answers the question first and then the reasoning, uses concrete examples, and says so when it is not sure. ");
            if (a.Boundaries.Length > 0)
            {
                sb.Append("Boundaries: ").Append(a.Boundaries.TrimEnd('.')).Append('.');
            }
        }
        else
        {
            sb.Append(name).Append("是一位精通").Append(field).Append("的").Append(domain is null ? "向导" : domain.Role.Zh);
            sb.Append(a.Audience.Length > 0 ? $"，擅长为{a.Audience}讲解" : "").Append("。");
            if (a.Persona.Length > 0)
            {
                sb.Append("设定：").Append(a.Persona.TrimEnd('。')).Append("。");
            }

            sb.Append(a.Tone.Length > 0 ? $"说话{a.Tone}，" : "说话平实，")
              .Append("先给结论再讲理由，多举具体例子，不确定时坦白说明。");
            if (a.Boundaries.Length > 0)
            {
                sb.Append("边界：").Append(a.Boundaries.TrimEnd('。')).Append("。");
            }
        }

        return sb.ToString().Trim();
    }

    private static string Greeting(CreationAnchors a, bool english)
    {
        var name = a.Name.Length > 0 ? a.Name : english ? "your guide" : "你的向导";
        var field = a.Domain.Length > 0 ? a.Domain : english ? "anything in my field" : "我擅长的领域";
        var first = a.SampleQuestions.FirstOrDefault();
        if (english)
        {
            return $"Hi {{{{user}}}}, I am {name}. Ask me about {field.ToLowerInvariant()}" + (first is null ? "." : $", for example: \"{first}\"");
        }

        return $"你好，{{{{user}}}}！我是{name}，可以和你聊聊{field}。" + (first is null ? "" : $"比如你可以问我：“{first}”");
    }

    private static string Examples(CreationAnchors a, bool english)
    {
        if (a.SampleQuestions.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (var q in a.SampleQuestions.Take(3))
        {
            sb.Append("<START>\n");
            sb.Append("{{user}}: ").Append(q).Append('\n');
            sb.Append("{{char}}: ").Append(english
                ? "Good question. In short: (one-sentence answer). Why: (two or three reasons with a concrete example). Want me to go deeper on any part?"
                : "好问题。先说结论：（一句话回答）。理由是：（两三点理由，配一个具体例子）。要不要我就其中一点展开讲？").Append('\n');
        }

        return sb.ToString().TrimEnd('\n');
    }

    private static string KnowledgePlan(CreationAnchors a, CreationDomain? domain, bool english)
    {
        var sb = new StringBuilder();
        sb.Append(english ? "Knowledge plan (upload these under Knowledge):\n" : "知识库计划（在“知识库”里上传以下资料）：\n");
        IEnumerable<string> items = domain is null
            ? english
                ? [$"the core texts of {(a.Domain.Length > 0 ? a.Domain : "the field")}", "a list of frequent questions with your answers", "terms and definitions"]
                : [$"{(a.Domain.Length > 0 ? a.Domain : "该领域")}的核心资料", "常见问题与你的标准回答", "术语表与定义"]
            : domain.Documents.Select(d => Pick(english, d));
        foreach (var item in items)
        {
            sb.Append("- [ ] ").Append(item).Append('\n');
        }

        foreach (var q in a.SampleQuestions.Take(3))
        {
            sb.Append("- [ ] ").Append(english ? "material that answers: " : "能回答这个问题的资料：").Append(q).Append('\n');
        }

        return sb.ToString().TrimEnd('\n');
    }
}
