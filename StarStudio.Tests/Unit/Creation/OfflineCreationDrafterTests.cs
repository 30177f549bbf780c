using StarStudio.Core.Creation;

namespace StarStudio.Tests.Unit.Creation;

public class OfflineCreationDrafterTests
{
    [Theory]
    [InlineData("一个给小学生讲三国故事的幽默历史老师", "历史")]
    [InlineData("教新手写 Python 代码的导师", "编程")]
    [InlineData("会做家常菜的厨师朋友", "烹饪")]
    [InlineData("帮上班族安排健身计划", "健身")]
    [InlineData("陪人聊聊焦虑情绪的倾听者", "心理")]
    [InlineData("解答劳动法和合同问题", "法律")]
    [InlineData("帮我规划云南旅行行程", "旅行")]
    [InlineData("陪练英语口语", "语言学习")]
    [InlineData("教年轻人记账和基金理财", "理财")]
    [InlineData("带读《红楼梦》的文学老师", "文学")]
    public void ProposeAnchors_ChineseIdea_RecognisesTheDomain(string idea, string domain)
    {
        var proposal = OfflineCreationDrafter.ProposeAnchors(idea);

        Assert.Equal(domain, proposal.Anchors.Domain);
        Assert.False(proposal.English);
        Assert.DoesNotContain("domain", proposal.Missing);
        Assert.Equal(3, proposal.Anchors.SampleQuestions.Count);
    }

    [Fact]
    public void ProposeAnchors_ChineseIdea_TakesToneAndAudienceWords()
    {
        var a = OfflineCreationDrafter.ProposeAnchors("一个给小学生讲三国故事的幽默历史老师").Anchors;

        Assert.Equal("幽默风趣", a.Tone);
        Assert.Equal("小学生和儿童", a.Audience);
        Assert.Equal("历史讲解员", a.Name);
        Assert.Contains("历史讲解员", a.Persona);
        Assert.Contains("小学生", a.Persona);
    }

    [Fact]
    public void ProposeAnchors_EnglishIdea_AnswersInEnglish()
    {
        var p = OfflineCreationDrafter.ProposeAnchors("A patient coding mentor for beginners, named Ada");

        Assert.True(p.English);
        Assert.Equal("Programming", p.Anchors.Domain);
        Assert.Equal("gentle and patient", p.Anchors.Tone);
        Assert.Equal("beginners", p.Anchors.Audience);
        Assert.Equal("Ada", p.Anchors.Name);
        Assert.StartsWith("How", p.Anchors.SampleQuestions[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ProposeAnchors_EnglishWordInsideAnotherWord_IsNotAKeyword()
    {
        // "code" inside "encoded", "art" never a keyword: a bare substring match would call this programming.
        var p = OfflineCreationDrafter.ProposeAnchors("someone who encoded secret letters");

        Assert.Null(p.DomainKey);
    }

    [Fact]
    public void ProposeAnchors_UnknownIdea_LeavesFieldsEmptyAndSaysWhich()
    {
        var p = OfflineCreationDrafter.ProposeAnchors("一只会说话的猫");

        Assert.Null(p.DomainKey);
        Assert.Equal("", p.Anchors.Domain);
        Assert.Equal("", p.Anchors.Name);
        Assert.Empty(p.Anchors.SampleQuestions);
        Assert.Equal(["name", "domain", "tone", "audience", "boundaries", "sample_questions"], p.Missing);
        Assert.Contains("一只会说话的猫", p.Anchors.Persona);
    }

    [Fact]
    public void ProposeAnchors_RiskyDomain_ProposesBoundaries_OthersLeaveThemToTheOwner()
    {
        Assert.Contains("不做诊断", OfflineCreationDrafter.ProposeAnchors("心理倾听者").Anchors.Boundaries);
        Assert.Contains("执业律师", OfflineCreationDrafter.ProposeAnchors("法律顾问").Anchors.Boundaries);
        var history = OfflineCreationDrafter.ProposeAnchors("历史老师");
        Assert.Equal("", history.Anchors.Boundaries);
        Assert.Contains("boundaries", history.Missing);
    }

    [Theory]
    [InlineData("一个叫「墨痕」的古籍修复师", "墨痕")]
    [InlineData("名叫小满的烹饪老师", "小满")]
    [InlineData("a history guide called Clio", "Clio")]
    public void ProposeAnchors_NameInTheIdea_IsTaken(string idea, string name) =>
        Assert.Equal(name, OfflineCreationDrafter.ProposeAnchors(idea).Anchors.Name);

    [Fact]
    public void Draft_FromAnchors_WritesAllFourCards()
    {
        var anchors = OfflineCreationDrafter.ProposeAnchors("一个给小学生讲三国故事的幽默历史老师").Anchors;
        anchors.Boundaries = "不讨论现实政治";

        var d = OfflineCreationDrafter.Draft(anchors);

        Assert.Contains("历史", d.Persona);
        Assert.Contains("不讨论现实政治", d.Persona);
        Assert.Contains("{{user}}", d.Greeting);
        Assert.Contains("历史讲解员", d.Greeting);
        Assert.Equal(3, d.Examples.Split("<START>\n").Length - 1);
        Assert.Contains("{{user}}: 秦始皇为什么要统一文字？", d.Examples);
        Assert.Contains("{{char}}: ", d.Examples);
        Assert.Contains("- [ ] 大事年表与人物小传", d.KnowledgePlan);
        Assert.Contains("- [ ] 能回答这个问题的资料：唐朝为什么会由盛转衰？", d.KnowledgePlan);
    }

    [Fact]
    public void Draft_NoSampleQuestions_LeavesExamplesEmpty()
    {
        var d = OfflineCreationDrafter.Draft(new CreationAnchors { Name = "猫", Domain = "猫咪养护" });

        Assert.Equal("", d.Examples);
        Assert.Contains("猫咪养护的核心资料", d.KnowledgePlan);
    }

    [Fact]
    public void Draft_EnglishAnchors_WritesEnglishCards()
    {
        var p = OfflineCreationDrafter.ProposeAnchors("A strict fitness coach for office workers");

        var d = OfflineCreationDrafter.Draft(p.Anchors);

        Assert.StartsWith("Fitness coach is a fitness coach", d.Persona, StringComparison.Ordinal);
        Assert.Contains("Boundaries: No medical diagnosis", d.Persona);
        Assert.StartsWith("Hi {{user}}", d.Greeting, StringComparison.Ordinal);
        Assert.StartsWith("Knowledge plan", d.KnowledgePlan, StringComparison.Ordinal);
    }
}
