using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Training;

/// <summary>How many items of each kind a masking pass replaced.</summary>
public readonly record struct MaskCounts(int Names, int Emails, int Phones)
{
    public static MaskCounts operator +(MaskCounts a, MaskCounts b) => new(a.Names + b.Names, a.Emails + b.Emails, a.Phones + b.Phones);
}

/// <summary>
/// Removes players' personal data from dataset text with rules, not a model (docs/training-datasets.md): e-mail addresses,
/// phone numbers (mainland mobiles, landlines with an area code, international numbers), the chatting player's known names
/// and names they introduce themselves with. What it cannot see — a name nobody introduced, an address, an id number — stays.
/// </summary>
public static partial class PersonalDataMasker
{
    public const string NameMask = "[姓名]";
    public const string EmailMask = "[邮箱]";
    public const string PhoneMask = "[电话]";

    /// <summary>Shortest known name masked: a one-character name would wipe ordinary words.</summary>
    public const int MinKnownNameChars = 2;

    /// <summary>Shortest Latin known name (user names, e-mail local parts) masked, always as a whole word.</summary>
    public const int MinLatinNameChars = 3;

    // Words that follow 我是 / I'm without being a name: masking them would hide meaning and count false names.
    private static readonly HashSet<string> NotNamesHan =
    [
        "学生", "老师", "医生", "新手", "小白", "用户", "玩家", "粉丝", "作者", "游客", "家长", "妈妈", "爸爸", "程序员",
        "工程师", "设计师", "男生", "女生", "大学生", "研究生", "初学者", "外行", "内行", "认真的", "说真的", "来问", "来学",
    ];

    private static readonly HashSet<string> NotNamesLatin = new(StringComparer.OrdinalIgnoreCase)
    {
        "Chinese", "English", "American", "British", "Not", "Just", "So", "Sorry", "Here", "Happy", "Glad", "Back", "Fine",
        "Good", "New", "Interested", "Curious", "Trying", "Looking", "Working", "Still", "Also", "Really", "Very", "The", "A", "An",
    };

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    // International: + then 8–15 digits in groups (checked in code); mainland mobile: 1[3-9] and 9 more digits, optional
    // +86/86 prefix, spaces or dashes between groups; landline: 0 + 2–3 digit area code, a dash or space, 7–8 digits.
    // No digit or Latin letter may touch either end, so parts of longer numbers (order ids, dates) are left alone.
    [GeneratedRegex(@"(?<![0-9A-Za-z+])(?:\+\d{1,3}[ \-]?(?:\(\d{1,4}\)[ \-]?)?\d(?:[ \-]?\d){4,13}|(?:86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}|\(?0\d{2,3}\)?[ \-]\d{3,4}[ \-]?\d{4})(?![0-9A-Za-z])")]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?:我叫|我的名字是|我的名字叫|本人名叫)\s*(\p{IsCJKUnifiedIdeographs}{2,4})")]
    private static partial Regex HanIntroduction();

    [GeneratedRegex(@"我是\s*(\p{IsCJKUnifiedIdeographs}{2,4})(?=[\p{P}\s]|$)")]
    private static partial Regex HanIAm();

    [GeneratedRegex(@"\b(?i:my\s+name\s+is|i\s+am|i'm|i’m|call\s+me)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b")]
    private static partial Regex LatinIntroduction();

    /// <summary>Names the text introduces ("我叫张伟", "我是李娜。", "my name is Anna Lee"), so they can be masked wherever else they appear.</summary>
    public static IReadOnlyList<string> IntroducedNames(string text)
    {
        var names = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return names;
        }

        foreach (Match m in HanIntroduction().Matches(text))
        {
            AddName(names, m.Groups[1].Value, NotNamesHan);
        }

        foreach (Match m in HanIAm().Matches(text))
        {
            AddName(names, m.Groups[1].Value, NotNamesHan);
        }

        foreach (Match m in LatinIntroduction().Matches(text))
        {
            var name = m.Groups[1].Value;
            if (!NotNamesLatin.Contains(name.Split(' ')[0]))
            {
                AddName(names, name, NotNamesLatin);
            }
        }

        return names;
    }

    private static void AddName(List<string> names, string name, HashSet<string> stop)
    {
        if (!stop.Contains(name) && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(name);
        }
    }

    /// <summary>
    /// The player's names that are worth masking: user name, display name and e-mail local part (and their parts split at
    /// dots, dashes, underscores and spaces), skipping ones too short or all digits to be a name.
    /// </summary>
    public static IReadOnlyList<string> KnownNames(params string?[] raw)
    {
        var names = new List<string>();
        foreach (var value in raw)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var v = value.Trim();
            var at = v.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                v = v[..at];
            }

            foreach (var candidate in new[] { v }.Concat(v.Split(['.', '-', '_', ' '], StringSplitOptions.RemoveEmptyEntries)))
            {
                if (IsMaskableName(candidate) && !names.Contains(candidate, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(candidate);
                }
            }
        }

        // Longest first, so "Anna Lee" is masked whole before "Anna".
        return names.OrderByDescending(n => n.Length).ToList();
    }

    private static bool IsMaskableName(string s)
    {
        if (s.Length < MinKnownNameChars || s.All(char.IsAsciiDigit) || s.All(c => !char.IsLetter(c)))
        {
            return false;
        }

        var latin = s.All(c => c < 0x3000);
        return !latin || (s.Length >= MinLatinNameChars && !NotNamesLatin.Contains(s) && !CommonWords.Contains(s));
    }

    // User names like "user" or "admin" are also words; masking them would blank ordinary text.
    private static readonly HashSet<string> CommonWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "user", "admin", "test", "player", "owner", "star", "info", "mail", "email", "contact", "hello", "service", "support",
        "example", "demo", "guest", "the", "and", "you",
    };

    /// <summary>Masks e-mails, then phone numbers, then introduced and <paramref name="knownNames"/> names.</summary>
    /// <param name="detectIntroductions">Whether "我叫X" in this text names someone to mask: true for what a player wrote; false
    /// for a star's answer, where "我是墨痕。" is the star introducing itself.</param>
    public static (string Text, MaskCounts Counts) Mask(string text, IReadOnlyList<string> knownNames, bool detectIntroductions = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (text ?? "", default);
        }

        var emails = 0;
        var phones = 0;
        var names = 0;
        if (text.Contains('@', StringComparison.Ordinal))
        {
            text = Email().Replace(text, _ =>
            {
                emails++;
                return EmailMask;
            });
        }

        if (HasDigitRun(text, 7))
        {
            text = Phone().Replace(text, m =>
            {
                var digits = m.Value.Count(char.IsAsciiDigit);
                if (m.Value.StartsWith('+') && digits is < 8 or > 15)
                {
                    return m.Value;
                }

                phones++;
                return PhoneMask;
            });
        }

        var all = knownNames;
        var introduced = detectIntroductions ? IntroducedNames(text) : [];
        if (introduced.Count > 0)
        {
            all = [.. introduced.Concat(knownNames).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length)];
        }

        foreach (var name in all)
        {
            (text, var n) = ReplaceName(text, name);
            names += n;
        }

        return (text, new MaskCounts(names, emails, phones));
    }

    // A cheap pre-check: most chat text has no run of 7 digits (ignoring separators) and skips the phone regex.
    private static bool HasDigitRun(string text, int min)
    {
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (++run >= min)
                {
                    return true;
                }
            }
            else if (c is not (' ' or '-' or '(' or ')' or '+'))
            {
                run = 0;
            }
        }

        return false;
    }

    private static (string Text, int Count) ReplaceName(string text, string name)
    {
        var latin = name.All(c => c < 0x3000);
        var comparison = latin ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var i = text.IndexOf(name, comparison);
        if (i < 0)
        {
            return (text, 0);
        }

        var sb = new StringBuilder(text.Length);
        var from = 0;
        var count = 0;
        while (i >= 0)
        {
            var end = i + name.Length;
            // Latin names only as whole words: "Ann" is not masked inside "Annual".
            var whole = !latin || ((i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1])) && (end == text.Length || !char.IsAsciiLetterOrDigit(text[end])));
            if (whole)
            {
                sb.Append(text, from, i - from).Append(NameMask);
                from = end;
                count++;
            }

            i = text.IndexOf(name, whole ? end : i + 1, comparison);
        }

        sb.Append(text, from, text.Length - from);
        return (sb.ToString(), count);
    }
}
