using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Knowledge.Retrieval;

/// <summary>
/// The other written form of a number: Chinese text writes 三百五十七克 where English (and many Chinese questions) write
/// 357. A question's numbers in one form are searched in the other too, so "38 degrees" finds 三十八摄氏度 and 百分之六十五
/// finds 65%. Whole numbers below one hundred million; Chinese decimals (一点五) and percentages (百分之…) are read too.
/// </summary>
public static partial class NumberForms
{
    /// <summary>The largest number converted (below 10⁸: 万 and 亿 forms beyond it are rare in questions).</summary>
    public const long Max = 99_999_999;

    private static readonly string[] Digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

    /// <summary>
    /// The Chinese forms of <paramref name="n"/>: the standard reading (三百五十七, 十五, 一百零五, 一千五百) and, where a leading
    /// two counts hundreds or more, the colloquial 两 form as well (两百 beside 二百). Empty outside 0–<see cref="Max"/>.
    /// </summary>
    public static IReadOnlyList<string> ToChinese(long n)
    {
        if (n is < 0 or > Max)
        {
            return [];
        }

        var standard = Standard(n);
        var forms = new List<string> { standard };
        if (n >= 200 && standard.StartsWith('二'))
        {
            forms.Add("两" + standard[1..]);
        }

        return forms;
    }

    private static string Standard(long n)
    {
        if (n == 0)
        {
            return Digits[0];
        }

        if (n >= 10_000)
        {
            var high = n / 10_000;
            var low = n % 10_000;
            var s = Standard(high) + "万";
            return low == 0 ? s : s + (low < 1000 ? "零" : "") + Standard(low);
        }

        var sb = new StringBuilder();
        (long Unit, string Name)[] places = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
        var pendingZero = false;
        foreach (var (unit, name) in places)
        {
            var d = n / unit % 10;
            if (d == 0)
            {
                pendingZero = sb.Length > 0;
                continue;
            }

            if (pendingZero)
            {
                sb.Append(Digits[0]);
                pendingZero = false;
            }

            // 十五, not 一十五, when ten leads the number.
            if (!(unit == 10 && d == 1 && sb.Length == 0))
            {
                sb.Append(Digits[d]);
            }

            sb.Append(name);
        }

        return sb.ToString();
    }

    /// <summary>The numbers written in Chinese numerals in <paramref name="text"/> (三十八, 一点五, 百分之六十五 → 38, 1.5, 65), in order.</summary>
    public static IReadOnlyList<string> ChineseNumbersIn(string? text)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        foreach (Match m in ChineseNumeral().Matches(text))
        {
            var whole = m.Groups["whole"].Value;
            // A lone 一/二/两 is usually a word part (一些, 二者, 两人), not a quantity worth searching.
            if (whole.Length == 1 && m.Groups["frac"].Length == 0 && "一二两".Contains(whole[0]))
            {
                continue;
            }

            if (ParseWhole(whole) is not { } value)
            {
                continue;
            }

            var s = value.ToString(CultureInfo.InvariantCulture);
            if (m.Groups["frac"].Success && m.Groups["frac"].Length > 0)
            {
                var frac = new StringBuilder();
                foreach (var c in m.Groups["frac"].Value)
                {
                    frac.Append(DigitOf(c));
                }

                s += "." + frac;
            }

            found.Add(s);
        }

        return found;
    }

    /// <summary>
    /// The numbers written in Arabic digits in <paramref name="text"/> (whole part at most <see cref="Max"/>), without
    /// thousands separators, in order: "12,000 cakes at 1.5 kg" → 12000, 1.5.
    /// </summary>
    public static IReadOnlyList<string> ArabicNumbersIn(string? text)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        foreach (Match m in ArabicNumeral().Matches(text))
        {
            var number = m.Value.Replace(",", "", StringComparison.Ordinal);
            var whole = number.Split('.')[0];
            if (long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= Max)
            {
                found.Add(number);
            }
        }

        return found;
    }

    /// <summary>The Chinese forms of an Arabic number as <see cref="ArabicNumbersIn"/> gives it ("1.5" → 一点五; "200" → 二百, 两百).</summary>
    public static IReadOnlyList<string> ToChinese(string number)
    {
        var parts = number.Split('.');
        if (parts.Length > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            return [];
        }

        var forms = ToChinese(whole);
        if (parts.Length == 1 || parts[1].Length == 0 || !parts[1].All(char.IsAsciiDigit))
        {
            return forms;
        }

        var fraction = string.Concat(parts[1].Select(c => Digits[c - '0']));
        return [.. forms.Take(1).Select(f => f + "点" + fraction)];
    }

    /// <summary>The value of a whole Chinese numeral (三百五十七, 十五, 一万二千, 两千), or null when it is not well formed.</summary>
    public static long? ParseWhole(string numeral)
    {
        if (string.IsNullOrEmpty(numeral))
        {
            return null;
        }

        // Digit by digit, as years are written (二〇二六).
        if (numeral.Length > 1 && numeral.All(c => DigitOf(c) >= 0))
        {
            long positional = 0;
            foreach (var c in numeral)
            {
                positional = positional * 10 + DigitOf(c);
            }

            return positional <= Max ? positional : null;
        }

        long total = 0, section = 0, digit = -1;
        foreach (var c in numeral)
        {
            var d = DigitOf(c);
            if (d >= 0)
            {
                if (digit > 0)
                {
                    return null; // two digits in a row between units: 三五百 is not a number
                }

                digit = d;
                continue;
            }

            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, '万' => 10_000, _ => 0 };
            if (unit == 0)
            {
                return null;
            }

            if (unit == 10_000)
            {
                section += Math.Max(digit, 0);
                total += (section == 0 ? 1 : section) * 10_000;
                section = 0;
            }
            else
            {
                section += (digit < 0 ? 1 : digit) * unit;
            }

            digit = -1;
        }

        if (digit > 0)
        {
            section += digit;
        }

        var value = total + section;
        return value <= Max ? value : null;
    }

    private static int DigitOf(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' => 1,
        '二' or '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => -1,
    };

    [GeneratedRegex("(?:百分之)?(?<whole>[零〇一二两三四五六七八九十百千万]+)(?:点(?<frac>[零〇一二三四五六七八九]+))?")]
    private static partial Regex ChineseNumeral();

    [GeneratedRegex(@"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,])")]
    private static partial Regex ArabicNumeral();
}
