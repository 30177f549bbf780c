using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StarStudio.Core.Arena.Entries;

/// <summary>An instance written for a schema: the JSON text, whether it passes the schema, and why not when it does not.</summary>
public sealed record SchemaInstance(string Json, bool Valid, IReadOnlyList<string> Problems);

/// <summary>
/// Writes a JSON instance that satisfies an accepted answer schema wherever the schema allows, with its strings taken
/// from given texts (the offline engine's retrieved passages) and a note saying who wrote it in a note-like or the first
/// free string field. Pure: no I/O. Generate-and-test: every schema node proposes a few candidates (const/enum values,
/// typed values within bounds, the branches of anyOf/oneOf/allOf/$ref/if, merged objects) and keeps the first that its
/// own subschema accepts (checked with <see cref="AnswerSchemas"/>); the whole instance is validated at the end.
/// </summary>
public static partial class SchemaInstanceWriter
{
    /// <summary>Candidates tried per schema node before the first one is kept unchecked.</summary>
    public const int MaxCandidatesPerNode = 24;

    /// <summary>Subschema validations per instance; beyond it candidates are taken unchecked (bounded time on big schemas).</summary>
    public const int MaxValidations = 4000;

    /// <summary>How deep <c>$ref</c> chains and nesting are followed (recursive schemas stop here).</summary>
    public const int MaxDepth = 12;

    /// <summary>Writes an instance of <paramref name="schema"/>.</summary>
    /// <param name="texts">Where strings come from (split into sentences, used in order).</param>
    /// <param name="note">Says who wrote the answer; placed in a note-like string field, else before the first free string.</param>
    public static SchemaInstance Write(AcceptedSchema schema, IReadOnlyList<string> texts, string note)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(texts);
        note ??= "";
        using var doc = JsonDocument.Parse(schema.Text);
        var writer = new Writer(schema, doc.RootElement, Sentences(texts, note), note);
        return writer.Run();
    }

    /// <summary>The sentences of <paramref name="texts"/>, in order; the note alone when they have none.</summary>
    public static List<string> Sentences(IEnumerable<string> texts, string fallback)
    {
        var result = new List<string>();
        foreach (var text in texts)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c is '\r' or '\n')
                {
                    Flush(sb, result);
                    continue;
                }

                sb.Append(c);
                if (c is '。' or '！' or '？' or '；' || (c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]))))
                {
                    Flush(sb, result);
                }
            }

            Flush(sb, result);
        }

        if (result.Count == 0 && fallback.Trim().Length > 0)
        {
            result.Add(fallback.Trim());
        }

        if (result.Count == 0)
        {
            result.Add("-");
        }

        return result;

        static void Flush(StringBuilder sb, List<string> into)
        {
            var s = sb.ToString().Trim();
            if (s.Length > 0 && !into.Contains(s))
            {
                into.Add(s);
            }

            sb.Clear();
        }
    }

    /// <summary>The first <paramref name="max"/> code points of <paramref name="s"/> (never splits a surrogate pair).</summary>
    public static string TakeCodePoints(string s, int max)
    {
        if (max <= 0)
        {
            return "";
        }

        var n = 0;
        var end = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (n == max)
            {
                break;
            }

            n++;
            end += rune.Utf16SequenceLength;
        }

        return s[..end];
    }

    /// <summary>A field name that asks for a note: where the offline engine says what it is.</summary>
    [GeneratedRegex("^(note|notes|summary|remark|remarks|comment|comments|disclaimer|explanation|说明|备注|摘要|注释)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoteName();

    private sealed record Slot(int? MinLength, int? MaxLength);

    /// <summary>A candidate value; <see cref="Node"/> null is JSON null.</summary>
    private sealed record Candidate(JsonNode? Node);

    private sealed class Writer(AcceptedSchema accepted, JsonElement root, List<string> sentences, string note)
    {
        private readonly Dictionary<string, AcceptedSchema?> validators = new(StringComparer.Ordinal) { [""] = accepted };
        private readonly Dictionary<JsonNode, Slot> slots = new(ReferenceEqualityComparer.Instance);
        private readonly List<string> problems = [];
        private readonly List<string> unmadePatterns = [];
        private int validations;
        private string? rewrittenRoot;

        public SchemaInstance Run()
        {
            var value = Generate(root, "", 0, 0);
            var node = value?.Node;
            var json = Serialize(node);
            var valid = IsValid(accepted, json);
            if (valid)
            {
                json = PlaceNote(node, json);
            }
            else
            {
                // Best effort: the note still goes in when it does not make things worse.
                json = PlaceNote(node, json, requireValid: false);
                var result = AnswerSchemas.Validate(accepted, json);
                if (result.Succeeded)
                {
                    problems.AddRange(result.Value!.Take(10).Select(e => $"{(e.Pointer.Length == 0 ? "/" : e.Pointer)} {e.Keyword}: {e.Message}"));
                }

                problems.AddRange(unmadePatterns.Distinct().Select(p => $"no string matching the pattern {p} could be made"));
            }

            return new SchemaInstance(json, valid, problems);
        }

        private static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

        private static bool IsValid(AcceptedSchema schema, string json)
        {
            var result = AnswerSchemas.Validate(schema, json);
            return result.Succeeded && result.Value!.Count == 0;
        }

        /// <summary>Puts the note into a note-like field, else before the first free string; keeps the first placement the schema accepts.</summary>
        private string PlaceNote(JsonNode? node, string json, bool requireValid = true)
        {
            if (node is null || note.Length == 0)
            {
                return json;
            }

            var found = new List<(JsonNode Leaf, JsonNode Parent, string? Key, int Index, Slot Slot)>();
            Collect(node, found);
            var ordered = found.Where(f => f.Key is { } k && NoteName().IsMatch(k)).Concat(found.Where(f => f.Key is not { } k || !NoteName().IsMatch(k))).Take(6);
            foreach (var (leaf, parent, key, index, slot) in ordered)
            {
                var old = leaf.GetValue<string>();
                var named = key is { } k2 && NoteName().IsMatch(k2);
                var text = named ? note : note + " " + old;
                if (slot.MaxLength is { } max)
                {
                    text = TakeCodePoints(text, max);
                }

                if (slot.MinLength is { } min && AnswerSchemas.CodePoints(text) < min)
                {
                    text = Pad(text, min);
                }

                JsonNode replacement = JsonValue.Create(text);
                Replace(parent, key, index, replacement);
                var candidate = Serialize(node);
                if (!requireValid || IsValid(accepted, candidate))
                {
                    return candidate;
                }

                Replace(parent, key, index, JsonValue.Create(old));
            }

            return json;
        }

        private static void Replace(JsonNode parent, string? key, int index, JsonNode value)
        {
            if (parent is JsonObject o)
            {
                o[key!] = value;
            }
            else if (parent is JsonArray a)
            {
                a[index] = value;
            }
        }

        private void Collect(JsonNode node, List<(JsonNode, JsonNode, string?, int, Slot)> found)
        {
            if (node is JsonObject o)
            {
                foreach (var (key, child) in o.ToList())
                {
                    if (child is null)
                    {
                        continue;
                    }

                    if (slots.TryGetValue(child, out var slot))
                    {
                        found.Add((child, o, key, -1, slot));
                    }
                    else
                    {
                        Collect(child, found);
                    }
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is not { } child)
                    {
                        continue;
                    }

                    if (slots.TryGetValue(child, out var slot))
                    {
                        found.Add((child, a, null, i, slot));
                    }
                    else
                    {
                        Collect(child, found);
                    }
                }
            }
        }

        /// <summary>The first candidate its own subschema accepts; else the first candidate; null when there is none.</summary>
        private Candidate? Generate(JsonElement schema, string path, int variant, int depth)
        {
            if (depth > MaxDepth)
            {
                return null;
            }

            Candidate? first = null;
            var tried = 0;
            foreach (var c in Candidates(schema, path, variant, depth))
            {
                first ??= c;
                if (validations >= MaxValidations || ++tried > MaxCandidatesPerNode)
                {
                    break;
                }

                if (Check(path, c))
                {
                    return c;
                }
            }

            return first;
        }

        private bool Check(string path, Candidate c)
        {
            var validator = Validator(path);
            if (validator is null)
            {
                return true; // cannot check this node alone; the whole instance is checked at the end
            }

            validations++;
            return IsValid(validator, Serialize(c.Node?.DeepClone()));
        }

        /// <summary>
        /// A schema that validates against the subschema at <paramref name="path"/>: the root is embedded under
        /// <c>$defs/__root</c> with its <c>$ref</c>s rewritten to point into the copy, and the new root refers to the path.
        /// </summary>
        private AcceptedSchema? Validator(string path)
        {
            if (validators.TryGetValue(path, out var known))
            {
                return known;
            }

            rewrittenRoot ??= RewriteRoot();
            var fragment = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
            var text = $"{{\"$defs\":{{\"__root\":{rewrittenRoot}}},\"$ref\":\"#/$defs/__root{fragment}\"}}";
            var result = AnswerSchemas.Accept(text);
            var validator = result.Succeeded ? result.Value : null;
            validators[path] = validator;
            return validator;
        }

        private string RewriteRoot()
        {
            var copy = JsonNode.Parse(root.GetRawText());
            if (copy is JsonObject o)
            {
                o.Remove("$schema");
            }

            Rewrite(copy);
            return copy?.ToJsonString() ?? "true";

            static void Rewrite(JsonNode? node)
            {
                if (node is JsonObject obj)
                {
                    foreach (var (key, child) in obj.ToList())
                    {
                        if (key == "$ref" && child is JsonValue v && v.TryGetValue<string>(out var target) && target.StartsWith('#'))
                        {
                            obj[key] = "#/$defs/__root" + target[1..];
                        }
                        else if (key is not ("enum" or "const" or "default" or "examples"))
                        {
                            Rewrite(child);
                        }
                    }
                }
                else if (node is JsonArray arr)
                {
                    foreach (var child in arr)
                    {
                        Rewrite(child);
                    }
                }
            }
        }

        private IEnumerable<Candidate> Candidates(JsonElement schema, string path, int variant, int depth)
        {
            if (schema.ValueKind == JsonValueKind.False)
            {
                yield break;
            }

            if (schema.ValueKind != JsonValueKind.Object)
            {
                yield return FreeString(null, null, variant);
                yield break;
            }

            if (schema.TryGetProperty("const", out var constant))
            {
                yield return new Candidate(JsonNode.Parse(constant.GetRawText()));
                yield break;
            }

            if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                var items = values.EnumerateArray().ToList();
                for (var i = 0; i < items.Count; i++)
                {
                    yield return new Candidate(JsonNode.Parse(items[(i + variant) % items.Count].GetRawText()));
                }

                yield break;
            }

            // Other schemas whose constraints also apply here: allOf members and a $ref target.
            var parts = new List<(JsonElement Schema, string Path)>();
            if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } target && Resolve(target) is { } resolved)
            {
                parts.Add(resolved);
            }

            if (schema.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var member in all.EnumerateArray())
                {
                    parts.Add((member, $"{path}/allOf/{i++}"));
                }
            }

            var types = Types(schema);
            var own = types.SelectMany(t => Typed(schema, path, t, variant, depth)).ToList();
            var ownObject = own.FirstOrDefault(c => c.Node is JsonObject);

            // Merged objects: this node's object with every part's first object candidate.
            if (parts.Count > 0)
            {
                var merged = ownObject?.Node?.DeepClone() as JsonObject;
                foreach (var (partSchema, partPath) in parts)
                {
                    if (Generate(partSchema, partPath, variant, depth + 1) is { Node: JsonObject po })
                    {
                        merged = Merge(merged, po);
                    }
                }

                if (merged is not null)
                {
                    yield return new Candidate(merged);
                }
            }

            foreach (var c in own)
            {
                yield return c;
            }

            foreach (var keyword in new[] { "oneOf", "anyOf" })
            {
                if (schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var branch in branches.EnumerateArray())
                    {
                        var branchPath = $"{path}/{keyword}/{i++}";
                        if (Generate(branch, branchPath, variant, depth + 1) is { } b)
                        {
                            if (b.Node is JsonObject bo && ownObject?.Node is JsonObject oo)
                            {
                                yield return new Candidate(Merge(oo.DeepClone() as JsonObject, bo));
                            }

                            yield return b;
                        }
                    }
                }
            }

            foreach (var keyword in new[] { "then", "else" })
            {
                if (schema.TryGetProperty("if", out _) && schema.TryGetProperty(keyword, out var branch))
                {
                    if (Generate(branch, $"{path}/{keyword}", variant, depth + 1) is { } b)
                    {
                        if (b.Node is JsonObject bo && ownObject?.Node is JsonObject oo)
                        {
                            yield return new Candidate(Merge(oo.DeepClone() as JsonObject, bo));
                        }

                        yield return b;
                    }

                }
            }

            // A value that meets the condition (then applies, else does not), for an if without a then.
            if (schema.TryGetProperty("if", out var test) && Generate(test, $"{path}/if", variant, depth + 1) is { } satisfied)
            {
                yield return satisfied;
            }

            foreach (var (partSchema, partPath) in parts)
            {
                foreach (var c in Candidates(partSchema, partPath, variant, depth + 1).Take(6))
                {
                    yield return c;
                }
            }

            // Nothing typed: any value may do; try the kinds in the order an answer would use them.
            if (!schema.TryGetProperty("type", out _))
            {
                foreach (var t in new[] { "string", "object", "integer", "boolean", "null", "array" })
                {
                    foreach (var c in Typed(schema, path, t, variant, depth))
                    {
                        yield return c;
                    }
                }
            }
        }

        private (JsonElement, string)? Resolve(string reference)
        {
            if (!reference.StartsWith('#'))
            {
                return null;
            }

            var fragment = Uri.UnescapeDataString(reference[1..]);
            var current = root;
            if (fragment.Length == 0)
            {
                return (current, "");
            }

            foreach (var raw in fragment[1..].Split('/'))
            {
                var token = raw.Replace("~1", "/").Replace("~0", "~");
                if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
                {
                    current = next;
                }
                else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < current.GetArrayLength())
                {
                    current = current[i];
                }
                else
                {
                    return null;
                }
            }

            // Re-escape so the path is a pointer as the validators build it.
            return (current, string.Join('/', fragment.Split('/')));
        }

        private static JsonObject? Merge(JsonObject? into, JsonObject from)
        {
            into ??= [];
            foreach (var (key, value) in from)
            {
                if (!into.ContainsKey(key))
                {
                    into[key] = value?.DeepClone();
                }
            }

            return into;
        }

        private static readonly Dictionary<string, string[]> Kinds = new()
        {
            ["object"] = ["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties", "propertyNames", "dependentRequired", "dependentSchemas", "unevaluatedProperties"],
            ["array"] = ["items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems", "unevaluatedItems", "minContains", "maxContains"],
            ["string"] = ["minLength", "maxLength", "pattern", "format"],
            ["number"] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
        };

        private static List<string> Types(JsonElement schema)
        {
            if (schema.TryGetProperty("type", out var type))
            {
                var list = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString() ?? "").ToList() : [type.GetString() ?? ""];

                // Richer kinds first: an answer reads better as an object or a string than as null.
                string[] order = ["object", "array", "string", "integer", "number", "boolean", "null"];
                return order.Where(list.Contains).ToList();
            }

            return Kinds.Where(k => k.Value.Any(x => schema.TryGetProperty(x, out _))).Select(k => k.Key).ToList();
        }

        private IEnumerable<Candidate> Typed(JsonElement schema, string path, string type, int variant, int depth) => type switch
        {
            "object" => Objects(schema, path, variant, depth),
            "array" => Arrays(schema, path, variant, depth),
            "string" => Strings(schema, variant),
            "integer" => Numbers(schema, variant, integer: true),
            "number" => Numbers(schema, variant, integer: false),
            "boolean" => [new Candidate(JsonValue.Create(variant % 2 == 0)), new Candidate(JsonValue.Create(variant % 2 != 0))],
            "null" => [new Candidate(null)],
            _ => [],
        };

        private IEnumerable<Candidate> Objects(JsonElement schema, string path, int variant, int depth)
        {
            var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.EnumerateObject().Select(x => x.Name).ToList() : [];
            var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            var max = Int(schema, "maxProperties") ?? int.MaxValue;
            var min = Int(schema, "minProperties") ?? 0;

            // Rich first (every declared property, as a full answer would have), then only what is required.
            var rich = required.Concat(properties).Distinct().ToList();
            var keySets = new List<List<string>>();
            if (depth < 6)
            {
                keySets.Add(rich);
            }

            keySets.Add(required.Distinct().ToList());
            keySets.Add([]);
            foreach (var keys in keySets.DistinctBy(k => string.Join('\u0001', k)))
            {
                if (Build(schema, path, keys, required, min, max, variant, depth) is { } o)
                {
                    yield return new Candidate(o);
                }
            }
        }

        private JsonObject? Build(JsonElement schema, string path, List<string> keys, List<string> required, int min, int max, int variant, int depth)
        {
            var chosen = new List<string>(keys);
            if (schema.TryGetProperty("dependentRequired", out var dependent) && dependent.ValueKind == JsonValueKind.Object)
            {
                for (var i = 0; i < chosen.Count; i++)
                {
                    if (dependent.TryGetProperty(chosen[i], out var needs) && needs.ValueKind == JsonValueKind.Array)
                    {
                        chosen.AddRange(needs.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => !chosen.Contains(x)));
                    }
                }
            }

            // Extra names to reach minProperties, when the schema lets other names in.
            for (var extra = 1; chosen.Count < min && extra <= min + 2; extra++)
            {
                var name = ExtraName(schema, extra);
                if (name is not null && !chosen.Contains(name))
                {
                    chosen.Add(name);
                }
            }

            if (chosen.Count > max)
            {
                chosen = required.Concat(chosen).Distinct().Take(Math.Max(max, required.Count)).ToList();
            }

            var o = new JsonObject();
            foreach (var key in chosen)
            {
                var (sub, subPath) = PropertySchema(schema, path, key);
                var value = Generate(sub, subPath, variant, depth + 1);
                if (value is null)
                {
                    if (required.Contains(key))
                    {
                        return null;
                    }

                    continue;
                }

                o[key] = value.Node;
            }

            return o;
        }

        private string? ExtraName(JsonElement schema, int n)
        {
            if (schema.TryGetProperty("patternProperties", out var patterns) && patterns.ValueKind == JsonValueKind.Object)
            {
                foreach (var pattern in patterns.EnumerateObject())
                {
                    if (PatternStrings.Make(pattern.Name, n) is { } made)
                    {
                        return made;
                    }
                }
            }

            if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
            {
                return null;
            }

            return "extra_" + n.ToString(CultureInfo.InvariantCulture);
        }

        private (JsonElement, string) PropertySchema(JsonElement schema, string path, string key)
        {
            var escaped = key.Replace("~", "~0").Replace("/", "~1");
            if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(key, out var declared))
            {
                return (declared, $"{path}/properties/{escaped}");
            }

            if (schema.TryGetProperty("patternProperties", out var patterns) && patterns.ValueKind == JsonValueKind.Object)
            {
                foreach (var pattern in patterns.EnumerateObject())
                {
                    if (AnswerSchemas.IsLinearRegex(pattern.Name) && AnswerSchemas.CompileLinear(pattern.Name).IsMatch(key))
                    {
                        return (pattern.Value, $"{path}/patternProperties/{pattern.Name.Replace("~", "~0").Replace("/", "~1")}");
                    }
                }
            }

            if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                return (additional, $"{path}/additionalProperties");
            }

            return (TrueSchema, path + "/__any");
        }

        private static readonly JsonElement TrueSchema = JsonDocument.Parse("true").RootElement.Clone();

        private IEnumerable<Candidate> Arrays(JsonElement schema, string path, int variant, int depth)
        {
            var prefix = schema.TryGetProperty("prefixItems", out var pi) && pi.ValueKind == JsonValueKind.Array ? pi.EnumerateArray().ToList() : [];
            var hasItems = schema.TryGetProperty("items", out var items);
            var minItems = Int(schema, "minItems") ?? 0;
            var maxItems = Int(schema, "maxItems") ?? int.MaxValue;
            var hasContains = schema.TryGetProperty("contains", out var contains);
            var minContains = Int(schema, "minContains") ?? 1;
            var needContains = hasContains ? minContains : 0;
            var closed = hasItems && items.ValueKind == JsonValueKind.False;
            var richCount = Math.Min(maxItems, Math.Max(minItems, Math.Max(prefix.Count, depth < 6 && hasItems && !closed ? 2 : 0)));
            var counts = new[] { Math.Max(richCount, needContains), Math.Max(minItems, needContains), minItems, 0 }.Where(n => n <= maxItems && n >= minItems).Distinct();
            foreach (var count in counts)
            {
                foreach (var withContains in hasContains ? new[] { true, false } : [false])
                {
                    var array = new JsonArray();
                    var failed = false;
                    for (var i = 0; i < count && !failed && array.Count < 1000; i++)
                    {
                        Candidate? value;
                        if (withContains && i >= count - needContains)
                        {
                            value = Generate(contains, $"{path}/contains", variant + i, depth + 1);
                        }
                        else if (i < prefix.Count)
                        {
                            value = Generate(prefix[i], $"{path}/prefixItems/{i}", variant + i, depth + 1);
                        }
                        else if (hasItems)
                        {
                            value = Generate(items, $"{path}/items", variant + i, depth + 1);
                        }
                        else
                        {
                            value = FreeString(null, null, variant + i);
                        }

                        if (value is null)
                        {
                            failed = true;
                        }
                        else
                        {
                            array.Add(value.Node);
                        }
                    }

                    if (!failed)
                    {
                        yield return new Candidate(array);
                    }
                }
            }
        }

        private IEnumerable<Candidate> Strings(JsonElement schema, int variant)
        {
            var minLength = Int(schema, "minLength");
            var maxLength = Int(schema, "maxLength");
            if (schema.TryGetProperty("format", out var format) && format.GetString() is { } f)
            {
                var n = variant % 200;
                var value = f switch
                {
                    "date" => $"2026-12-{1 + n % 28:00}",
                    "time" => $"12:{n % 60:00}:00Z",
                    "date-time" => $"2026-12-{1 + n % 28:00}T12:00:00Z",
                    "email" => $"star{n}@example.com",
                    "uuid" => $"00000000-0000-4000-8000-{n:000000000000}",
                    "ipv4" => $"192.0.2.{1 + n}",
                    _ => null,
                };
                if (value is not null)
                {
                    yield return new Candidate(JsonValue.Create(value));
                }
            }

            if (schema.TryGetProperty("pattern", out var pattern) && pattern.GetString() is { } regex)
            {
                if (!AnswerSchemas.IsLinearRegex(regex))
                {
                    yield break;
                }

                var matcher = AnswerSchemas.CompileLinear(regex);
                var fitting = new List<string>();
                for (var i = 0; i < sentences.Count; i++)
                {
                    var s = Fit(sentences[(i + variant) % sentences.Count], minLength, maxLength);
                    if (matcher.IsMatch(s))
                    {
                        fitting.Add(s);
                    }
                }

                foreach (var s in fitting.Take(3))
                {
                    var v = JsonValue.Create(s);
                    slots[v] = new Slot(minLength, maxLength);
                    yield return new Candidate(v);
                }

                foreach (var example in Examples(schema).Where(e => e.ValueKind == JsonValueKind.String))
                {
                    yield return new Candidate(JsonValue.Create(example.GetString()));
                }

                if (PatternStrings.Make(regex, variant) is { } made && matcher.IsMatch(made))
                {
                    yield return new Candidate(JsonValue.Create(made));
                }
                else if (fitting.Count == 0)
                {
                    unmadePatterns.Add(regex);
                }

                yield break;
            }

            yield return FreeString(minLength, maxLength, variant);
        }

        private static IEnumerable<JsonElement> Examples(JsonElement schema)
        {
            if (schema.TryGetProperty("examples", out var examples) && examples.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in examples.EnumerateArray())
                {
                    yield return e;
                }
            }

            if (schema.TryGetProperty("default", out var d))
            {
                yield return d;
            }
        }

        private Candidate FreeString(int? minLength, int? maxLength, int variant)
        {
            var text = sentences[variant % sentences.Count];
            if (variant >= sentences.Count)
            {
                text += $" ({variant + 1})"; // distinct values for uniqueItems once the sentences run out
            }

            var v = JsonValue.Create(Fit(text, minLength, maxLength));
            slots[v] = new Slot(minLength, maxLength);
            return new Candidate(v);
        }

        private string Fit(string text, int? minLength, int? maxLength)
        {
            if (minLength is { } min && AnswerSchemas.CodePoints(text) < min)
            {
                // Longer: the following sentences, then padding.
                var sb = new StringBuilder(text);
                for (var i = 0; i < sentences.Count && AnswerSchemas.CodePoints(sb.ToString()) < min; i++)
                {
                    if (sentences[i] != text)
                    {
                        sb.Append(' ').Append(sentences[i]);
                    }
                }

                text = Pad(sb.ToString(), min);
            }

            if (maxLength is { } max && AnswerSchemas.CodePoints(text) > max)
            {
                text = max > 3 && AnswerSchemas.CodePoints(text) > max ? TakeCodePoints(text, max - 1).TrimEnd() + "…" : TakeCodePoints(text, max);
                if (minLength is { } floor && AnswerSchemas.CodePoints(text) < floor)
                {
                    text = Pad(text, floor);
                }
            }

            return text;
        }

        private static string Pad(string text, int min)
        {
            var n = AnswerSchemas.CodePoints(text);
            return n >= min ? text : text + new string('.', min - n);
        }

        private static IEnumerable<Candidate> Numbers(JsonElement schema, int variant, bool integer)
        {
            decimal? value;
            try
            {
                value = PickNumber(schema, variant, integer);
            }
            catch (OverflowException)
            {
                value = null;
            }

            if (value is { } v)
            {
                yield return new Candidate(v == decimal.Truncate(v) && Math.Abs(v) < long.MaxValue ? JsonValue.Create((long)v) : JsonValue.Create(v / 1.000000000000000000000000000000000m));
            }
        }

        /// <summary>A count keyword (JSON Schema allows 2.0 for 2); null when absent or beyond int.</summary>
        private static int? Int(JsonElement schema, string keyword) =>
            Dec(schema, keyword) is { } d && d == decimal.Truncate(d) && d >= 0 && d <= int.MaxValue ? (int)d : null;

        private static decimal? Dec(JsonElement schema, string keyword) =>
            schema.TryGetProperty(keyword, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d) ? d : null;

        /// <summary>A number within the bounds and a multiple of multipleOf: 0 when allowed, else the lowest allowed, then steps up for variants.</summary>
        private static decimal? PickNumber(JsonElement schema, int variant, bool integer)
        {
            var min = Dec(schema, "minimum");
            var exMin = Dec(schema, "exclusiveMinimum");
            var max = Dec(schema, "maximum");
            var exMax = Dec(schema, "exclusiveMaximum");
            var step = Dec(schema, "multipleOf");
            bool Fits(decimal v) =>
                (min is not { } a || v >= a) && (exMin is not { } b || v > b) && (max is not { } c || v <= c) && (exMax is not { } d || v < d)
                && (!integer || v == decimal.Truncate(v)) && (step is not { } s || s == 0 || v % s == 0);

            var lower = new[] { min, exMin }.Where(x => x is not null).Select(x => x!.Value).DefaultIfEmpty(decimal.MinValue).Max();
            var upper = new[] { max, exMax }.Where(x => x is not null).Select(x => x!.Value).DefaultIfEmpty(decimal.MaxValue).Min();
            var start = lower <= 0 && upper >= 0 ? 0 : lower > 0 ? lower : upper;
            var unit = step ?? 1;
            if (integer && step is { } s0 && s0 != decimal.Truncate(s0))
            {
                unit = s0; // walk the multiples; an integer one comes up within a few steps for the usual steps
            }

            var k = decimal.Ceiling(start / unit);
            if (start == upper && lower != upper)
            {
                k = decimal.Floor(start / unit);
            }

            var found = 0;
            for (var i = 0; i < 2000; i++)
            {
                foreach (var candidate in i == 0 ? [k * unit] : new[] { (k + i) * unit, (k - i) * unit })
                {
                    if (Fits(candidate) && found++ == variant % 50)
                    {
                        return candidate;
                    }
                }
            }

            // Between exclusive bounds with no step, e.g. (0, 1): the midpoint.
            if (!integer && step is null && lower != decimal.MinValue && upper != decimal.MaxValue)
            {
                var mid = (lower + upper) / 2;
                return Fits(mid) ? mid : null;
            }

            return null;
        }
    }
}
