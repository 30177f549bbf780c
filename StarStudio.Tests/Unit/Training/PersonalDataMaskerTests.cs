using StarStudio.Core.Training;

namespace StarStudio.Tests.Unit.Training;

public sealed class PersonalDataMaskerTests
{
    private static (string Text, MaskCounts Counts) Mask(string text, params string[] known) =>
        PersonalDataMasker.Mask(text, PersonalDataMasker.KnownNames(known));

    [Theory]
    [InlineData("我的邮箱是 zhang.wei+work@example.com.cn，请回复", "我的邮箱是 [邮箱]，请回复")]
    [InlineData("Write to anna_lee@mail.co or bob@x.io.", "Write to [邮箱] or [邮箱].")]
    public void Mask_Emails_AreReplacedAndCounted(string text, string expected)
    {
        var (masked, counts) = Mask(text);

        Assert.Equal(expected, masked);
        Assert.Equal(expected.Split("[邮箱]").Length - 1, counts.Emails);
        Assert.Equal(0, counts.Phones + counts.Names);
    }

    [Theory]
    [InlineData("我的手机号13812345678，下午打", "我的手机号[电话]，下午打")]
    [InlineData("电话 138 1234 5678 或 139-8765-4321", "电话 [电话] 或 [电话]")]
    [InlineData("+86 138 1234 5678 找我", "[电话] 找我")]
    [InlineData("8613812345678", "[电话]")]
    [InlineData("办公室 010-12345678，分机转", "办公室 [电话]，分机转")]
    [InlineData("座机(0755) 8765 4321", "座机[电话]")]
    [InlineData("Call me at +1 415 555 0132 tomorrow", "Call me at [电话] tomorrow")]
    [InlineData("UK: +44 20 7946 0958.", "UK: [电话].")]
    public void Mask_PhoneNumbers_AreReplaced(string text, string expected)
    {
        var (masked, counts) = Mask(text);

        Assert.Equal(expected, masked);
        Assert.Equal(expected.Split("[电话]").Length - 1, counts.Phones);
    }

    [Theory]
    [InlineData("这本书出版于2019年，售价¥1999，验证码4821。")]
    [InlineData("订单号 202412051234567890 已发货，共 3 件")]
    [InlineData("1368年明朝建立，2024-12-05 修复完成，耗时 12345 分钟")]
    [InlineData("The price is $12,499.00 for 1,000,000 units in 2025.")]
    [InlineData("ISBN 978-7-02-000220-7，第 138 页")]
    [InlineData("编号 CN13812345678X 的样本")]
    public void Mask_OrdinaryNumbers_AreLeftAlone(string text)
    {
        var (masked, counts) = Mask(text);

        Assert.Equal(text, masked);
        Assert.Equal(default, counts);
    }

    [Fact]
    public void Mask_SelfIntroductionInChinese_MasksTheNameEverywhereInTheText()
    {
        var (masked, counts) = Mask("你好，我叫张伟。张伟想学古籍修复。");

        Assert.Equal("你好，我叫[姓名]。[姓名]想学古籍修复。", masked);
        Assert.Equal(2, counts.Names);
    }

    [Theory]
    [InlineData("我是李娜。请多指教", "我是[姓名]。请多指教")]
    [InlineData("我是欧阳娜娜", "我是[姓名]")]
    [InlineData("我是学生。想问问题", "我是学生。想问问题")]
    [InlineData("我是来问修复方法的", "我是来问修复方法的")]
    public void Mask_IAmFollowedByAName_OnlyBeforePunctuationOrTheEnd(string text, string expected)
    {
        Assert.Equal(expected, Mask(text).Text);
    }

    [Theory]
    [InlineData("Hi, my name is Anna Lee and I love old books.", "Hi, my name is [姓名] and I love old books.")]
    [InlineData("I'm Tom. Tom needs help.", "I'm [姓名]. [姓名] needs help.")]
    [InlineData("I'm interested in paper repair.", "I'm interested in paper repair.")]
    [InlineData("I'm Chinese and I'm Happy", "I'm Chinese and I'm Happy")]
    public void Mask_EnglishIntroductions_NeedACapitalisedWord(string text, string expected)
    {
        Assert.Equal(expected, Mask(text).Text);
    }

    [Fact]
    public void Mask_KnownNamesOfThePlayer_UserNameDisplayNameAndEmailLocalPart()
    {
        var (masked, counts) = Mask("王小明说：xiaoming_wang 是我的账号，Annual 报告里也有 Ann。",
            "xiaoming_wang", "王小明", "ann@example.com");

        Assert.Equal("[姓名]说：[姓名] 是我的账号，Annual 报告里也有 [姓名]。", masked);
        Assert.Equal(3, counts.Names);
    }

    [Fact]
    public void KnownNames_SkipsDigitsShortPartsAndCommonWords()
    {
        var names = PersonalDataMasker.KnownNames("12345@example.test", "李", "admin", "Anna Lee");

        Assert.Equal(["Anna Lee", "Anna", "Lee"], names);
    }

    [Fact]
    public void Mask_EverythingInOneText_CountsByKind()
    {
        var (masked, counts) = Mask("我叫陈静，电话13912345678，邮箱 chenjing@163.com，chenjing 是我的昵称", "chenjing");

        Assert.Equal("我叫[姓名]，电话[电话]，邮箱 [邮箱]，[姓名] 是我的昵称", masked);
        Assert.Equal(new MaskCounts(2, 1, 1), counts);
    }
}
