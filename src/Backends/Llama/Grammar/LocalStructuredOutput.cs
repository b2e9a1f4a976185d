using System.Text.Json;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Decides how a local request is constrained: a response format becomes a grammar, declared tools become the
/// tool-call grammar plus instructions in the system prompt, and a raw grammar passes through after our own checks.
/// </summary>
internal static class LocalStructuredOutput
{
    /// <summary>Works out the grammar (if any) and the messages to format for <paramref name="options"/>.</summary>
    /// <exception cref="InvalidRequestException">The schema, grammar or tool choice cannot be honoured; the message says why.</exception>
    public static (IList<Message> Messages, GrammarPlan? Plan) Prepare(IList<Message> messages, GenerationOptions options, JsonGrammarOptions bounds)
    {
        var explicitGrammar = ExplicitGrammar(options);
        var toolChoice = ToolChoice(options);
        var tools = options.Tools is { Count: > 0 } declared && toolChoice != "none" ? declared.ToList() : null;
        var schema = options.ResponseFormat switch
        {
            { Kind: ResponseFormatKind.JsonSchema, Schema: { } s } => s,
            _ => (JsonElement?)null,
        };

        if (tools is not null)
        {
            if (explicitGrammar is not null)
            {
                throw Invalid("A raw grammar cannot be combined with tools on the local backend.", LlamaGrammarPropertyNames.Grammar);
            }

            if (schema is null && options.ResponseFormat is { Kind: ResponseFormatKind.Json })
            {
                schema = JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone();
            }

            var grammar = LocalToolCallFormat.BuildGrammar(tools, toolChoice, options.AllowParallelToolCalls != false, schema, bounds);
            return (WithToolInstructions(messages, tools, toolChoice), new GrammarPlan(grammar, ParsesToolCalls: true));
        }

        var withoutToolTurns = RenderToolTurns(messages);
        if (explicitGrammar is not null)
        {
            return (withoutToolTurns, new GrammarPlan(explicitGrammar, ParsesToolCalls: false));
        }

        return options.ResponseFormat?.Kind switch
        {
            ResponseFormatKind.JsonSchema => (withoutToolTurns, new GrammarPlan(JsonSchemaGrammar.FromSchema(schema!.Value, bounds), false)),
            ResponseFormatKind.Json => (withoutToolTurns, new GrammarPlan(JsonSchemaGrammar.AnyJsonObject(bounds), false)),
            _ => (withoutToolTurns, null),
        };
    }

    private static GbnfGrammar? ExplicitGrammar(GenerationOptions options)
    {
        if (options.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(LlamaGrammarPropertyNames.Grammar, out var value) || value is null)
        {
            return null;
        }

        try
        {
            return value switch
            {
                GbnfGrammar grammar => grammar,
                string text => GbnfGrammar.Parse(text),
                _ => throw Invalid($"'{LlamaGrammarPropertyNames.Grammar}' must be a GbnfGrammar or a GBNF string.", LlamaGrammarPropertyNames.Grammar),
            };
        }
        catch (GbnfSyntaxException e)
        {
            throw new InvalidRequestException("The grammar is not valid GBNF: " + e.Message, e)
            {
                Provider = LlamaGenerator.ProviderName,
                Parameter = LlamaGrammarPropertyNames.Grammar,
            };
        }
    }

    private static string ToolChoice(GenerationOptions options)
    {
        if (options.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(LlamaGrammarPropertyNames.ToolChoice, out var value) || value is null)
        {
            return "auto";
        }

        return value as string is { Length: > 0 } choice
            ? choice
            : throw Invalid($"'{LlamaGrammarPropertyNames.ToolChoice}' must be \"auto\", \"required\", \"none\" or a tool name.", LlamaGrammarPropertyNames.ToolChoice);
    }

    private static List<Message> WithToolInstructions(IList<Message> messages, IReadOnlyList<ToolDefinition> tools, string toolChoice)
    {
        var instructions = LocalToolCallFormat.Instructions(tools, toolChoice);
        var result = RenderToolTurns(messages);
        if (result.Count > 0 && result[0].Role == MessageRole.System)
        {
            result[0] = result[0] with { Text = result[0].Text + "\n\n" + instructions };
        }
        else
        {
            result.Insert(0, Message.System(instructions));
        }

        return result;
    }

    // Earlier assistant turns that called tools are shown to the model in the format it is asked to use.
    private static List<Message> RenderToolTurns(IList<Message> messages) =>
        [.. messages.Select(m => m.Role == MessageRole.Assistant && m.ToolCalls.Count > 0 && string.IsNullOrEmpty(m.Text)
            ? m with { Text = LocalToolCallFormat.Format(m.ToolCalls) }
            : m)];

    private static InvalidRequestException Invalid(string message, string parameter) =>
        new(message) { Provider = LlamaGenerator.ProviderName, Parameter = parameter };
}
