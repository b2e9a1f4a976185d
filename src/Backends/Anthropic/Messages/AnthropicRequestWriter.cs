using System.Text.Json;
using Agents.Backends.Http;

namespace Agents.Backends.Anthropic.Messages;

/// <summary>
/// Writes the Messages API request body: system prompt as top-level blocks, alternating user/assistant turns
/// (tool results travel as <c>tool_result</c> blocks in a user turn), tools, and <c>cache_control</c>
/// breakpoints at the end of the stable (and shared) prefix named by the <see cref="CacheHint"/>. Options the
/// API has no field for are recorded in <see cref="IgnoredOptions"/>.
/// </summary>
internal static class AnthropicRequestWriter
{
    public static byte[] Write(GenerationRequest request, string model, bool stream, AnthropicGeneratorOptions settings, IgnoredOptions ignored)
    {
        var options = request.Options;
        var decoding = options?.GetEffectiveDecoding();
        if (decoding is { Kind: DecodingKind.Beam, BeamWidth: > 1 })
        {
            throw new InvalidRequestException("Beam search is not supported by hosted backends (Anthropic); use a beam width of 1 or the local backend.")
            {
                Provider = AnthropicGenerator.ProviderName,
                Parameter = nameof(GenerationOptions.Decoding),
            };
        }

        var (system, turns, lastBlockOfMessage) = BuildTurns(request.Messages);
        var hint = settings.EnablePromptCaching ? options?.CacheHint : null;
        if (hint is not null)
        {
            MarkBreakpoint(lastBlockOfMessage, hint.SharedPrefixMessageCount);
            MarkBreakpoint(lastBlockOfMessage, hint.StablePrefixMessageCount);
        }

        return JsonBody.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteNumber("max_tokens", options?.MaxTokens ?? settings.DefaultMaxTokens);
            if (system.Count > 0)
            {
                w.WriteStartArray("system");
                foreach (var block in system)
                {
                    block.WriteTo(w);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("messages");
            foreach (var (role, blocks) in turns)
            {
                w.WriteStartObject();
                w.WriteString("role", role);
                w.WriteStartArray("content");
                foreach (var block in blocks)
                {
                    block.WriteTo(w);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (stream)
            {
                w.WriteBoolean("stream", true);
            }

            if (options is not null)
            {
                WriteOptions(w, options, decoding!, hint, ignored);
            }

            w.WriteEndObject();
        });
    }

    private static void WriteOptions(Utf8JsonWriter w, GenerationOptions options, DecodingStrategy decoding, CacheHint? hint, IgnoredOptions ignored)
    {
        if (options.Temperature is { } temperature)
        {
            w.WriteNumber("temperature", temperature);
        }
        else if (decoding.Kind is DecodingKind.Greedy or DecodingKind.Beam && options.Decoding is not null)
        {
            w.WriteNumber("temperature", 0);
        }

        if (options.TopP is { } topP)
        {
            w.WriteNumber("top_p", topP);
        }

        if (options.TopK is > 0 and var topK)
        {
            w.WriteNumber("top_k", topK);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop_sequences");
            foreach (var stop in stops)
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }

        WriteTools(w, options, hint);
        ReportUnsupported(options, ignored);
    }

    private static void WriteTools(Utf8JsonWriter w, GenerationOptions options, CacheHint? hint)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            // Without tools "auto" and "none" hold trivially and are dropped; a required call cannot be met.
            ToolChoiceCheck.RequireNoCallWithoutTools(options.ToolChoice, AnthropicGenerator.ProviderName);
            return;
        }

        w.WriteStartArray("tools");
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            w.WriteStartObject();
            w.WriteString("name", tool.Name);
            if (tool.Description is not null)
            {
                w.WriteString("description", tool.Description);
            }

            w.WritePropertyName("input_schema");
            tool.ParametersSchema.WriteTo(w);

            // Tools come first in Anthropic's cache order: a breakpoint on the last one caches them on their own.
            if (i == tools.Count - 1 && hint is { ToolsAreStable: true, StablePrefixMessageCount: > 0 })
            {
                AnthropicBlock.WriteCacheControl(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteToolChoice(w, options, tools);
    }

    /// <summary>
    /// Writes <c>tool_choice</c>: <c>{"type":"auto"}</c>, <c>{"type":"none"}</c>, <c>{"type":"any"}</c> (a call of any
    /// tool) or <c>{"type":"tool","name":…}</c>, with <c>disable_parallel_tool_use</c> when parallel calls are switched
    /// off (the API has no such flag on "none"). Nothing is written when neither is set: the API's default is auto.
    /// </summary>
    private static void WriteToolChoice(Utf8JsonWriter w, GenerationOptions options, IList<ToolDefinition> tools)
    {
        var choice = options.ToolChoice;
        var serial = options.AllowParallelToolCalls is false;
        if (choice is null && !serial)
        {
            return;
        }

        w.WriteStartObject("tool_choice");
        switch (choice)
        {
            case { Mode: ToolChoiceMode.None }:
                w.WriteString("type", "none");
                serial = false;
                break;
            case { Mode: ToolChoiceMode.Required, FunctionName: { } name }:
                ToolChoiceCheck.RequireOffered(name, tools, AnthropicGenerator.ProviderName);
                w.WriteString("type", "tool");
                w.WriteString("name", name);
                break;
            case { Mode: ToolChoiceMode.Required }:
                w.WriteString("type", "any");
                break;
            default:
                w.WriteString("type", "auto");
                break;
        }

        if (serial)
        {
            w.WriteBoolean("disable_parallel_tool_use", true);
        }

        w.WriteEndObject();
    }

    private static void ReportUnsupported(GenerationOptions options, IgnoredOptions ignored)
    {
        if (options.Seed is not null)
        {
            ignored.Add(nameof(GenerationOptions.Seed));
        }

        if (options.MinP is not null)
        {
            ignored.Add(nameof(GenerationOptions.MinP));
        }

        if (options.RepetitionPenalty is not null)
        {
            ignored.Add(nameof(GenerationOptions.RepetitionPenalty));
        }

        if (options.FrequencyPenalty is not null)
        {
            ignored.Add(nameof(GenerationOptions.FrequencyPenalty));
        }

        if (options.PresencePenalty is not null)
        {
            ignored.Add(nameof(GenerationOptions.PresencePenalty));
        }

        if (options.IncludeLogProbabilities is true)
        {
            ignored.Add(nameof(GenerationOptions.IncludeLogProbabilities));
        }

        if (options.ResponseFormat is { Kind: not ResponseFormatKind.Text })
        {
            ignored.Add(nameof(GenerationOptions.ResponseFormat));
        }
    }

    private static (List<AnthropicBlock> System, List<(string Role, List<AnthropicBlock> Blocks)> Turns, AnthropicBlock?[] LastBlockOfMessage) BuildTurns(IList<Message> messages)
    {
        var system = new List<AnthropicBlock>();
        var turns = new List<(string Role, List<AnthropicBlock> Blocks)>();
        var lastBlock = new AnthropicBlock?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role == MessageRole.System)
            {
                system.Add(AnthropicBlock.ForText(message.Text));
                lastBlock[i] = system[^1];
                continue;
            }

            var role = message.Role == MessageRole.Assistant ? "assistant" : "user";

            // The API wants strictly alternating turns; consecutive messages of one role share a turn.
            if (turns.Count == 0 || turns[^1].Role != role)
            {
                turns.Add((role, []));
            }

            var blocks = turns[^1].Blocks;
            switch (message.Role)
            {
                case MessageRole.Tool:
                    blocks.Add(AnthropicBlock.ForToolResult(message.ToolCallId ?? string.Empty, message.Text));
                    break;
                case MessageRole.Assistant:
                    if (message.Text.Length > 0)
                    {
                        blocks.Add(AnthropicBlock.ForText(message.Text));
                    }

                    foreach (var call in message.ToolCalls)
                    {
                        blocks.Add(AnthropicBlock.ForToolUse(call.Id, call.Name, ParseArguments(call)));
                    }

                    break;
                default:
                    blocks.Add(AnthropicBlock.ForText(message.Text));
                    break;
            }

            lastBlock[i] = blocks.Count > 0 ? blocks[^1] : null;
        }

        return (system, turns, lastBlock);
    }

    private static void MarkBreakpoint(AnthropicBlock?[] lastBlockOfMessage, int prefixCount)
    {
        // The breakpoint goes on the last block of the prefix; a message that produced no block hands it back.
        for (var i = Math.Min(prefixCount, lastBlockOfMessage.Length) - 1; i >= 0; i--)
        {
            if (lastBlockOfMessage[i] is { } block)
            {
                block.CacheBreakpoint = true;
                return;
            }
        }
    }

    private static JsonElement ParseArguments(ToolCall call)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.ArgumentsJson) ? "{}" : call.ArgumentsJson);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"The arguments of tool call '{call.Id}' ({call.Name}) are not valid JSON; Anthropic needs a JSON object.", ex)
            {
                Provider = AnthropicGenerator.ProviderName,
                Parameter = "Messages",
            };
        }
    }
}
