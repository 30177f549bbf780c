using System.Text;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Market.Calls;

/// <summary>
/// The function name a skill is offered to the model under: <c>^[a-zA-Z0-9_-]{1,64}$</c> (what OpenAI-compatible APIs
/// accept), stable for a skill (from its name, else from its id), unique within one request.
/// </summary>
public static partial class SkillToolNames
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    public static partial Regex Valid();

    /// <summary>
    /// <c>skill_</c> + the name's ASCII letters and digits in lower case joined by <c>_</c>; a name with none (a Chinese
    /// name) gives <c>skill_</c> + the first 8 hex digits of the skill id. Not unique by itself: see <see cref="Assign"/>.
    /// </summary>
    public static string Base(string? name, Guid skillId)
    {
        var sb = new StringBuilder("skill_");
        var gap = false;
        foreach (var c in (name ?? "").ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (gap && sb.Length > 6)
                {
                    sb.Append('_');
                }

                sb.Append(c);
                gap = false;
            }
            else
            {
                gap = true;
            }
        }

        if (sb.Length == 6)
        {
            sb.Append(skillId.ToString("N")[..8]);
        }

        // Room for a suffix "_" + 8 hex digits and a counter "_99" within 64.
        return sb.Length <= MaxLength - 12 ? sb.ToString() : sb.ToString(0, MaxLength - 12);
    }

    /// <summary>
    /// Names for <paramref name="skills"/> (in order), none equal to another or to <paramref name="taken"/>: a clash gets
    /// <c>_</c> + 8 hex digits of the skill id (stable), and a clash of those a counter.
    /// </summary>
    public static IReadOnlyList<string> Assign(IReadOnlyList<(string Name, Guid SkillId)> skills, IEnumerable<string> taken)
    {
        ArgumentNullException.ThrowIfNull(skills);
        var used = new HashSet<string>(taken ?? [], StringComparer.Ordinal);
        var bases = skills.Select(s => Base(s.Name, s.SkillId)).ToList();
        var counts = bases.GroupBy(b => b, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>(skills.Count);
        for (var i = 0; i < skills.Count; i++)
        {
            var name = bases[i];
            if (counts[name] > 1 || used.Contains(name))
            {
                name = name + "_" + skills[i].SkillId.ToString("N")[..8];
            }

            var candidate = name;
            for (var n = 2; !used.Add(candidate); n++)
            {
                candidate = name + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result.Add(candidate);
        }

        return result;
    }
}
