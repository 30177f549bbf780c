using System.Globalization;
using System.Text;

namespace StarStudio.Core.Arena.Entries;

/// <summary>
/// Makes a short string for a simple regular expression: literals, escapes (<c>\d \w \s</c>, escaped punctuation),
/// classes (<c>[A-Z0-9_]</c>, not negated), <c>.</c>, groups with alternation (the first branch), quantifiers
/// (<c>? * + {n} {n,m}</c>, the fewest repetitions, at least one for <c>+</c>), anchors. Anything else (negated classes,
/// lookarounds, backreferences, Unicode categories) gives null: the caller then has no string rather than a wrong one,
/// and every result is checked against the real pattern anyway.
/// </summary>
public static class PatternStrings
{
    /// <summary>A string for <paramref name="pattern"/>, or null when the pattern is beyond this generator.</summary>
    /// <param name="variant">Varies the characters picked (distinct strings for distinct variants where the pattern allows).</param>
    public static string? Make(string pattern, int variant = 0)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            var parser = new Parser(pattern, variant);
            var result = parser.Alternation();
            return parser.AtEnd ? result : null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private sealed class Parser(string p, int variant)
    {
        private int i;

        public bool AtEnd => i >= p.Length;

        public string Alternation()
        {
            var first = Sequence();
            while (i < p.Length && p[i] == '|')
            {
                i++;
                _ = Sequence(); // parsed to move on; the first branch is used
            }

            return first;
        }

        private string Sequence()
        {
            var sb = new StringBuilder();
            while (i < p.Length && p[i] != '|' && p[i] != ')')
            {
                var atom = Atom();
                if (atom is null)
                {
                    continue; // an anchor
                }

                var (min, _) = Quantifier();
                for (var k = 0; k < min; k++)
                {
                    sb.Append(atom(k));
                }
            }

            return sb.ToString();
        }

        /// <summary>The atom as a function of the repetition index (classes vary by it), or null for an anchor.</summary>
        private Func<int, string>? Atom()
        {
            var c = p[i++];
            switch (c)
            {
                case '^' or '$':
                    return null;
                case '.':
                    return k => ((char)('a' + ((variant + k) % 26))).ToString();
                case '(':
                    if (i < p.Length && p[i] == '?')
                    {
                        if (i + 1 < p.Length && p[i + 1] == ':')
                        {
                            i += 2;
                        }
                        else
                        {
                            throw new NotSupportedException();
                        }
                    }

                    var inner = Alternation();
                    if (i >= p.Length || p[i] != ')')
                    {
                        throw new NotSupportedException();
                    }

                    i++;
                    return _ => inner;
                case '[':
                    return Class();
                case '\\':
                    return Escape(inClass: false) is { } e ? e : throw new NotSupportedException();
                case '*' or '+' or '?' or '{' or ')' or ']':
                    throw new NotSupportedException();
                default:
                    return _ => c.ToString();
            }
        }

        private Func<int, string>? Escape(bool inClass)
        {
            if (i >= p.Length)
            {
                throw new NotSupportedException();
            }

            var c = p[i++];
            return c switch
            {
                'd' => k => ((variant + k) % 10).ToString(CultureInfo.InvariantCulture),
                'w' => k => ((char)('a' + ((variant + k) % 26))).ToString(),
                's' => _ => " ",
                'n' => _ => "\n",
                't' => _ => "\t",
                _ when !char.IsLetterOrDigit(c) => _ => c.ToString(),
                _ => null,
            };
        }

        private Func<int, string> Class()
        {
            if (i < p.Length && p[i] == '^')
            {
                throw new NotSupportedException();
            }

            var options = new List<Func<int, string>>();
            var first = true;
            while (i < p.Length && (p[i] != ']' || first))
            {
                first = false;
                if (p[i] == '\\')
                {
                    i++;
                    options.Add(Escape(inClass: true) ?? throw new NotSupportedException());
                    continue;
                }

                var from = p[i++];
                if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']')
                {
                    var to = p[i + 1];
                    i += 2;
                    if (to < from)
                    {
                        throw new NotSupportedException();
                    }

                    options.Add(k => ((char)(from + ((variant + k) % (to - from + 1)))).ToString());
                }
                else
                {
                    options.Add(_ => from.ToString());
                }
            }

            if (i >= p.Length || options.Count == 0)
            {
                throw new NotSupportedException();
            }

            i++; // ]
            return k => options[0](k);
        }

        private (int Min, int? Max) Quantifier()
        {
            if (i >= p.Length)
            {
                return (1, 1);
            }

            (int, int?) result;
            switch (p[i])
            {
                case '?':
                    i++;
                    result = (0, 1);
                    break;
                case '*':
                    i++;
                    result = (0, null);
                    break;
                case '+':
                    i++;
                    result = (1, null);
                    break;
                case '{':
                    var close = p.IndexOf('}', i);
                    if (close < 0)
                    {
                        throw new NotSupportedException();
                    }

                    var body = p[(i + 1)..close].Split(',');
                    if (!int.TryParse(body[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min) || min > 1000)
                    {
                        throw new NotSupportedException();
                    }

                    i = close + 1;
                    result = (min, null);
                    break;
                default:
                    return (1, 1);
            }

            if (i < p.Length && p[i] is '?' or '+')
            {
                i++; // lazy or possessive: the same strings
            }

            return result;
        }
    }
}
