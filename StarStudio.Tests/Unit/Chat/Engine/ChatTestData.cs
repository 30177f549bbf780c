using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Data.Chat.Engine;

namespace StarStudio.Tests.Unit.Chat.Engine;

/// <summary>Stars and passages for the chat engine tests.</summary>
internal static class ChatTestData
{
    public static StarPersona Star(string name = "墨香", string tone = "亲切、耐心") => new(
        Guid.NewGuid(), name, "古籍修复", "一位从事古籍修复三十年的老师傅，说话朴实，喜欢举例子。", tone, "v3");

    public static RetrievedPassage Passage(string text, string source = "古籍修复手册.pdf", int? page = 12, double score = 0.5) =>
        new(text, score, 0.2, 1, 1, new Citation(Guid.NewGuid(), Guid.NewGuid(), source, page, ["第一章", "补纸"], 0, text.Length));

    public static IReadOnlyList<PromptPassage> Numbered(params RetrievedPassage[] passages) =>
        passages.Select((p, i) => new PromptPassage(i + 1, p)).ToList();

    public static readonly string PaperText =
        "古籍修复常用的补纸有竹纸、皮纸和宣纸。竹纸纤维短而脆，适合修补明清刻本；皮纸以构树皮或桑树皮为原料，纤维长、韧性强，适合修补宋元旧籍。选纸时要比对原书纸张的厚薄、帘纹和颜色。";

    public static readonly string PasteText =
        "修复用的浆糊以小麦淀粉制成。先把面粉加水洗去面筋，沉淀出淀粉，再加热冲调成糊。浆糊要稀薄均匀，过稠会使书页起皱发硬。";

    public static readonly string TissueText =
        "Tears in paper are mended with thin Japanese tissue made from kozo fibres and adhered with wheat starch paste. The tissue is torn rather than cut so that its long fibres feather into the sheet.";
}
