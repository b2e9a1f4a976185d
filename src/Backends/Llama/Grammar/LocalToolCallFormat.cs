using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// How a local model calls tools: it answers with one JSON object,
/// <c>{"tool_calls":[{"name":"get_weather","arguments":{"city":"Paris"}}]}</c>, which a grammar built from the declared
/// tools' schemas guarantees is well formed (a declared name, arguments valid for that tool's schema), and which the
/// backend turns into <see cref="ToolCall"/>s with <see cref="FinishReason.ToolCalls"/>.
/// </summary>
public static class LocalToolCallFormat
{
    /// <summary>The most calls in one answer when parallel calls are allowed.</summary>
    public const int MaxParallelCalls = 4;

    /// <summary>Builds the grammar for a tool-call answer (and, unless a call is required, the alternative answer).</summary>
    /// <param name="tools">The declared tools.</param>
    /// <param name="toolChoice"><c>auto</c>, <c>required</c> or a tool's name.</param>
    /// <param name="allowParallel">Whether several calls may be made at once.</param>
    /// <param name="answer">The grammar of an answer that is not a call (free text when <see langword="null"/>), used in <c>auto</c> mode.</param>
    /// <param name="options">The bounds for argument values.</param>
    /// <returns>The checked grammar.</returns>
    /// <exception cref="InvalidRequestException">A tool's schema cannot be turned into a grammar, or <paramref name="toolChoice"/> names no declared tool.</exception>
    public static GbnfGrammar BuildGrammar(IReadOnlyList<ToolDefinition> tools, string toolChoice, bool allowParallel, JsonElement? answer, JsonGrammarOptions options)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var chosen = toolChoice is "auto" or "required" ? tools : [.. tools.Where(t => t.Name == toolChoice)];
        if (chosen.Count == 0)
        {
            throw new InvalidRequestException($"The tool choice '{toolChoice}' names no declared tool.")
            {
                Provider = LlamaGenerator.ProviderName,
                Parameter = LlamaGrammarPropertyNames.ToolChoice,
            };
        }

        var builder = new JsonSchemaGrammarBuilder(default, options);
        return builder.Build(b =>
        {
            var ws = b.Ws();
            var calls = new List<string>();
            foreach (var tool in chosen)
            {
                b.SetDocument(tool.ParametersSchema);
                var arguments = b.Visit(tool.ParametersSchema, "#", 0, "args-" + tool.Name);
                calls.Add(b.AddRule("call-" + tool.Name,
                    $"\"{{\" {ws} \"\\\"name\\\"\" {ws} \":\" {ws} {GbnfText.Literal(JsonSerializer.Serialize(tool.Name))} {ws} \",\" {ws} \"\\\"arguments\\\"\" {ws} \":\" {ws} {arguments} {ws} \"}}\""));
            }

            var call = b.AddRule("call", string.Join(" | ", calls));
            var more = allowParallel ? string.Create(CultureInfo.InvariantCulture, $" ({ws} \",\" {ws} {call}){{0,{MaxParallelCalls - 1}}}") : string.Empty;
            var toolCalls = b.AddRule("tool-calls", $"\"{{\" {ws} \"\\\"tool_calls\\\"\" {ws} \":\" {ws} \"[\" {ws} {call}{more} {ws} \"]\" {ws} \"}}\"");
            if (toolChoice != "auto")
            {
                return toolCalls;
            }

            string alternative;
            if (answer is { } schema)
            {
                b.SetDocument(schema);
                alternative = b.Visit(schema, "#", 0, "answer");
            }
            else
            {
                // Free text that does not start like a JSON object: the first character decides.
                alternative = b.AddRule("text", "[^\\x7B\\x00 \\t\\n] [^\\x00]*");
            }

            return $"{toolCalls} | {alternative}";
        });
    }

    /// <summary>Reads tool calls from a finished output, when it is a tool-call object.</summary>
    /// <param name="output">The generated text.</param>
    /// <param name="calls">The calls, with fresh ids.</param>
    /// <returns>Whether the output was a tool-call object.</returns>
    public static bool TryParse(string output, out IReadOnlyList<ToolCall> calls)
    {
        calls = [];
        var trimmed = output.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed.ToString());
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("tool_calls", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var result = new List<ToolCall>();
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || !item.TryGetProperty("arguments", out var arguments))
                {
                    return false;
                }

                result.Add(new ToolCall("call_" + Guid.NewGuid().ToString("N")[..24], name.GetString()!, arguments.GetRawText()));
            }

            calls = result;
            return result.Count > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes calls the way the model is asked to write them (for earlier assistant turns in the prompt).</summary>
    /// <param name="calls">The calls.</param>
    /// <returns>The JSON text.</returns>
    public static string Format(IEnumerable<ToolCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var sb = new StringBuilder("{\"tool_calls\":[");
        var first = true;
        foreach (var call in calls)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append("{\"name\":").Append(JsonSerializer.Serialize(call.Name)).Append(",\"arguments\":")
                .Append(string.IsNullOrWhiteSpace(call.ArgumentsJson) ? "{}" : call.ArgumentsJson).Append('}');
        }

        return sb.Append("]}").ToString();
    }

    /// <summary>The system-prompt text that tells the model which tools it has and how to call them.</summary>
    /// <param name="tools">The declared tools.</param>
    /// <param name="toolChoice"><c>auto</c>, <c>required</c> or a tool's name.</param>
    /// <returns>The instructions.</returns>
    public static string Instructions(IReadOnlyList<ToolDefinition> tools, string toolChoice)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var sb = new StringBuilder();
        sb.Append(toolChoice == "auto"
            ? "You can call tools. To call tools, reply with only a JSON object of the form "
            : "Reply by calling a tool, with only a JSON object of the form ");
        sb.Append("{\"tool_calls\":[{\"name\":\"<tool name>\",\"arguments\":{...}}]}");
        sb.Append(toolChoice == "auto" ? "; otherwise answer normally." : ".");
        sb.Append("\nTools:");
        foreach (var tool in tools)
        {
            sb.Append("\n- ").Append(tool.Name);
            if (!string.IsNullOrWhiteSpace(tool.Description))
            {
                sb.Append(": ").Append(tool.Description);
            }

            sb.Append("\n  arguments schema: ").Append(tool.ParametersSchema.GetRawText());
        }

        return sb.ToString();
    }
}
