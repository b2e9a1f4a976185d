namespace Agents.Testing;

/// <summary>
/// Varied JSON schemas for constrained-generation tests and the <c>structured</c> benchmark: every construct the local
/// grammar supports, each bounded so that a generation fits in a few hundred tokens.
/// </summary>
public static class StructuredSchemaCorpus
{
    /// <summary>Gets the schemas, each with a short name.</summary>
    public static IReadOnlyList<(string Name, string Schema)> Schemas { get; } =
    [
        ("person", """{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120}},"required":["name","age"]}"""),
        ("optional-properties", """{"type":"object","properties":{"title":{"type":"string","maxLength":10},"subtitle":{"type":"string","maxLength":8},"tags":{"type":"array","items":{"type":"string","maxLength":5},"maxItems":3}},"required":["title"]}"""),
        ("all-optional", """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"type":"integer"}}}"""),
        ("nested-object", """{"type":"object","properties":{"user":{"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":9999},"email":{"type":"string","maxLength":16}},"required":["id","email"]},"active":{"type":"boolean"}},"required":["user","active"]}"""),
        ("integer-array", """{"type":"array","items":{"type":"integer","minimum":-50,"maximum":50},"minItems":1,"maxItems":5}"""),
        ("string-enum", """{"enum":["red","green","blue"]}"""),
        ("mixed-enum", """{"enum":[1,"two",null,true,{"x":1}]}"""),
        ("const", """{"type":"object","properties":{"version":{"const":"1.0"},"kind":{"const":3}},"required":["version","kind"]}"""),
        ("unit-number", """{"type":"number","minimum":0,"maximum":1}"""),
        ("exclusive-number", """{"type":"number","exclusiveMinimum":-5.5,"exclusiveMaximum":10}"""),
        ("exclusive-integer", """{"type":"integer","exclusiveMinimum":100}"""),
        ("negative-integer", """{"type":"integer","maximum":-7}"""),
        ("string-length", """{"type":"string","minLength":3,"maxLength":6}"""),
        ("pattern-code", """{"type":"string","pattern":"^[A-Z]{2}-[0-9]{3}$"}"""),
        ("pattern-alternation", """{"type":"string","pattern":"^(cat|dog)s?$"}"""),
        ("date", """{"type":"string","format":"date"}"""),
        ("any-of", """{"anyOf":[{"type":"string","maxLength":5},{"type":"integer","minimum":0,"maximum":9},{"type":"null"}]}"""),
        ("one-of-objects", """{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"},"a":{"type":"integer"}},"required":["kind","a"],"additionalProperties":false},{"type":"object","properties":{"kind":{"const":"b"},"b":{"type":"boolean"}},"required":["kind","b"],"additionalProperties":false}]}"""),
        ("defs-ref", """{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","minimum":-10,"maximum":10},"y":{"type":"integer","minimum":-10,"maximum":10}},"required":["x","y"]}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"]}"""),
        ("nullable-string", """{"type":["string","null"],"maxLength":4}"""),
        ("object-array", """{"type":"array","minItems":2,"maxItems":3,"items":{"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":5},"ok":{"type":"boolean"}},"required":["id"]}}"""),
        ("integer-map", """{"type":"object","additionalProperties":{"type":"integer","minimum":0,"maximum":99}}"""),
        ("boolean", """{"type":"boolean"}"""),
        ("all-of-one", """{"allOf":[{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}]}"""),
        ("closed-object", """{"type":"object","properties":{"q":{"type":"string","maxLength":3},"n":{"type":"number","minimum":-1,"maximum":1}},"required":["q","n"],"additionalProperties":false}"""),
        ("uuid", """{"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}"""),
    ];
}
