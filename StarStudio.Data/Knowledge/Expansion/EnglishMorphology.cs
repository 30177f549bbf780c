namespace StarStudio.Data.Knowledge.Expansion;

/// <summary>
/// English word forms from WordNet, because the full-text index does not stem ("galaxies" does not match "galaxy"):
/// <see cref="BasesOf"/> is WordNet's morphy (exception lists, then its suffix rules, kept only when the result is a
/// lemma of that part of speech) and <see cref="FormsOf"/> runs it the other way (plural, third person, -ing, -ed, with the
/// irregular forms of the exception lists taking the place of the rule's).
/// </summary>
internal sealed class EnglishMorphology(ExpansionDictionaries dictionaries)
{
    // WordNet's morphy detachment rules (suffix, replacement) by part of speech.
    private static readonly (string Suffix, string Ending)[] NounRules =
        [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")];

    private static readonly (string Suffix, string Ending)[] VerbRules =
        [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")];

    private static readonly (string Suffix, string Ending)[] AdjectiveRules =
        [("er", ""), ("est", ""), ("er", "e"), ("est", "e")];

    /// <summary>The lemmas <paramref name="word"/> may be a form of, itself first when it is one; empty for unknown words.</summary>
    public IReadOnlyList<string> BasesOf(string word)
    {
        var bases = new List<string>(2);
        if (dictionaries.WordNet.ContainsKey(word))
        {
            bases.Add(word);
        }

        if (dictionaries.IrregularToBase.TryGetValue(word, out var irregular))
        {
            foreach (var (_, b) in irregular)
            {
                AddOnce(bases, b);
            }
        }

        TryRules(word, 'n', NounRules, bases);
        TryRules(word, 'v', VerbRules, bases);
        TryRules(word, 'a', AdjectiveRules, bases);

        // A doubled consonant before -ed/-ing ("stopped", "running") that the exception lists do not name.
        foreach (var suffix in (ReadOnlySpan<string>)["ed", "ing"])
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = word[..^suffix.Length];
                if (stem[^1] == stem[^2] && IsLemma(stem[..^1], 'v'))
                {
                    AddOnce(bases, stem[..^1]);
                }
            }
        }

        return bases;
    }

    /// <summary>
    /// Other forms of the lemma <paramref name="lemma"/>, most useful first: noun plural, verb third person, -ing, -ed
    /// (irregular ones from the exception lists instead of the rule's when there are any of that shape).
    /// </summary>
    public IReadOnlyList<string> FormsOf(string lemma)
    {
        var forms = new List<string>(4);
        if (!dictionaries.WordNet.TryGetValue(lemma, out var entry) || lemma.Contains(' ', StringComparison.Ordinal))
        {
            return forms;
        }

        dictionaries.BaseToIrregular.TryGetValue(lemma, out var irregular);
        irregular ??= [];
        var isNoun = entry.PartsOfSpeech.Contains('n', StringComparison.Ordinal);
        var isVerb = entry.PartsOfSpeech.Contains('v', StringComparison.Ordinal);

        if (isNoun)
        {
            var plurals = irregular.Where(i => i.Pos == 'n').Select(i => i.Form).ToList();
            forms.AddRange(plurals.Count > 0 ? plurals : [Plural(lemma)]);
        }

        if (isVerb)
        {
            var verbForms = irregular.Where(i => i.Pos == 'v').Select(i => i.Form).ToList();
            AddOnce(forms, Plural(lemma));
            var ing = verbForms.Where(f => f.EndsWith("ing", StringComparison.Ordinal)).ToList();
            foreach (var f in ing.Count > 0 ? ing : [Ing(lemma)])
            {
                AddOnce(forms, f);
            }

            var past = verbForms.Where(f => !f.EndsWith("ing", StringComparison.Ordinal) && !f.EndsWith('s')).ToList();
            foreach (var f in past.Count > 0 ? past : [Past(lemma)])
            {
                AddOnce(forms, f);
            }
        }

        forms.Remove(lemma);
        return forms;
    }

    private bool IsLemma(string word, char pos) =>
        dictionaries.WordNet.TryGetValue(word, out var e) && e.PartsOfSpeech.Contains(pos, StringComparison.Ordinal);

    private void TryRules(string word, char pos, (string Suffix, string Ending)[] rules, List<string> bases)
    {
        foreach (var (suffix, ending) in rules)
        {
            if (word.Length > suffix.Length + 1 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var candidate = string.Concat(word.AsSpan(0, word.Length - suffix.Length), ending);
                if (IsLemma(candidate, pos))
                {
                    AddOnce(bases, candidate);
                }
            }
        }
    }

    private static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    /// <summary>Noun plural / verb third person singular by the regular spelling rules.</summary>
    internal static string Plural(string w)
    {
        if (w.EndsWith('s') || w.EndsWith('x') || w.EndsWith('z') || w.EndsWith("ch", StringComparison.Ordinal) || w.EndsWith("sh", StringComparison.Ordinal))
        {
            return w + "es";
        }

        return w.Length > 1 && w[^1] == 'y' && !IsVowel(w[^2]) ? w[..^1] + "ies" : w + "s";
    }

    internal static string Ing(string w)
    {
        if (w.EndsWith("ie", StringComparison.Ordinal))
        {
            return w[..^2] + "ying";
        }

        if (w.Length > 2 && w[^1] == 'e' && w[^2] is not ('e' or 'y' or 'o'))
        {
            return w[..^1] + "ing";
        }

        return (DoublesFinal(w) ? w + w[^1] : w) + "ing";
    }

    internal static string Past(string w)
    {
        if (w.EndsWith('e'))
        {
            return w + "d";
        }

        if (w.Length > 1 && w[^1] == 'y' && !IsVowel(w[^2]))
        {
            return w[..^1] + "ied";
        }

        return (DoublesFinal(w) ? w + w[^1] : w) + "ed";
    }

    // One syllable ending consonant-vowel-consonant ("stop", "plan"): the consonant doubles. Longer words are left alone
    // (WordNet's verb exceptions list the doubled forms of those that double: "referred", "abetted").
    private static bool DoublesFinal(string w)
    {
        if (w.Length < 3 || w.Length > 4)
        {
            return false;
        }

        var last = w[^1];
        var vowels = w.Count(IsVowel);
        return vowels == 1 && !IsVowel(last) && last is not ('w' or 'x' or 'y') && IsVowel(w[^2]) && !IsVowel(w[^3]);
    }
}
