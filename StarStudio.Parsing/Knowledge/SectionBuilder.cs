using System.Text;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Parsing.Knowledge;

/// <summary>Collects the text of a heading-structured document (DOCX, Markdown, HTML) into one unit per section,
/// each with the path of headings above it.</summary>
internal sealed class SectionBuilder
{
    private readonly List<(int Level, string Text)> _headings = [];
    private readonly StringBuilder _body = new();
    private readonly List<DocumentUnit> _units = [];
    private IReadOnlyList<string> _path = [];

    /// <summary>Total characters collected so far.</summary>
    public long Length { get; private set; }

    /// <summary>Starts a section under a heading of <paramref name="level"/> (0 for a title, 1–9 for headings).</summary>
    public void Heading(int level, string text)
    {
        Flush();
        while (_headings.Count > 0 && _headings[^1].Level >= level)
        {
            _headings.RemoveAt(_headings.Count - 1);
        }

        var heading = TextNormalizer.SingleLine(text);
        if (heading.Length > 0)
        {
            _headings.Add((level, heading));
        }

        _path = _headings.Select(h => h.Text).ToArray();
    }

    /// <summary>Appends inline text to the current block.</summary>
    public void Append(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _body.Append(text);
            Length += text.Length;
        }
    }

    public void Append(char c)
    {
        _body.Append(c);
        Length++;
    }

    /// <summary>Ends the current block: what follows starts on a new line.</summary>
    public void BlockBreak()
    {
        var i = _body.Length;
        while (i > 0 && _body[i - 1] is ' ' or '\t')
        {
            i--;
        }

        if (i > 0 && _body[i - 1] != '\n')
        {
            Append('\n');
        }
    }

    /// <summary>Appends a whole block of text on lines of its own.</summary>
    public void AppendBlock(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        BlockBreak();
        Append(text);
        BlockBreak();
    }

    /// <summary>The sections collected, without empty ones.</summary>
    public List<DocumentUnit> Finish()
    {
        Flush();
        return _units;
    }

    private void Flush()
    {
        if (_body.Length == 0)
        {
            return;
        }

        var text = TextNormalizer.Normalize(_body.ToString());
        _body.Clear();
        if (text.Length > 0)
        {
            _units.Add(new DocumentUnit(text, null, _path));
        }
    }
}
