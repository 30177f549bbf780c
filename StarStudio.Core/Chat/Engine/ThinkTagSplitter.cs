using System.Text;

namespace StarStudio.Core.Chat.Engine;

/// <summary>
/// Splits a <c>has_thinking</c> model's streamed text into its answer and its thinking, for models that write their
/// reasoning inline between <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> (DeepSeek-R1, QwQ, Qwen3 served without a
/// reasoning parser) instead of in <c>reasoning_content</c>. Tags may be split across chunks: a chunk's tail that could be
/// the start of a tag is held back until the next chunk (or <see cref="Flush"/>) decides. One instance per model call.
/// </summary>
public sealed class ThinkTagSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";
    private readonly StringBuilder held = new();
    private bool inside;

    /// <summary>Feeds a chunk; returns the answer text and the thinking text it completes (either may be empty).</summary>
    public (string Answer, string Thinking) Push(string chunk)
    {
        held.Append(chunk);
        var text = held.ToString();
        held.Clear();
        var answer = new StringBuilder();
        var thinking = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var tag = inside ? Close : Open;
            var at = text.IndexOf(tag, i, StringComparison.Ordinal);
            if (at >= 0)
            {
                (inside ? thinking : answer).Append(text, i, at - i);
                i = at + tag.Length;
                inside = !inside;
                continue;
            }

            // No whole tag: keep back a tail that could begin one.
            var keep = PartialTagLength(text, i, tag);
            (inside ? thinking : answer).Append(text, i, text.Length - i - keep);
            held.Append(text, text.Length - keep, keep);
            break;
        }

        return (answer.ToString(), thinking.ToString());
    }

    /// <summary>The text held back at the end of the stream (an unfinished tag is just text).</summary>
    public (string Answer, string Thinking) Flush()
    {
        var rest = held.ToString();
        held.Clear();
        return inside ? ("", rest) : (rest, "");
    }

    private static int PartialTagLength(string text, int from, string tag)
    {
        for (var n = Math.Min(tag.Length - 1, text.Length - from); n > 0; n--)
        {
            if (string.CompareOrdinal(text, text.Length - n, tag, 0, n) == 0)
            {
                return n;
            }
        }

        return 0;
    }
}
