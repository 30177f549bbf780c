using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StarStudio.Data.Chat.Engine;

/// <summary>
/// The one writer of OpenAI chat messages: the request body (<see cref="OpenAiCompatibleChatClient"/>) and the trace of what
/// was sent (<see cref="PromptBuilder.ToJson"/>) both use it, so the trace an owner reads is byte for byte what the provider got.
/// </summary>
public static class OpenAiMessageJson
{
    /// <summary>Chinese text stays readable in traces and compact on the wire; the output is a JSON body, never HTML.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes one message as OpenAI expects it: <c>{role, content}</c>, with <c>tool_calls</c> for an assistant that calls tools
    /// (content null when it says nothing), and one <c>{role: "tool", tool_call_id, content}</c> per function result.
    /// </summary>
    public static void Write(Utf8JsonWriter w, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(message);
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        if (results.Count > 0)
        {
            // OpenAI wants one "tool" message per result.
            foreach (var result in results)
            {
                w.WriteStartObject();
                w.WriteString("role", "tool");
                w.WriteString("tool_call_id", result.CallId);
                w.WriteString("content", ToolResultText(result.Result));
                w.WriteEndObject();
            }

            return;
        }

        w.WriteStartObject();
        w.WriteString("role", message.Role.Value);
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (calls.Count > 0 && text.Length == 0)
        {
            w.WriteNull("content");
        }
        else
        {
            w.WriteString("content", text);
        }

        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", call.CallId);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WriteString("arguments", ArgumentsJson(call));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>The messages as the JSON array of the request's <c>messages</c> field.</summary>
    public static string ToJson(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartArray();
            foreach (var message in messages)
            {
                Write(w, message);
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The arguments of a call as the model sent them (kept in <see cref="AIContent.RawRepresentation"/>), else serialized.</summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.RawRepresentation is string raw)
        {
            return raw;
        }

        return call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions);
    }

    /// <summary>A tool result as the text sent back to the model.</summary>
    public static string ToolResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
    };
}
