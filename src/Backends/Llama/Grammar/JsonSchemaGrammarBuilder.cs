using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agents.Backends.Llama.Grammar;

/// <summary>Accumulates GBNF rules while walking one or more JSON schemas; see <see cref="JsonSchemaGrammar"/>.</summary>
internal sealed class JsonSchemaGrammarBuilder
{
    private const string StringCharRule = "char";
    private const string WhitespaceRule = "ws";

    // Keywords that constrain values in ways the grammar cannot express.
    private static readonly string[] UnsupportedKeywords =
    [
        "not", "if", "then", "else", "prefixItems", "contains", "minContains", "maxContains", "uniqueItems",
        "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas", "dependencies",
        "unevaluatedItems", "multipleOf", "minProperties", "maxProperties", "$dynamicRef", "$recursiveRef",
        "contentSchema",
    ];

    // Keywords that only apply to one type (so a combinator beside them would be an implicit allOf).
    private static readonly string[] ValueKeywords =
    [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength",
        "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "const",
    ];

    private readonly JsonGrammarOptions _options;
    private readonly List<(string Name, string Body)> _rules = [];
    private readonly Dictionary<string, string> _ruleByBody = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _anyValueRules = [];
    private JsonElement _document;
    private int _documentIndex;

    public JsonSchemaGrammarBuilder(JsonElement document, JsonGrammarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _document = document;
        _names.Add("root");
    }

    /// <summary>Sets the document that <c>$ref</c>s resolve against (each tool's schema is its own document).</summary>
    public void SetDocument(JsonElement document)
    {
        _document = document;
        _documentIndex++;
    }

    /// <summary>Builds the grammar whose root is the expression <paramref name="root"/> returns, and checks it.</summary>
    public GbnfGrammar Build(Func<JsonSchemaGrammarBuilder, string> root)
    {
        var rootExpression = root(this);
        var text = new StringBuilder();
        text.Append("root ::= ").Append(rootExpression).Append('\n');
        foreach (var (name, body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body).Append('\n');
            if (text.Length > _options.MaxGrammarLength)
            {
                throw Refuse("#", $"the schema needs a grammar over {_options.MaxGrammarLength} characters (JsonGrammarOptions.MaxGrammarLength)");
            }
        }

        try
        {
            return GbnfGrammar.Parse(text.ToString());
        }
        catch (GbnfSyntaxException e)
        {
            throw new InvalidRequestException($"The JSON schema cannot be turned into a usable grammar: {e.Message}", e)
            {
                Provider = "llama.cpp",
                Parameter = nameof(GenerationOptions.ResponseFormat),
            };
        }
    }

    /// <summary>Adds (or reuses) a rule with <paramref name="body"/> and returns its name.</summary>
    public string AddRule(string hint, string body)
    {
        if (_ruleByBody.TryGetValue(body, out var existing))
        {
            return existing;
        }

        var name = NewName(hint);
        _rules.Add((name, body));
        _ruleByBody[body] = name;
        return name;
    }

    /// <summary>The optional whitespace between JSON tokens.</summary>
    public string Ws()
    {
        if (_names.Add(WhitespaceRule))
        {
            _rules.Add((WhitespaceRule, _options.MaxWhitespace == 0 ? "\"\"" : FormattableString.Invariant($"[ \\t\\n]{{0,{_options.MaxWhitespace}}}")));
        }

        return WhitespaceRule;
    }

    /// <summary>The expression for <paramref name="schema"/>.</summary>
    public string Visit(JsonElement schema, string path, int depth, string hint)
    {
        if (depth > _options.MaxSchemaDepth)
        {
            throw Refuse(path, $"the schema nests more than {_options.MaxSchemaDepth} levels deep (JsonGrammarOptions.MaxSchemaDepth)");
        }

        if (schema.ValueKind == JsonValueKind.True)
        {
            return AnyValue();
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            throw Refuse(path, "the schema 'false' admits no value");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(path, "a schema must be an object or a boolean");
        }

        foreach (var keyword in UnsupportedKeywords)
        {
            if (schema.TryGetProperty(keyword, out var value) && !(keyword == "uniqueItems" && value.ValueKind == JsonValueKind.False))
            {
                throw Refuse(path, $"the keyword '{keyword}' is not supported by constrained decoding");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            RequireNoSiblings(schema, path, "$ref");
            return Reference(reference, path, depth);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            RequireNoSiblings(schema, path, "allOf");
            if (allOf.ValueKind != JsonValueKind.Array || allOf.GetArrayLength() != 1)
            {
                throw Refuse(path, "'allOf' is supported only with exactly one schema");
            }

            return Visit(allOf[0], path + "/allOf/0", depth + 1, hint);
        }

        foreach (var combinator in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(combinator, out var branches))
            {
                RequireNoSiblings(schema, path, combinator);
                if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
                {
                    throw Refuse(path, $"'{combinator}' must be a non-empty array");
                }

                var alternatives = new List<string>();
                var i = 0;
                foreach (var branch in branches.EnumerateArray())
                {
                    alternatives.Add(Visit(branch, FormattableString.Invariant($"{path}/{combinator}/{i}"), depth + 1, FormattableString.Invariant($"{hint}-{i}")));
                    i++;
                }

                return AddRule(hint, string.Join(" | ", alternatives.Distinct(StringComparer.Ordinal)));
            }
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return GbnfText.Literal(JsonSerializer.Serialize(constant));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw Refuse(path, "'enum' must be a non-empty array");
            }

            if (values.GetArrayLength() > _options.MaxEnumValues)
            {
                throw Refuse(path, $"'enum' lists {values.GetArrayLength()} values, over {_options.MaxEnumValues} (JsonGrammarOptions.MaxEnumValues)");
            }

            var literals = values.EnumerateArray().Select(v => GbnfText.Literal(JsonSerializer.Serialize(v))).Distinct(StringComparer.Ordinal);
            return AddRule(hint, string.Join(" | ", literals));
        }

        var types = Types(schema, path);
        if (types.Count == 0)
        {
            return AnyValue();
        }

        var expressions = types.Select(t => TypeExpression(schema, t, path, depth, hint)).Distinct(StringComparer.Ordinal).ToList();
        return expressions.Count == 1 ? expressions[0] : AddRule(hint, string.Join(" | ", expressions));
    }

    /// <summary>Any JSON value, nested at most <see cref="JsonGrammarOptions.MaxFreeFormDepth"/> deep.</summary>
    public string AnyValue() => AnyValue(_options.MaxFreeFormDepth);

    /// <summary>Any JSON object, nested at most <see cref="JsonGrammarOptions.MaxFreeFormDepth"/> deep.</summary>
    public string AnyObject() => FreeObject(AnyValue(_options.MaxFreeFormDepth - 1), _options.DefaultMaxItems);

    /// <summary>A JSON string of between <paramref name="min"/> and <paramref name="max"/> characters.</summary>
    public string StringOf(int min, int max)
    {
        if (_names.Add(StringCharRule))
        {
            _rules.Add((StringCharRule,
                "[^\\x22\\x5C\\x00-\\x1F] | \"\\\\\" ([\\x22\\x5C/bfnrt] | \"u\" ([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))"));
        }

        return AddRule(
            FormattableString.Invariant($"string-{min}-{max}"),
            max == 0 ? "\"\\\"\\\"\"" : FormattableString.Invariant($"\"\\\"\" {StringCharRule}{{{min},{max}}} \"\\\"\""));
    }

    private string AnyValue(int depth)
    {
        if (_anyValueRules.TryGetValue(depth, out var name))
        {
            return name;
        }

        var scalars = string.Join(" | ", StringOf(0, _options.DefaultMaxStringLength), Number(), "\"true\"", "\"false\"", "\"null\"");
        if (depth > 0)
        {
            var inner = AnyValue(depth - 1);
            scalars = string.Join(" | ", FreeObject(inner, _options.DefaultMaxItems), ArrayOf(inner, 0, _options.DefaultMaxItems, "array"), scalars);
        }

        name = AddRule(FormattableString.Invariant($"value-{depth}"), scalars);
        _anyValueRules[depth] = name;
        return name;
    }

    private string Number() =>
        AddRule("number", NumberGrammar.Bounded(null, false, null, false, _options.MaxIntegerDigits, _options.MaxFractionDigits, integerOnly: false)!);

    private string FreeObject(string value, int maxMembers)
    {
        var ws = Ws();
        var member = AddRule("member", $"{StringOf(0, _options.DefaultMaxStringLength)} {ws} \":\" {ws} {value}");
        return AddRule("object", FormattableString.Invariant(
            $"\"{{\" {ws} ({member} ({ws} \",\" {ws} {member}){{0,{maxMembers - 1}}} {ws})? \"}}\""));
    }

    private string ArrayOf(string item, int min, int max, string hint)
    {
        var ws = Ws();
        if (max == 0)
        {
            return AddRule("empty-array", $"\"[\" {ws} \"]\"");
        }

        var more = max - 1 == 0 ? string.Empty : FormattableString.Invariant($" ({ws} \",\" {ws} {item}){{{Math.Max(0, min - 1)},{max - 1}}}");
        var body = min == 0
            ? $"\"[\" {ws} ({item}{more} {ws})? \"]\""
            : $"\"[\" {ws} {item}{more} {ws} \"]\"";
        return AddRule(hint, body);
    }

    private string TypeExpression(JsonElement schema, string type, string path, int depth, string hint) => type switch
    {
        "object" => ObjectExpression(schema, path, depth, hint),
        "array" => ArrayExpression(schema, path, depth, hint),
        "string" => StringExpression(schema, path, hint),
        "integer" => NumberExpression(schema, path, hint, integerOnly: true),
        "number" => NumberExpression(schema, path, hint, integerOnly: false),
        "boolean" => AddRule("boolean", "\"true\" | \"false\""),
        "null" => "\"null\"",
        _ => throw Refuse(path, $"unknown type '{type}'"),
    };

    private string ObjectExpression(JsonElement schema, string path, int depth, string hint)
    {
        var ws = Ws();
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array)
            {
                throw Refuse(path, "'required' must be an array of names");
            }

            foreach (var name in requiredList.EnumerateArray())
            {
                required.Add(name.GetString() ?? throw Refuse(path, "'required' must be an array of names"));
            }
        }

        var members = new List<(string Expression, bool Required)>();
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw Refuse(path, "'properties' must be an object");
            }

            foreach (var property in properties.EnumerateObject())
            {
                var propertyHint = hint + "-" + property.Name;
                var value = Visit(property.Value, path + "/properties/" + EscapePointer(property.Name), depth + 1, propertyHint);
                var key = GbnfText.Literal(JsonSerializer.Serialize(property.Name));
                members.Add((AddRule(propertyHint + "-kv", $"{key} {ws} \":\" {ws} {value}"), required.Remove(property.Name)));
            }
        }

        if (required.Count > 0)
        {
            throw Refuse(path, $"required properties {string.Join(", ", required.Select(r => $"'{r}'"))} are not declared in 'properties'");
        }

        if (members.Count == 0)
        {
            if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.True)
            {
                return additional.ValueKind == JsonValueKind.False
                    ? AddRule("empty-object", $"\"{{\" {ws} \"}}\"")
                    : FreeObject(Visit(additional, path + "/additionalProperties", depth + 1, hint + "-value"), _options.DefaultMaxItems);
            }

            return FreeObject(AnyValue(Math.Max(0, _options.MaxFreeFormDepth - 1)), _options.DefaultMaxItems);
        }

        // Members in declared order; optional ones may be left out. "after(i)" follows an emitted member, so it writes
        // its own leading comma; "first(i)" starts the object.
        var after = new string?[members.Count + 1];
        for (var i = members.Count - 1; i >= 0; i--)
        {
            var (kv, isRequired) = members[i];
            var tail = after[i + 1] is { } next ? " " + next : string.Empty;
            var item = $"{ws} \",\" {ws} {kv}";
            after[i] = isRequired
                ? AddRule(FormattableString.Invariant($"{hint}-after-{i}"), item + tail)
                : AddRule(FormattableString.Invariant($"{hint}-after-{i}"), $"({item})?{tail}");
        }

        var first = new string?[members.Count + 1];
        for (var i = members.Count - 1; i >= 0; i--)
        {
            var (kv, isRequired) = members[i];
            var tail = after[i + 1] is { } next ? " " + next : string.Empty;
            var body = isRequired || first[i + 1] is null ? kv + tail : $"{kv}{tail} | {first[i + 1]}";
            first[i] = AddRule(FormattableString.Invariant($"{hint}-first-{i}"), body);
        }

        var anyRequired = members.Exists(m => m.Required);
        return AddRule(hint, anyRequired
            ? $"\"{{\" {ws} {first[0]} {ws} \"}}\""
            : $"\"{{\" {ws} ({first[0]} {ws})? \"}}\"");
    }

    private string ArrayExpression(JsonElement schema, string path, int depth, string hint)
    {
        var min = ReadCount(schema, "minItems", path) ?? 0;
        var max = ReadCount(schema, "maxItems", path) ?? Math.Max(min, _options.DefaultMaxItems);
        max = Math.Min(max, Math.Max(min, _options.DefaultMaxItems * 4));
        if (min > GbnfParser.MaxRepetition || max > GbnfParser.MaxRepetition)
        {
            max = Math.Min(max, GbnfParser.MaxRepetition);
            if (min > max)
            {
                throw Refuse(path, $"'minItems' over {GbnfParser.MaxRepetition} cannot be generated");
            }
        }

        if (min > max)
        {
            throw Refuse(path, "'minItems' is over 'maxItems'");
        }

        string item;
        if (!schema.TryGetProperty("items", out var items) || items.ValueKind == JsonValueKind.True)
        {
            item = AnyValue(Math.Max(0, _options.MaxFreeFormDepth - 1));
        }
        else if (items.ValueKind == JsonValueKind.False)
        {
            if (min > 0)
            {
                throw Refuse(path, "'items: false' with 'minItems' over 0 admits no value");
            }

            max = 0;
            item = string.Empty;
        }
        else
        {
            item = Visit(items, path + "/items", depth + 1, hint + "-item");
        }

        return ArrayOf(item, min, max, hint);
    }

    private string StringExpression(JsonElement schema, string path, string hint)
    {
        var min = ReadCount(schema, "minLength", path) ?? 0;
        var max = ReadCount(schema, "maxLength", path) ?? Math.Max(min, _options.DefaultMaxStringLength);
        if (min > max)
        {
            throw Refuse(path, "'minLength' is over 'maxLength'");
        }

        if (min > GbnfParser.MaxRepetition)
        {
            throw Refuse(path, $"'minLength' over {GbnfParser.MaxRepetition} cannot be generated");
        }

        max = Math.Min(max, GbnfParser.MaxRepetition);
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            var text = pattern.GetString() ?? throw Refuse(path, "'pattern' must be a string");
            try
            {
                var body = PatternGrammar.Convert(text, _options.DefaultMaxStringLength);
                return AddRule(hint + "-pattern", body.Length == 0 ? "\"\\\"\\\"\"" : $"\"\\\"\" {body} \"\\\"\"");
            }
            catch (NotSupportedException e)
            {
                throw Refuse(path, e.Message);
            }
        }

        if (schema.TryGetProperty("format", out var format) && FormatExpression(format.GetString()) is { } formatted)
        {
            return AddRule("format-" + format.GetString(), $"\"\\\"\" {formatted} \"\\\"\"");
        }

        return StringOf(min, max);
    }

    private static string? FormatExpression(string? format)
    {
        // Month by month, so every date exists (29 February, valid only in leap years, is never written).
        const string day28 = "\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]";
        const string date = "[0-9]{4} \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\" (" + day28 + " | \"29\" | \"3\" [01])"
            + " | (\"0\" [469] | \"11\") \"-\" (" + day28 + " | \"29\" | \"30\") | \"02-\" (" + day28 + "))";
        const string time = "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,6})? (\"Z\" | [+\\x2D] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])";
        return format switch
        {
            "date" => date,
            "time" => time,
            "date-time" => date + " \"T\" " + time,
            "uuid" => "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}",
            _ => null,
        };
    }

    private string NumberExpression(JsonElement schema, string path, string hint, bool integerOnly)
    {
        var minimum = ReadNumber(schema, "minimum", path);
        var maximum = ReadNumber(schema, "maximum", path);
        bool exclusiveMinimum = false, exclusiveMaximum = false;
        if (schema.TryGetProperty("exclusiveMinimum", out var exMin))
        {
            if (exMin.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                exclusiveMinimum = exMin.ValueKind == JsonValueKind.True;
            }
            else
            {
                var value = ReadNumber(schema, "exclusiveMinimum", path);
                if (minimum is null || value >= minimum)
                {
                    (minimum, exclusiveMinimum) = (value, true);
                }
            }
        }

        if (schema.TryGetProperty("exclusiveMaximum", out var exMax))
        {
            if (exMax.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                exclusiveMaximum = exMax.ValueKind == JsonValueKind.True;
            }
            else
            {
                var value = ReadNumber(schema, "exclusiveMaximum", path);
                if (maximum is null || value <= maximum)
                {
                    (maximum, exclusiveMaximum) = (value, true);
                }
            }
        }

        if (minimum is null && maximum is null)
        {
            return integerOnly
                ? AddRule("integer", NumberGrammar.Bounded(null, false, null, false, _options.MaxIntegerDigits, 1, integerOnly: true)!)
                : Number();
        }

        var expression = NumberGrammar.Bounded(minimum, exclusiveMinimum, maximum, exclusiveMaximum, _options.MaxIntegerDigits, _options.MaxFractionDigits, integerOnly)
            ?? throw Refuse(path, "no value the grammar can write lies between 'minimum' and 'maximum' (bounds narrower than one unit are not supported)");
        return AddRule(hint + (integerOnly ? "-integer" : "-number"), expression);
    }

    private string Reference(JsonElement reference, string path, int depth)
    {
        var pointer = reference.GetString();
        if (pointer is null || !pointer.StartsWith('#'))
        {
            throw Refuse(path, $"'$ref' '{pointer}' is not a reference inside this schema (only '#…' references are supported)");
        }

        var key = FormattableString.Invariant($"{_documentIndex}{pointer}");
        if (_refRules.TryGetValue(key, out var name))
        {
            return name;
        }

        var target = Resolve(pointer, path);
        name = NewName("ref-" + pointer);
        _refRules[key] = name;
        var index = _rules.Count;
        _rules.Add((name, string.Empty));
        var body = Visit(target, pointer, depth + 1, name + "-def");
        _rules[index] = (name, body);
        return name;
    }

    private JsonElement Resolve(string pointer, string path)
    {
        var current = _document;
        var fragment = Uri.UnescapeDataString(pointer[1..]);
        if (fragment.Length == 0)
        {
            return current;
        }

        if (!fragment.StartsWith('/'))
        {
            throw Refuse(path, $"'$ref' '{pointer}' is not a JSON pointer (anchors are not supported)");
        }

        foreach (var raw in fragment[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength())
            {
                current = current[i];
            }
            else
            {
                throw Refuse(path, $"'$ref' '{pointer}' points at nothing");
            }
        }

        return current;
    }

    private static List<string> Types(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array when type.GetArrayLength() > 0 => [.. type.EnumerateArray().Select(t => t.GetString() ?? throw Refuse(path, "'type' must name types"))],
                _ => throw Refuse(path, "'type' must be a type name or a non-empty array of them"),
            };
        }

        bool Has(params string[] keys) => keys.Any(k => schema.TryGetProperty(k, out _));
        return Has("properties", "required", "additionalProperties") ? ["object"]
            : Has("items", "minItems", "maxItems") ? ["array"]
            : Has("minLength", "maxLength", "pattern", "format") ? ["string"]
            : Has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") ? ["number"]
            : [];
    }

    private static void RequireNoSiblings(JsonElement schema, string path, string keyword)
    {
        foreach (var other in ValueKeywords.Concat(["$ref", "allOf", "anyOf", "oneOf"]))
        {
            if (other != keyword && schema.TryGetProperty(other, out _))
            {
                throw Refuse(path, $"'{keyword}' beside '{other}' (an implicit allOf) is not supported by constrained decoding");
            }
        }
    }

    private static int? ReadCount(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var count) || count < 0 || count != decimal.Floor(count))
        {
            throw Refuse(path, $"'{keyword}' must be a non-negative integer");
        }

        return count > int.MaxValue ? int.MaxValue : (int)count;
    }

    private static decimal? ReadNumber(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Refuse(path, $"'{keyword}' must be a number");
        }

        return value.TryGetDecimal(out var number) ? number : value.GetDouble() > 0 ? decimal.MaxValue : decimal.MinValue;
    }

    private string NewName(string hint)
    {
        var sb = new StringBuilder();
        foreach (var c in hint)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }

            if (sb.Length >= 40)
            {
                break;
            }
        }

        var baseName = sb.ToString().Trim('-');
        if (baseName.Length == 0)
        {
            baseName = "rule";
        }

        var name = baseName;
        for (var i = 2; !_names.Add(name); i++)
        {
            name = FormattableString.Invariant($"{baseName}-{i}");
        }

        return name;
    }

    private static string EscapePointer(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static InvalidRequestException Refuse(string path, string problem) =>
        new($"Unsupported JSON schema for constrained decoding at '{path}': {problem}.")
        {
            Provider = "llama.cpp",
            Parameter = nameof(GenerationOptions.ResponseFormat),
        };
}
