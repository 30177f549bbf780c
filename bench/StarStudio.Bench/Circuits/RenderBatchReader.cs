using System.Buffers.Binary;
using System.Text;

namespace StarStudio.Bench.Circuits;

/// <summary>
/// Reads what the load client needs from a Blazor Server render batch (the binary format blazor.web.js reads in
/// OutOfProcessRenderBatch.ts): the reference frames' elements with their attributes and event handler IDs, the text
/// frames, and the disposed event handler IDs. Edits are not applied: the client keeps no DOM, it only learns which
/// handler a <c>data-testid</c> (or the page's one textarea) currently has, which is all it needs to click and type.
/// </summary>
internal sealed class RenderBatchReader(byte[] data)
{
    private const int FrameLength = 20;
    private const int ElementFrame = 1;
    private const int TextFrame = 2;
    private const int AttributeFrame = 3;
    private const int PrependFrameEdit = 1;
    private const int SetAttributeEdit = 3;
    private const int UpdateTextEdit = 5;

    private int Int(int position) => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(position, 4));

    private ulong ULong(int position) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(position, 8));

    /// <summary>
    /// What the batch's edits put on the page, per component: the elements (with their attributes and event handlers) of
    /// every inserted subtree, the event handlers that <c>SetAttribute</c> edits give existing elements (a re-render
    /// assigns new handler IDs), and the texts inserted or updated.
    /// </summary>
    public (List<BatchElement> Elements, List<(int ComponentId, string Name, ulong Handler)> HandlerEdits, List<string> Texts) Frames()
    {
        var elements = new List<BatchElement>();
        var handlerEdits = new List<(int, string, ulong)>();
        var texts = new List<string>();
        var frames = Int(data.Length - 16) + 4;
        var updated = Int(data.Length - 20);
        for (var d = 0; d < Int(updated); d++)
        {
            var diff = Int(updated + 4 + (d * 4));
            var componentId = Int(diff);
            for (var e = 0; e < Int(diff + 4); e++)
            {
                var edit = diff + 8 + (e * 16);
                var type = Int(edit);
                var index = Int(edit + 8);
                var frame = frames + (index * FrameLength);
                switch (type)
                {
                    case PrependFrameEdit:
                        var length = Int(frame) == ElementFrame ? Int(frame + 4) : 1;
                        Subtree(componentId, index, length, elements, texts);
                        break;
                    case SetAttributeEdit when ULong(frame + 12) is var handler and not 0:
                        handlerEdits.Add((componentId, String(Int(frame + 4)) ?? "", handler));
                        break;
                    case UpdateTextEdit:
                        if (String(Int(frame + 4)) is { Length: > 0 } text)
                        {
                            texts.Add(text);
                        }

                        break;
                }
            }
        }

        return (elements, handlerEdits, texts);
    }

    private void Subtree(int componentId, int start, int length, List<BatchElement> elements, List<string> texts)
    {
        var frames = Int(data.Length - 16) + 4;
        BatchElement? current = null;
        for (var i = start; i < start + length; i++)
        {
            var frame = frames + (i * FrameLength);
            switch (Int(frame))
            {
                case ElementFrame:
                    current = new BatchElement(String(Int(frame + 8)) ?? "", componentId);
                    elements.Add(current);
                    break;
                case AttributeFrame when current is not null:
                    var name = String(Int(frame + 4)) ?? "";
                    var handler = ULong(frame + 12);
                    if (handler != 0)
                    {
                        current.Handlers[name] = handler;
                    }
                    else
                    {
                        current.Attributes[name] = String(Int(frame + 8));
                    }

                    break;
                case TextFrame:
                    current = null;
                    if (String(Int(frame + 4)) is { Length: > 0 } text)
                    {
                        texts.Add(text);
                    }

                    break;
                default:
                    current = null;
                    break;
            }
        }
    }

    /// <summary>For debugging the client: how many reference frames of each type, and the edits' types.</summary>
    public string Describe()
    {
        var section = Int(data.Length - 16);
        var count = Int(section);
        var types = Enumerable.Range(0, count).Select(i => Int(section + 4 + (i * FrameLength))).GroupBy(t => t).Select(g => $"{g.Key}×{g.Count()}");
        var updated = Int(data.Length - 20);
        var edits = new List<string>();
        for (var i = 0; i < Int(updated); i++)
        {
            var diff = Int(updated + 4 + (i * 4));
            var componentId = Int(diff);
            var editCount = Int(diff + 4);
            edits.Add($"c{componentId}:" + string.Join(',', Enumerable.Range(0, editCount).Select(e => Int(diff + 8 + (e * 16)))));
        }

        return $"frames [{string.Join(' ', types)}] edits [{string.Join(' ', edits)}]";
    }

    public List<ulong> DisposedEventHandlerIds()
    {
        var section = Int(data.Length - 8);
        var count = Int(section);
        var ids = new List<ulong>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(ULong(section + 4 + (i * 8)));
        }

        return ids;
    }

    private string? String(int index)
    {
        if (index < 0)
        {
            return null;
        }

        var table = Int(data.Length - 4);
        var position = Int(table + (index * 4));
        // BinaryWriter's 7-bit encoded length, then UTF-8.
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = data[position++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return Encoding.UTF8.GetString(data, position, length);
    }
}

internal sealed class BatchElement(string name, int componentId)
{
    public string Name { get; } = name;

    /// <summary>The component whose render output holds the element.</summary>
    public int ComponentId { get; } = componentId;

    public Dictionary<string, string?> Attributes { get; } = [];
    public Dictionary<string, ulong> Handlers { get; } = [];
}
