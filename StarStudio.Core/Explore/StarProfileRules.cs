namespace StarStudio.Core.Explore;

/// <summary>What a star's public profile derives from its persona.</summary>
public static class StarProfileRules
{
    /// <summary>Sample questions shown on a profile.</summary>
    public const int MaxSampleQuestions = 3;

    /// <summary>Longest sample question shown (longer ones are cut with an ellipsis).</summary>
    public const int MaxQuestionLength = 120;

    /// <summary>
    /// The user's lines of the example dialogues (<c>{{user}}: …</c> in <c>&lt;START&gt;</c> blocks, a card's
    /// <c>mes_example</c>): what a player might ask first. Distinct, in order, at most <see cref="MaxSampleQuestions"/>.
    /// </summary>
    public static IReadOnlyList<string> SampleQuestions(string? exampleDialogues)
    {
        var questions = new List<string>();
        if (string.IsNullOrWhiteSpace(exampleDialogues))
        {
            return questions;
        }

        foreach (var raw in exampleDialogues.Split('\n'))
        {
            var line = raw.Trim();
            const string prefix = "{{user}}";
            if (!line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = line[prefix.Length..].TrimStart();
            if (rest.Length == 0 || (rest[0] != ':' && rest[0] != '：'))
            {
                continue;
            }

            var question = rest[1..].Trim();
            if (question.Length == 0 || questions.Contains(question, StringComparer.Ordinal))
            {
                continue;
            }

            questions.Add(question.Length > MaxQuestionLength ? question[..(MaxQuestionLength - 1)] + "…" : question);
            if (questions.Count == MaxSampleQuestions)
            {
                break;
            }
        }

        return questions;
    }
}
