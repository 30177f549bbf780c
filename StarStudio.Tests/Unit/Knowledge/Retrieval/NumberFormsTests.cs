using StarStudio.Core.Knowledge.Retrieval;

namespace StarStudio.Tests.Unit.Knowledge.Retrieval;

public sealed class NumberFormsTests
{
    [Theory]
    [InlineData(0, "零")]
    [InlineData(7, "七")]
    [InlineData(10, "十")]
    [InlineData(15, "十五")]
    [InlineData(38, "三十八")]
    [InlineData(105, "一百零五")]
    [InlineData(110, "一百一十")]
    [InlineData(357, "三百五十七")]
    [InlineData(1500, "一千五百")]
    [InlineData(1005, "一千零五")]
    [InlineData(12_000, "一万二千")]
    [InlineData(10_050, "一万零五十")]
    [InlineData(350_000, "三十五万")]
    public void ToChinese_StandardReading(long n, string expected) => Assert.Equal(expected, NumberForms.ToChinese(n)[0]);

    [Fact]
    public void ToChinese_LeadingTwoOfHundredsOrMore_AlsoHasTheLiangForm()
    {
        Assert.Equal(["二百", "两百"], NumberForms.ToChinese(200));
        Assert.Equal(["二千五百", "两千五百"], NumberForms.ToChinese(2500));
        Assert.Equal(["二十"], NumberForms.ToChinese(20));
        Assert.Empty(NumberForms.ToChinese(-1));
        Assert.Empty(NumberForms.ToChinese(NumberForms.Max + 1));
    }

    [Theory]
    [InlineData("三百五十七", 357)]
    [InlineData("十五", 15)]
    [InlineData("一百零五", 105)]
    [InlineData("两千", 2000)]
    [InlineData("一万二千", 12_000)]
    [InlineData("三十五万", 350_000)]
    [InlineData("二〇二六", 2026)]
    [InlineData("三五百", null)]
    [InlineData("克", null)]
    public void ParseWhole_ReadsWellFormedNumerals(string numeral, int? expected) =>
        Assert.Equal(expected, NumberForms.ParseWhole(numeral) is { } v ? (int)v : null);

    [Fact]
    public void ParseWhole_RoundTripsEveryNumberToTenThousand()
    {
        for (var n = 0; n <= 10_000; n++)
        {
            foreach (var form in NumberForms.ToChinese(n))
            {
                Assert.Equal(n, NumberForms.ParseWhole(form));
            }
        }
    }

    [Fact]
    public void ChineseNumbersIn_FindsQuantitiesDecimalsAndPercentagesButNotWordParts()
    {
        var found = NumberForms.ChineseNumbersIn("烘房温度设为三十八摄氏度，偏高一点五度，湿度超过百分之六十五时排湿；一些茶饼两人搬");

        Assert.Equal(["38", "1.5", "65"], found);
    }

    [Fact]
    public void ArabicNumbersIn_FindsWholeNumbersWithThousandsSeparators()
    {
        Assert.Equal(["38", "1500", "12000", "1.5"], NumberForms.ArabicNumbersIn("dried at 38 °C, 1500 g, or 12,000 cakes of 1.5 kg"));
        Assert.Empty(NumberForms.ArabicNumbersIn("no numbers"));
    }

    [Fact]
    public void ToChinese_OfAnArabicNumber_ReadsDecimalsDigitByDigit()
    {
        Assert.Equal(["一点五"], NumberForms.ToChinese("1.5"));
        Assert.Equal(["三十八"], NumberForms.ToChinese("38"));
        Assert.Equal(["二百", "两百"], NumberForms.ToChinese("200"));
        Assert.Empty(NumberForms.ToChinese("1.2.3"));
    }
}
