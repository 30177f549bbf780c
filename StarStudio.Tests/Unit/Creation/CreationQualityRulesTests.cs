using StarStudio.Core.Creation;

namespace StarStudio.Tests.Unit.Creation;

public class CreationQualityRulesTests
{
    private static CreationAnchors Good() => new()
    {
        Name = "史官小满",
        Domain = "历史",
        Persona = "一位幽默风趣的历史讲解员，面向小学生，用故事讲三国和唐宋的人物与事件。",
        Tone = "幽默风趣",
        Audience = "小学生",
        Boundaries = "不讨论现实政治",
        SampleQuestions = ["秦始皇为什么要统一文字？"],
    };

    private static CreationDrafts Drafted(CreationAnchors a) => OfflineCreationDrafter.Draft(a);

    private static IEnumerable<string> Codes(CreationAnchors a, CreationDrafts? d = null) => CreationQualityRules.Evaluate(a, d).Select(f => f.Code);

    [Fact]
    public void Evaluate_GoodAnchorsAndDrafts_HasNoFindings()
    {
        var a = Good();
        Assert.Empty(CreationQualityRules.Evaluate(a, Drafted(a)));
    }

    [Fact]
    public void Evaluate_NoBoundaries_IsBlocking()
    {
        var a = Good();
        a.Boundaries = " ";

        var f = Assert.Single(CreationQualityRules.Evaluate(a, null));
        Assert.Equal(("missing_boundaries", FindingSeverity.Blocking, "boundaries", "Creation.Finding.MissingBoundaries"), (f.Code, f.Severity, f.Field, f.ResourceKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("幽默")]
    [InlineData("友好")]
    [InlineData("友好、专业")]
    [InlineData("专业又友好")]
    [InlineData("friendly and professional")]
    public void Evaluate_VagueTone_IsAWarning(string tone)
    {
        var a = Good();
        a.Tone = tone;

        var f = Assert.Single(CreationQualityRules.Evaluate(a, null));
        Assert.Equal(("vague_tone", FindingSeverity.Warning), (f.Code, f.Severity));
    }

    [Theory]
    [InlineData("幽默风趣")]
    [InlineData("专业但幽默")]
    [InlineData("warm and witty")]
    public void IsVagueTone_ConcreteTone_IsNot(string tone) => Assert.False(CreationQualityRules.IsVagueTone(tone));

    [Fact]
    public void Evaluate_PersonaNamingAnotherDomain_IsBlockingAndNamesIt()
    {
        var a = Good();
        a.Persona = "一位资深的 Python 编程导师，帮助学生读懂报错、写出干净的代码。";

        var f = Assert.Single(CreationQualityRules.Evaluate(a, null));
        Assert.Equal(("persona_other_domain", FindingSeverity.Blocking, "persona"), (f.Code, f.Severity, f.Field));
        Assert.Equal(["历史", "编程"], f.Args);
    }

    [Fact]
    public void Evaluate_PersonaWithoutTheDomain_IsAWarning()
    {
        var a = Good();
        a.Persona = "一位和蔼的老先生，喜欢在院子里给孩子们讲故事，声音洪亮，记性极好。";

        Assert.Equal(["persona_misses_domain"], Codes(a));
    }

    [Fact]
    public void Evaluate_DraftedPersonaCard_IsWhatIsChecked()
    {
        var a = Good();
        var d = Drafted(a) with { Persona = "一位资深的 Python 编程导师，帮助学生读懂报错、写出干净的代码，耐心又细致。" };

        var f = Assert.Single(CreationQualityRules.Evaluate(a, d));
        Assert.Equal(("persona_other_domain", "persona_card"), (f.Code, f.Field));
        Assert.Equal(1, CreationQualityRules.CountFor([f], "persona"));
    }

    [Fact]
    public void Evaluate_ShortPersona_IsAWarning()
    {
        var a = Good();
        a.Persona = "历史老师";

        Assert.Equal(["persona_too_short"], Codes(a));
    }

    [Fact]
    public void Evaluate_DraftedWithoutGreeting_IsBlocking()
    {
        var a = Good();
        var d = Drafted(a) with { Greeting = "" };

        var f = Assert.Single(CreationQualityRules.Evaluate(a, d));
        Assert.Equal(("no_greeting", FindingSeverity.Blocking), (f.Code, f.Severity));
        Assert.Empty(CreationQualityRules.Evaluate(a, null));
    }

    [Fact]
    public void Evaluate_NoSampleQuestions_IsAWarning()
    {
        var a = Good();
        a.SampleQuestions = ["  "];

        Assert.Equal(["no_sample_questions"], Codes(a));
    }

    [Fact]
    public void Findings_RoundTripThroughJson()
    {
        var a = Good();
        a.Boundaries = "";
        a.Tone = "友好";
        var findings = CreationQualityRules.Evaluate(a, null);

        var back = CreationQualityRules.FromJson(CreationQualityRules.ToJson(findings));

        Assert.Equal(findings.Select(f => (f.Code, f.Severity, f.Field, f.ResourceKey, string.Join("|", f.Args))), back.Select(f => (f.Code, f.Severity, f.Field, f.ResourceKey, string.Join("|", f.Args))));
        Assert.Contains("\"severity\":\"Blocking\"", CreationQualityRules.ToJson(findings));
    }
}
