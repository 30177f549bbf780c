using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using StarStudio.Core.Cards;

namespace StarStudio.Tests.Unit.Cards;

/// <summary>Writes the card files the tests read: JSON of every spec, PNGs with chosen chunks, CHARX zips; built by
/// hand (not with <see cref="PngCardWriter"/> except where said) so the reader is tested against the formats, not
/// against StarStudio's own writer.</summary>
public static class CardFiles
{
    public static JsonObject V2(string name = "Seraphina", JsonArray? entries = null, JsonObject? extensions = null) => new()
    {
        ["spec"] = "chara_card_v2",
        ["spec_version"] = "2.0",
        ["data"] = Data(name, entries, extensions),
    };

    public static JsonObject V3(string name = "Seraphina", JsonArray? entries = null, JsonObject? extensions = null)
    {
        var data = Data(name, entries, extensions);
        data["nickname"] = "Sera";
        data["group_only_greetings"] = new JsonArray("Hello, everyone.");
        data["creation_date"] = 1700000000;
        return new JsonObject { ["spec"] = "chara_card_v3", ["spec_version"] = "3.0", ["data"] = data };
    }

    public static JsonObject V1(string name = "Seraphina") => new()
    {
        ["name"] = name,
        ["description"] = "A guardian of the forest glade. <BOT> speaks softly to <USER>.",
        ["personality"] = "gentle, wise",
        ["scenario"] = "{{user}} wakes in the glade.",
        ["first_mes"] = "*{{char}} smiles.* Welcome, {{user}}.",
        ["mes_example"] = "<START>\n{{user}}: Who are you?\n{{char}}: I am {{char}}.",
        ["create_date"] = "2023-5-1",
    };

    public static JsonObject Data(string name, JsonArray? entries, JsonObject? extensions)
    {
        var data = new JsonObject
        {
            ["name"] = name,
            ["description"] = "{{char}} is a guardian of the forest glade who heals travellers.",
            ["personality"] = "gentle, wise",
            ["scenario"] = "{{user}} wakes in the glade after a storm.",
            ["first_mes"] = "*{{char}} smiles.* Welcome to my glade, {{user}}.",
            ["mes_example"] = "<START>\n{{user}}: Who are you?\n{{char}}: I am {{char}}, keeper of this glade.",
            ["creator_notes"] = "Works best with long replies.",
            ["system_prompt"] = "Stay in character as {{char}}.",
            ["post_history_instructions"] = "Keep replies under 200 words.",
            ["alternate_greetings"] = new JsonArray("The glade is quiet today, {{user}}.", "*{{char}} hums.*"),
            ["tags"] = new JsonArray("fantasy", "healer"),
            ["creator"] = "someone",
            ["character_version"] = "1.2",
            ["extensions"] = extensions ?? new JsonObject
            {
                ["talkativeness"] = "0.5",
                ["depth_prompt"] = new JsonObject { ["prompt"] = "remember the storm", ["depth"] = 4 },
            },
        };
        if (entries is not null)
        {
            data["character_book"] = new JsonObject
            {
                ["name"] = "Glade lore",
                ["scan_depth"] = 3,
                ["extensions"] = new JsonObject { ["world"] = "glade" },
                ["entries"] = entries,
            };
        }

        return data;
    }

    public static JsonArray Entries(int count, int contentChars = 40)
    {
        var entries = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            entries.Add(new JsonObject
            {
                ["keys"] = new JsonArray($"key{i}", $"alias{i}"),
                ["content"] = $"Lore {i}: " + new string('x', Math.Max(0, contentChars - 10)),
                ["extensions"] = new JsonObject { ["probability"] = 100 },
                ["enabled"] = i % 7 != 3,
                ["insertion_order"] = 100 + i,
                ["constant"] = i == 0,
                ["selective"] = i % 2 == 0,
                ["secondary_keys"] = new JsonArray($"second{i}"),
                ["comment"] = $"entry {i}",
                ["id"] = i,
                ["priority"] = 10,
                ["position"] = "before_char",
                ["case_sensitive"] = false,
            });
        }

        return entries;
    }

    public static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>A PNG of the given size (its IHDR says so; the pixel data is one tiny IDAT, never decoded by the reader)
    /// with the given text chunks before IEND.</summary>
    public static byte[] Png(int width, int height, params (string Type, byte[] Data)[] chunks)
    {
        var image = width * height <= 4096 * 4096 ? PngCardWriter.Solid(Math.Min(width, 64), Math.Min(height, 64), 200, 180, 90) : PngCardWriter.Solid(1, 1, 0, 0, 0);
        using var output = new MemoryStream();
        output.Write(image, 0, 8);
        var offset = 8;
        while (offset < image.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(image.AsSpan(offset));
            var type = Encoding.ASCII.GetString(image, offset + 4, 4);
            var data = image.AsSpan(offset + 8, length).ToArray();
            if (type == "IHDR")
            {
                BinaryPrimitives.WriteInt32BigEndian(data, width);
                BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
            }

            if (type == "IEND")
            {
                foreach (var (t, d) in chunks)
                {
                    Chunk(output, t, d);
                }
            }

            Chunk(output, type, data);
            offset += 12 + length;
        }

        return output.ToArray();
    }

    public static (string, byte[]) Text(string keyword, JsonNode card) => Text(keyword, Convert.ToBase64String(Utf8(card)));

    public static (string, byte[]) Text(string keyword, string text) => ("tEXt", [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)]);

    public static (string, byte[]) ZText(string keyword, JsonNode card)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(Utf8(card))));
        }

        return ("zTXt", [.. Encoding.Latin1.GetBytes(keyword), 0, 0, .. compressed.ToArray()]);
    }

    public static (string, byte[]) IText(string keyword, JsonNode card) =>
        ("iTXt", [.. Encoding.Latin1.GetBytes(keyword), 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(Convert.ToBase64String(Utf8(card)))]);

    public static byte[] PngCard(JsonNode card, int width = 64, int height = 64) => Png(width, height, Text("chara", card));

    public static byte[] Charx(params (string Path, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>A V3 card whose main icon is an embedded CHARX asset.</summary>
    public static JsonObject V3WithIcon(string uri)
    {
        var card = V3();
        card["data"]!["assets"] = new JsonArray(new JsonObject { ["type"] = "icon", ["uri"] = uri, ["name"] = "main", ["ext"] = "png" });
        return card;
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(Encoding.ASCII.GetBytes(type));
        output.Write(data);
        output.Write([0, 0, 0, 0]); // the reader does not check CRCs of chunks it skips or reads
    }
}
