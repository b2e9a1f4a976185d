using System.Text.Json;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Builds GBNF grammars that only admit JSON conforming to a JSON schema, with every string, array and number bounded
/// so that constrained generation always ends.
/// </summary>
/// <remarks>
/// Supported: <c>type</c> (one or several), objects with required and optional <c>properties</c> (written in declared
/// order), <c>additionalProperties</c> as a schema when no properties are declared, arrays with <c>items</c>,
/// <c>minItems</c> and <c>maxItems</c>, <c>enum</c>, <c>const</c>, strings with <c>minLength</c>, <c>maxLength</c>, a
/// <c>pattern</c> subset and the formats <c>date</c>, <c>time</c>, <c>date-time</c> and <c>uuid</c>, integers and numbers
/// with <c>minimum</c>/<c>maximum</c> (exclusive or not), booleans, null, <c>$ref</c> into the same document (including
/// <c>$defs</c>/<c>definitions</c> and recursion), <c>anyOf</c>/<c>oneOf</c> and a one-item <c>allOf</c>. Keywords that
/// constrain values in ways a grammar cannot express (<c>not</c>, <c>if</c>, <c>uniqueItems</c>, <c>multipleOf</c>, …)
/// are refused with <see cref="InvalidRequestException"/> naming them. Annotations (title, description, examples, …)
/// are ignored.
/// </remarks>
public static class JsonSchemaGrammar
{
    /// <summary>Builds and checks the grammar for a JSON schema.</summary>
    /// <param name="schema">The JSON schema (an object, or <see langword="true"/>).</param>
    /// <param name="options">The bounds; <see cref="JsonGrammarOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The checked grammar, rooted at <c>root</c>.</returns>
    /// <exception cref="InvalidRequestException">The schema uses an unsupported construct, is contradictory, nests too deeply, or is too large; the message names the problem and where in the schema it is.</exception>
    public static GbnfGrammar FromSchema(JsonElement schema, JsonGrammarOptions? options = null)
    {
        var builder = new JsonSchemaGrammarBuilder(schema, options ?? JsonGrammarOptions.Default);
        return builder.Build(b => b.Visit(schema, "#", 0, "root"));
    }

    /// <summary>Builds the grammar for any JSON value (objects and arrays nested at most <see cref="JsonGrammarOptions.MaxFreeFormDepth"/> deep).</summary>
    /// <param name="options">The bounds; <see cref="JsonGrammarOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The checked grammar, rooted at <c>root</c>.</returns>
    public static GbnfGrammar AnyJson(JsonGrammarOptions? options = null)
    {
        var builder = new JsonSchemaGrammarBuilder(default, options ?? JsonGrammarOptions.Default);
        return builder.Build(b => b.AnyValue());
    }

    /// <summary>Builds the grammar for a JSON object whose members are free-form, as <see cref="ResponseFormat.Json"/> asks.</summary>
    /// <param name="options">The bounds; <see cref="JsonGrammarOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The checked grammar, rooted at <c>root</c>.</returns>
    public static GbnfGrammar AnyJsonObject(JsonGrammarOptions? options = null)
    {
        var builder = new JsonSchemaGrammarBuilder(default, options ?? JsonGrammarOptions.Default);
        return builder.Build(b => b.AnyObject());
    }
}
