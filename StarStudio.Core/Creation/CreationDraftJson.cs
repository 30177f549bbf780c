using System.Text.Json;

namespace StarStudio.Core.Creation;

/// <summary>
/// The contract of the LLM path: the JSON Schema the model is asked to follow and the validation of what it returned.
/// A model's answer is untrusted text: anything that is not exactly an object of four strings within the limits is
/// refused with a reason the owner can read, and the assistant falls back to the offline drafter.
/// </summary>
public static class CreationDraftJson
{
    /// <summary>What the model must return (sent as <c>response_format</c> json_schema).</summary>
    public const string Schema = """
        {
          "type": "object",
          "properties": {
            "persona": { "type": "string" },
            "greeting": { "type": "string" },
            "example_dialogues": { "type": "string" },
            "knowledge_plan": { "type": "string" }
          },
          "required": ["persona", "greeting", "example_dialogues", "knowledge_plan"],
          "additionalProperties": false
        }
        """;

    /// <summary>The longest answer read (characters); the four cards together stay far below it.</summary>
    public const int MaxAnswerChars = 40_000;

    /// <summary>The instructions of the drafting request.</summary>
    public static string Instructions(CreationAnchors anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var english = OfflineCreationDrafter.IsEnglish(string.Join(" ", anchors.Name, anchors.Domain, anchors.Persona));
        return (english
            ? "You help a creator write an AI character (a \"star\"). From the anchors below, write four cards in English and return ONLY a JSON object with the string fields persona, greeting, example_dialogues, knowledge_plan. "
              + "persona: one paragraph (80-400 words) saying who the star is, what it knows, how it speaks and its boundaries. greeting: the first message of a new chat, using {{user}}. "
              + "example_dialogues: two or three SillyTavern blocks, each starting with a line <START> followed by lines beginning {{user}}: and {{char}}:. knowledge_plan: a checklist (lines starting \"- [ ] \") of documents the creator should upload."
            : "你在帮助创作者写一个 AI 角色（智星）。根据下面的锚点，用中文写四张卡片，并且只返回一个 JSON 对象，字段为字符串 persona、greeting、example_dialogues、knowledge_plan。"
              + "persona：一段话（100–600 字），说明它是谁、懂什么、怎么说话、边界是什么。greeting：新对话的第一句话，用 {{user}} 称呼用户。"
              + "example_dialogues：两到三个 SillyTavern 示例块，每块以单独一行 <START> 开头，后面是以 {{user}}: 和 {{char}}: 开头的行。knowledge_plan：一个清单（每行以 \"- [ ] \" 开头），列出创作者应上传的资料。")
            + "\n\n" + anchors.Normalized().ToJson();
    }

    /// <summary>Reads a model's answer into cards, or says why it cannot (<paramref name="reason"/>, English, for the message log).</summary>
    public static bool TryParse(string? answer, out CreationDrafts drafts, out string reason)
    {
        drafts = CreationDrafts.Empty;
        var text = (answer ?? "").Trim();
        if (text.Length == 0)
        {
            reason = "the model returned an empty answer";
            return false;
        }

        if (text.Length > MaxAnswerChars)
        {
            reason = $"the model's answer is longer than {MaxAnswerChars} characters";
            return false;
        }

        // Models often wrap JSON in a Markdown fence even when asked not to.
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = text.IndexOf('\n');
            var lastFence = text.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && lastFence > firstLine)
            {
                text = text[(firstLine + 1)..lastFence].Trim();
            }
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            reason = "the model's answer is not JSON (" + Shorten(e.Message) + ")";
            return false;
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                reason = "the model's answer is not a JSON object";
                return false;
            }

            string? Field(string name, out string? problem)
            {
                problem = null;
                if (!doc.RootElement.TryGetProperty(name, out var v))
                {
                    problem = $"the field '{name}' is missing";
                    return null;
                }

                if (v.ValueKind != JsonValueKind.String)
                {
                    problem = $"the field '{name}' is not a string";
                    return null;
                }

                return v.GetString()!.Trim();
            }

            var persona = Field("persona", out var p1);
            var greeting = Field("greeting", out var p2);
            var examples = Field("example_dialogues", out var p3);
            var plan = Field("knowledge_plan", out var p4);
            if ((p1 ?? p2 ?? p3 ?? p4) is { } problem)
            {
                reason = problem;
                return false;
            }

            if (persona!.Length < CreationQualityRules.PersonaMin)
            {
                reason = $"the persona is shorter than {CreationQualityRules.PersonaMin} characters";
                return false;
            }

            if (greeting!.Length == 0)
            {
                reason = "the greeting is empty";
                return false;
            }

            if (examples!.Length > 0 && !examples.Contains("<START>", StringComparison.OrdinalIgnoreCase))
            {
                reason = "the example dialogues have no <START> block";
                return false;
            }

            drafts = new CreationDrafts(persona, greeting, examples, plan!);
            reason = "";
            return true;
        }
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";
}
