using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Stars;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Embeddings;

namespace StarStudio.Tests.Integration.Knowledge.Retrieval;

/// <summary>A known corpus of 30 passages on distinct topics, in Chinese and English, and a way to index it as the indexer would.</summary>
internal static class RetrievalCorpus
{
    public const string Model = LocalHashingEmbedder.DefaultModelName;

    /// <summary>(key, source, tags, text). Keys name the passages the questions below expect.</summary>
    public static readonly (string Key, string Source, string[] Tags, string Text)[] Passages =
    [
        ("paper-types", "古籍修复手册.pdf", ["修复", "纸张"], "古籍修复常用的补纸有竹纸、皮纸和宣纸。竹纸纤维短而脆，适合修补明清刻本；皮纸以构树皮或桑树皮为原料，纤维长、韧性强，适合修补宋元旧籍。选纸时要比对原书纸张的厚薄、帘纹和颜色。"),
        ("paste", "古籍修复手册.pdf", ["修复"], "修复用的浆糊以小麦淀粉制成。先把面粉加水洗去面筋，沉淀出淀粉，再加热冲调成糊。浆糊要稀薄均匀，过稠会使书页起皱发硬，还要加入少量防腐剂防止霉变。"),
        ("thread-binding", "古籍修复手册.pdf", ["装订"], "线装书一般采用四眼订法，开本较大的书用六眼订法。打眼时先用纸捻固定书册，再用丝线或棉线沿书脊穿订，线结藏在书眼之中，最后贴上书签。"),
        ("butterfly-binding", "古籍修复手册.pdf", ["装订"], "蝴蝶装盛行于宋代，书页有字的一面相对折叠，版心向内，打开时如蝴蝶展翅。元代以后逐渐被包背装取代，包背装版心向外，用纸捻订住书脑，再以整张书衣包裹书背。"),
        ("insects", "古籍修复手册.pdf", ["修复", "保存"], "书库防虫是古籍保护的重要环节。传统方法是在书柜中放置樟木、芸香草，或用椒纸印书。现代库房则控制温度在十六至二十二度、相对湿度在百分之四十五至六十之间，并定期冷冻杀虫。"),
        ("deacidify-zh", "古籍修复手册.pdf", ["修复", "保存"], "纸张酸化会使古籍变黄变脆。脱酸处理常用碳酸氢镁溶液或氢氧化钙溶液浸泡，也可以用气相脱酸，使纸张的酸碱度回到中性偏碱，并留下碱性缓冲物质延缓再次酸化。"),
        ("eclipse", "天文入门.md", ["天文"], "日食发生在月球运行到太阳和地球之间的时候，月球的影子落在地球上。月食则是地球挡住了照向月球的阳光。日全食时可以看到太阳的日冕，月全食时月亮常呈现暗红色。"),
        ("lunar-mansions", "天文入门.md", ["天文"], "二十八宿是中国古代把黄道和天赤道附近的星空划分成的二十八个区域，分属东方青龙、北方玄武、西方白虎、南方朱雀四象，古人用它来记录日月五星的位置。"),
        ("telescope-zh", "天文入门.md", ["天文", "仪器"], "折射望远镜用透镜聚光，成像清晰但口径难以做大；反射望远镜用凹面镜聚光，可以做成很大的口径，现代大型天文台的望远镜几乎都是反射式的。"),
        ("longjing", "茶经笔记.txt", ["茶"], "龙井茶产于杭州西湖一带，属于绿茶。清明前采摘的明前茶最为珍贵，炒制时要经过青锅、回潮和辉锅，手法有抖、搭、拓、捺等十种，成茶扁平光滑，色泽翠绿。"),
        ("brushes", "文房四宝.docx", ["书法"], "毛笔按笔毫分为狼毫、羊毫和兼毫。狼毫取自黄鼠狼尾毛，弹性好，适合写小楷；羊毫柔软，蓄墨多，适合写大字；兼毫则是两种毛混合，刚柔相济。"),
        ("ink", "文房四宝.docx", ["书法"], "墨分为松烟墨和油烟墨。松烟墨以松木燃烧的烟灰制成，墨色乌黑无光，适合写字；油烟墨用桐油或猪油的烟灰制成，墨色黑而有光泽，更适合作画。"),
        ("inkstone", "文房四宝.docx", ["书法"], "砚台以端砚、歙砚、洮河砚和澄泥砚最为有名，合称四大名砚。端砚产于广东肇庆端溪，石质细腻，发墨快而不损笔毫。"),
        ("cai-lun", "印刷史.pdf", ["历史"], "东汉时蔡伦改进造纸术，用树皮、麻头、破布和旧渔网为原料，经过切碎、浸泡、舂捣、抄造和晾晒，造出了价格低廉的蔡侯纸，使纸张逐渐取代竹简和缣帛。"),
        ("movable-type", "印刷史.pdf", ["历史", "印刷"], "北宋毕昇发明了泥活字印刷。他用胶泥刻字，每字一印，用火烧硬，排版时把活字放在涂有松脂和蜡的铁板上，加热后压平即可印刷，印完再把活字取下重复使用。"),
        ("leather", "Conservation Handbook.pdf", ["conservation", "binding"], "Leather bookbindings were traditionally made from vegetable-tanned goatskin or calfskin. Goatskin, often called morocco, has a pronounced grain and wears well; calfskin is smooth but becomes powdery when red rot sets in, which consolidants such as Klucel G can slow down."),
        ("japanese-tissue", "Conservation Handbook.pdf", ["conservation", "paper"], "Tears in paper are mended with thin Japanese tissue made from kozo fibres and adhered with wheat starch paste. The tissue is torn rather than cut so that its long fibres feather into the sheet and the repair stays flexible and reversible."),
        ("deacidify-en", "Conservation Handbook.pdf", ["conservation", "paper"], "Acidic paper turns brittle and yellow. Deacidification neutralises the acids with an alkaline solution such as magnesium bicarbonate and deposits an alkaline reserve that buffers the sheet against future acid attack."),
        ("parchment", "Conservation Handbook.pdf", ["conservation"], "Parchment is made from animal skin that is soaked in lime, scraped and dried under tension on a frame. Vellum is the finest parchment, traditionally made from calf skin, and reacts strongly to changes in relative humidity."),
        ("exoplanets", "Astronomy Notes.md", ["astronomy"], "Most known exoplanets were found with the transit method: a telescope measures the small dip in a star's brightness when a planet passes in front of it. The depth of the dip gives the planet's radius, and the period gives its orbit."),
        ("black-holes", "Astronomy Notes.md", ["astronomy"], "A black hole's event horizon is the boundary from which not even light can escape. Hawking predicted that quantum effects near the horizon make black holes emit faint thermal radiation and slowly evaporate."),
        ("spectral-types", "Astronomy Notes.md", ["astronomy"], "Stars are classified by spectral type into the sequence O, B, A, F, G, K and M, from the hottest blue stars to the coolest red dwarfs. The Sun is a G-type main-sequence star with a surface temperature of about 5,800 kelvin."),
        ("gutenberg", "Printing History.pdf", ["history", "printing"], "Johannes Gutenberg's press of around 1450 combined movable metal type cast in a hand mould, an oil-based ink and a screw press adapted from wine making. His 42-line Bible is the first major book printed with movable type in Europe."),
        ("sourdough", "Kitchen Notes.txt", ["food"], "Sourdough bread rises through a starter of wild yeast and lactic acid bacteria. The starter is fed flour and water daily; a long cold fermentation of the dough develops a sour flavour and an open crumb."),
        ("coral", "Ocean Notes.txt", ["ocean"], "Coral bleaching happens when water that is too warm makes corals expel the symbiotic algae living in their tissue. Without the algae the coral turns white and starves unless temperatures fall again."),
        ("volcanoes", "Geology Notes.txt", ["geology"], "Shield volcanoes such as Mauna Loa are built from runny basaltic lava and have gentle slopes, while stratovolcanoes like Mount Fuji are steep cones of alternating lava and ash from explosive eruptions."),
        ("bees", "Garden Notes.txt", ["nature"], "Honeybee foragers tell their hive mates where flowers are with the waggle dance: the angle of the waggle run against vertical gives the direction relative to the sun, and its duration gives the distance."),
        ("chess", "Games.txt", ["games"], "The Sicilian Defence begins 1.e4 c5. Black fights for the centre from the side and creates an unbalanced position, which is why it is the most popular reply to the king's pawn opening at master level."),
        ("photosynthesis", "Biology Notes.txt", ["biology"], "Photosynthesis in the chloroplast turns carbon dioxide and water into glucose and oxygen. Chlorophyll absorbs red and blue light, which drives the light reactions that split water and make ATP."),
        ("marathon", "Training Log.txt", ["sport"], "Marathon runners taper for two or three weeks before the race, cutting their weekly mileage while keeping some speed work, so that their muscles recover and glycogen stores are full on race day."),
    ];

    /// <summary>(question, key of the passage that must be in the top 3).</summary>
    public static readonly (string Question, string Key)[] Questions =
    [
        ("修补宋元古籍应该选用什么补纸？", "paper-types"),
        ("修复浆糊怎么制作？", "paste"),
        ("线装书用几眼订法装订？", "thread-binding"),
        ("蝴蝶装和包背装有什么区别？", "butterfly-binding"),
        ("书库怎样防虫？", "insects"),
        ("古籍纸张酸化变脆怎么处理？", "deacidify-zh"),
        ("日食和月食是怎么形成的？", "eclipse"),
        ("二十八宿分为哪四象？", "lunar-mansions"),
        ("反射望远镜和折射望远镜的区别", "telescope-zh"),
        ("龙井茶是怎么炒制的？", "longjing"),
        ("狼毫和羊毫毛笔有什么不同？", "brushes"),
        ("松烟墨和油烟墨哪个适合作画？", "ink"),
        ("四大名砚是哪些？", "inkstone"),
        ("蔡伦怎样改进造纸术？", "cai-lun"),
        ("毕昇的泥活字印刷", "movable-type"),
        ("Which leather is used for bookbinding and what is red rot?", "leather"),
        ("How do conservators mend a tear in paper?", "japanese-tissue"),
        ("How is acidic paper deacidified?", "deacidify-en"),
        ("How is parchment made from animal skin?", "parchment"),
        ("How are exoplanets detected with the transit method?", "exoplanets"),
        ("What is the event horizon of a black hole?", "black-holes"),
        ("What are the spectral types of stars?", "spectral-types"),
        ("Who invented the printing press with movable metal type in Europe?", "gutenberg"),
        ("How does a sourdough starter make bread rise?", "sourdough"),
        ("Why do corals bleach?", "coral"),
        ("What is the difference between shield volcanoes and stratovolcanoes?", "volcanoes"),
        ("How do bees communicate where flowers are?", "bees"),
        ("How does the Sicilian Defence start?", "chess"),
        ("What does chlorophyll do in photosynthesis?", "photosynthesis"),
        ("Why do marathon runners taper before a race?", "marathon"),
    ];

    /// <summary>The chunk ids and tasks the corpus was indexed with, by passage key.</summary>
    public sealed record Indexed(Guid StarId, IReadOnlyDictionary<string, Guid> ChunkIds, IReadOnlyDictionary<string, Guid> TaskIds);

    /// <summary>A star owned by <paramref name="owner"/> (inserted as the table owner).</summary>
    public static async Task<Guid> CreateStarAsync(PostgresDatabase pg, UserContext owner, string name = "知识星")
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = id, OwnerId = owner.UserId!.Value, Name = name, Domain = "d", Persona = "p", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Indexes the 30 passages into <paramref name="starId"/>: one task per source, vectors of the default local model.</summary>
    public static async Task<Indexed> IndexAsync(PostgresDatabase pg, Guid starId)
    {
        var chunks = new Dictionary<string, Guid>();
        var tasks = new Dictionary<string, Guid>();
        var rows = Passages.Select((p, i) => (p.Key, p.Source, p.Tags, p.Text, Seq: i)).ToList();
        foreach (var source in rows.Select(r => r.Source).Distinct())
        {
            var taskId = await CreateTaskAsync(pg, starId, source);
            var seq = 0;
            foreach (var r in rows.Where(r => r.Source == source))
            {
                chunks[r.Key] = await InsertChunkAsync(pg, starId, taskId, seq++, r.Text, r.Source, r.Tags, page: seq, headings: ["第一章", r.Key]);
                tasks[r.Key] = taskId;
            }
        }

        return new Indexed(starId, chunks, tasks);
    }

    public static async Task<Guid> CreateTaskAsync(PostgresDatabase pg, Guid starId, string source)
    {
        var id = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.KnowledgeTasks.Add(new KnowledgeTask
        {
            Id = id,
            StarId = starId,
            SourceType = KnowledgeSourceType.Upload,
            Status = KnowledgeTaskStatus.Completed,
            SourceName = source,
            EmbeddingModel = Model,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Inserts one chunk as the indexer writes it (metadata in exactly the indexer's shape).</summary>
    public static async Task<Guid> InsertChunkAsync(
        PostgresDatabase pg, Guid starId, Guid taskId, int seq, string text, string source, string[] tags,
        int? page = null, string[]? headings = null, string model = Model, float[]? vector = null)
    {
        var chunkId = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.StarEmbeddings.Add(Row(starId, taskId, chunkId, seq, text, source, tags, page, headings, model, vector));
        await db.SaveChangesAsync();
        return chunkId;
    }

    /// <summary>Many chunks at once (for the big star).</summary>
    public static async Task InsertManyAsync(PostgresDatabase pg, Guid starId, Guid taskId, IReadOnlyList<string> texts, string source)
    {
        await using var db = pg.OwnerContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        for (var i = 0; i < texts.Count; i++)
        {
            db.StarEmbeddings.Add(Row(starId, taskId, Guid.NewGuid(), i, texts[i], source, ["bulk"], null, [], Model, null));
        }

        await db.SaveChangesAsync();
    }

    public static async Task AnalyzeAsync(PostgresDatabase pg)
    {
        await using var db = pg.OwnerContext();
        await db.Database.ExecuteSqlRawAsync("ANALYZE star_embeddings; ANALYZE stars;");
    }

    private static readonly LocalHashingEmbedder Embedder = new();

    private static StarEmbedding Row(
        Guid starId, Guid taskId, Guid chunkId, int seq, string text, string source, string[] tags, int? page, string[]? headings, string model, float[]? vector)
    {
        var v = vector ?? Embedder.Embed(text);
        return new StarEmbedding
        {
            StarId = starId,
            TaskId = taskId,
            ChunkId = chunkId,
            Seq = seq,
            Embedding = new Pgvector.Vector(v),
            Dimensions = (short)v.Length,
            EmbeddingModel = model,
            Content = text,
            SearchText = StarStudio.Data.Knowledge.Expansion.PinyinReadings.SearchTextFor(text), // as the ingestion job writes it
            Metadata = JsonSerializer.Serialize(new
            {
                sourceName = source,
                page,
                headingPath = headings ?? [],
                charStart = seq * 1000,
                charEnd = seq * 1000 + text.Length,
                tokens = text.Length / 2,
                tags,
            }),
        };
    }
}
