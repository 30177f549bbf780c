using System.Text;
using StarStudio.Core.Chat.Attachments;
using StarStudio.Core.Knowledge.Parsing;

namespace StarStudio.Tests.Unit.Chat.Attachments;

/// <summary>Which files may be attached (kind by content), how they show, and which of their passages an answer gets.</summary>
public sealed class ChatAttachmentRulesTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    [Theory]
    [InlineData("notes.txt", "text", KnowledgeFileKind.Text)]
    [InlineData("README.md", "markdown", KnowledgeFileKind.Markdown)]
    public void Detect_TextFiles_AreReadAsTheirKind(string name, string kind, KnowledgeFileKind parseAs)
    {
        var result = ChatAttachmentRules.Detect(name, Encoding.UTF8.GetBytes("古籍修复 notes"));

        Assert.True(result.Succeeded);
        Assert.Equal(kind, result.Value.Kind);
        Assert.Equal(parseAs, result.Value.ParseAs);
    }

    [Fact]
    public void Detect_APdf_IsAPdfByItsHeader()
    {
        var result = ChatAttachmentRules.Detect("paper.PDF", "%PDF-1.7\n"u8);

        Assert.Equal((ChatAttachmentKinds.Pdf, (KnowledgeFileKind?)KnowledgeFileKind.Pdf, "application/pdf"), result.Value);
    }

    [Fact]
    public void Detect_AnImage_IsStoredNotParsed()
    {
        var result = ChatAttachmentRules.Detect("photo.png", Png);

        Assert.Equal(ChatAttachmentKinds.Image, result.Value.Kind);
        Assert.Null(result.Value.ParseAs);
        Assert.Equal("image/png", result.Value.ContentType);
    }

    [Theory]
    [InlineData("photo.png", "Knowledge.File.Mismatch")] // text renamed .png
    [InlineData("report.pdf", "Knowledge.File.Mismatch")] // text renamed .pdf
    [InlineData("page.html", "Chat.Attachment.Unsupported")] // knowledge reads HTML; chat attachments do not
    [InlineData("tool.exe", "Chat.Attachment.Unsupported")]
    public void Detect_WrongOrUnsupported_IsRefusedAtTheFileField(string name, string code)
    {
        var result = ChatAttachmentRules.Detect(name, "just some text"u8);

        Assert.False(result.Succeeded);
        Assert.Equal(("File", code), (result.Errors[0].Field, result.Errors[0].Code));
    }

    [Fact]
    public void Detect_EmptyFile_IsRefused()
    {
        Assert.Equal("Knowledge.File.Empty", ChatAttachmentRules.Detect("a.txt", []).Errors[0].Code);
    }

    [Theory]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("C:\\Users\\me\\论文.pdf", "论文.pdf")]
    [InlineData("a\u0000b.txt", "ab.txt")]
    [InlineData("", "file")]
    public void CleanFileName_KeepsTheLastSegmentWithoutControls(string raw, string expected)
    {
        Assert.Equal(expected, ChatAttachmentRules.CleanFileName(raw));
    }

    [Fact]
    public void CleanFileName_LongName_IsCutKeepingTheExtension()
    {
        var name = ChatAttachmentRules.CleanFileName(new string('a', 500) + ".pdf");

        Assert.Equal(ChatAttachmentRules.FileNameMax, name.Length);
        Assert.EndsWith(".pdf", name);
    }

    [Fact]
    public void StateOf_AParseRunningTooLong_ShowsAsInterrupted()
    {
        var now = DateTimeOffset.UtcNow;
        var row = new ChatAttachment { Status = ChatAttachmentStatuses.Parsing, UpdatedAt = now - ChatAttachmentRules.ParseAbandonedAfter - TimeSpan.FromSeconds(1) };

        Assert.Equal((ChatAttachmentStatuses.Failed, "Chat.Attachment.Interrupted"), ChatAttachmentRules.StateOf(row, now));
        Assert.Equal((ChatAttachmentStatuses.Parsing, (string?)null), ChatAttachmentRules.StateOf(new ChatAttachment { Status = ChatAttachmentStatuses.Parsing, UpdatedAt = now }, now));
    }

    [Theory]
    [InlineData(812, "812 B")]
    [InlineData(14_540, "14.2 KB")]
    [InlineData(3_250_000, "3.1 MB")]
    public void FormatSize_IsShort(long bytes, string expected)
    {
        Assert.Equal(expected, ChatAttachmentRules.FormatSize(bytes));
    }

    private static AttachmentPassages.Source Source(string name, bool withThisMessage, int minutesAgo, params string[] chunks) =>
        new(Guid.NewGuid(), name, chunks.Select((t, i) => new AttachmentChunk(Guid.NewGuid(), i, t, i + 1)).ToList(), withThisMessage, DateTimeOffset.UtcNow.AddMinutes(-minutesAgo));

    [Fact]
    public void Passages_ChunksSharingTheQuestionsTerms_ComeFirst_AndAreMarkedAsAttachments()
    {
        var paper = Source("paper.pdf", true, 0, "Introduction to the study.", "The kozo tissue adheres with wheat starch paste.", "References.");

        var passages = AttachmentPassages.For("Which paste holds kozo tissue?", [paper]);

        Assert.Equal("The kozo tissue adheres with wheat starch paste.", passages[0].Text);
        Assert.All(passages, p => Assert.True(p.Citation.FromAttachment));
        Assert.Equal(paper.AttachmentId, passages[0].Citation.TaskId);
        Assert.Equal(paper.Chunks[1].Id, passages[0].Citation.ChunkId);
        Assert.Equal(2, passages[0].Citation.Page);
    }

    [Fact]
    public void Passages_FilesSentWithThisMessage_AreOfferedEvenWithoutSharedTerms()
    {
        var paper = Source("论文.pdf", true, 0, "第一段。", "第二段。");

        var passages = AttachmentPassages.For("总结一下", [paper]);

        Assert.Equal(["第一段。", "第二段。"], passages.Select(p => p.Text));
    }

    [Fact]
    public void Passages_OlderFilesWithoutSharedTerms_AreLeftOut_AndTheCountIsCapped()
    {
        var old = Source("old.txt", false, 10, "Nothing relevant here.", "Wheat starch paste recipe.");
        var current = Source("new.txt", true, 0, Enumerable.Range(0, 10).Select(i => $"Chunk {i} about paste.").ToArray());

        var passages = AttachmentPassages.For("paste", [old, current], max: 4);

        Assert.Equal(4, passages.Count);
        Assert.DoesNotContain(passages, p => p.Text == "Nothing relevant here.");
        Assert.All(passages, p => Assert.Equal(current.AttachmentId, p.Citation.TaskId)); // the current file's hits score higher
    }
}
