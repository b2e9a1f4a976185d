using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Agents;

/// <summary>Translates between the Agents contract and Microsoft.Extensions.AI, losslessly for everything both sides express.</summary>
internal static class ChatInteropMapper
{
    private const string StopSequenceValue = "stop_sequence";

    // M.E.AI's defaults (JsonElement for untyped values, its type resolver), but compact: tool arguments travel as one line.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static readonly string[] OptionKeys =
    [
        ChatInteropPropertyNames.MinP,
        ChatInteropPropertyNames.RepetitionPenalty,
        ChatInteropPropertyNames.Decoding,
        ChatInteropPropertyNames.IncludeLogProbabilities,
        ChatInteropPropertyNames.CacheHint,
    ];

    private static readonly string[] ResultKeys =
    [
        ChatInteropPropertyNames.FinishReason,
        ChatInteropPropertyNames.LogProbabilities,
        ChatInteropPropertyNames.Beams,
        ChatInteropPropertyNames.Timings,
    ];

    // ---- roles and finish reasons ----

    public static ChatRole ToChatRole(MessageRole role) => role switch
    {
        MessageRole.System => ChatRole.System,
        MessageRole.User => ChatRole.User,
        MessageRole.Assistant => ChatRole.Assistant,
        MessageRole.Tool => ChatRole.Tool,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown message role."),
    };

    public static MessageRole ToMessageRole(ChatRole role) =>
        role == ChatRole.System ? MessageRole.System
        : role == ChatRole.User ? MessageRole.User
        : role == ChatRole.Assistant ? MessageRole.Assistant
        : role == ChatRole.Tool ? MessageRole.Tool
        : throw new ArgumentException($"The chat role '{role.Value}' has no equivalent message role.", nameof(role));

    public static ChatFinishReason? ToChatFinishReason(FinishReason? reason) => reason switch
    {
        null => null,
        FinishReason.Stop or FinishReason.StopSequence => ChatFinishReason.Stop,
        FinishReason.Length => ChatFinishReason.Length,
        FinishReason.ToolCalls => ChatFinishReason.ToolCalls,
        FinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason.Value.ToString()),
    };

    public static FinishReason? ToFinishReason(ChatFinishReason? reason, IDictionary<string, object?>? properties)
    {
        if (reason is not { } value)
        {
            return null;
        }

        if (value == ChatFinishReason.Stop)
        {
            return properties is not null
                && properties.TryGetValue(ChatInteropPropertyNames.FinishReason, out var marker)
                && ReadString(marker) is StopSequenceValue
                ? FinishReason.StopSequence
                : FinishReason.Stop;
        }

        return value == ChatFinishReason.Length ? FinishReason.Length
            : value == ChatFinishReason.ToolCalls ? FinishReason.ToolCalls
            : value == ChatFinishReason.ContentFilter ? FinishReason.ContentFilter
            : string.Equals(value.Value, StopSequenceValue, StringComparison.OrdinalIgnoreCase) ? FinishReason.StopSequence
            : null;
    }

    // ---- messages ----

    public static List<ChatMessage> ToChatMessages(IEnumerable<Message> messages) => [.. messages.Select(ToChatMessage)];

    public static ChatMessage ToChatMessage(Message message)
    {
        var contents = new List<AIContent>();
        if (message.Role == MessageRole.Tool && message.ToolCallId is { } callId)
        {
            contents.Add(new FunctionResultContent(callId, message.Text));
        }
        else if (message.Text.Length > 0)
        {
            contents.Add(new TextContent(message.Text));
        }

        foreach (var call in message.ToolCalls)
        {
            contents.Add(ToFunctionCall(call));
        }

        return new ChatMessage(ToChatRole(message.Role), contents) { AuthorName = message.Name };
    }

    public static List<Message> ToMessages(IEnumerable<ChatMessage> chatMessages, string? instructions)
    {
        var messages = new List<Message>();
        if (!string.IsNullOrEmpty(instructions))
        {
            messages.Add(Message.System(instructions));
        }

        foreach (var chatMessage in chatMessages)
        {
            var role = ToMessageRole(chatMessage.Role);
            var results = chatMessage.Contents.OfType<FunctionResultContent>().ToList();

            // M.E.AI may answer several calls in one tool message; the Agents contract has one message per answer.
            foreach (var result in results)
            {
                messages.Add(Message.ToolResult(result.CallId, FormatResult(result.Result), chatMessage.AuthorName));
            }

            if (results.Count > 0 && role == MessageRole.Tool)
            {
                continue;
            }

            var toolCalls = ToToolCalls(chatMessage.Contents);
            if (results.Count == 0 || chatMessage.Text.Length > 0 || toolCalls.Count > 0)
            {
                messages.Add(new Message(role, chatMessage.Text) { Name = chatMessage.AuthorName, ToolCalls = toolCalls });
            }
        }

        return messages;
    }

    private static FunctionCallContent ToFunctionCall(ToolCall call) =>
        new(call.Id, call.Name, ParseArguments(call.ArgumentsJson))
        {
            AdditionalProperties = new() { [ChatInteropPropertyNames.ArgumentsJson] = call.ArgumentsJson },
        };

    private static List<ToolCall> ToToolCalls(IEnumerable<AIContent> contents)
    {
        var calls = new List<ToolCall>();
        foreach (var call in contents.OfType<FunctionCallContent>())
        {
            var json = call.AdditionalProperties?.TryGetValue(ChatInteropPropertyNames.ArgumentsJson, out var raw) == true && raw is string text
                ? text
                : JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), CompactJson);
            calls.Add(new ToolCall(call.CallId, call.Name, json));
        }

        return calls;
    }

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions);
        }
        catch (JsonException)
        {
            // The model's arguments are not a JSON object; the raw text still travels in AdditionalProperties.
            return null;
        }
    }

    private static string FormatResult(object? result) => result switch
    {
        null => string.Empty,
        string text => text,
        // AIFunction results arrive serialized; a string result is the plain text the function returned, not a JSON literal.
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        // Re-written rather than GetRawText(): AIFunctionFactory serializes results indented, and the model pays for every space.
        JsonElement element => JsonSerializer.Serialize(element, CompactJson),
        _ => JsonSerializer.Serialize(result, CompactJson.GetTypeInfo(result.GetType())),
    };

    // ---- options ----

    public static ChatOptions? ToChatOptions(GenerationOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var chatOptions = new ChatOptions
        {
            MaxOutputTokens = options.MaxTokens,
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            FrequencyPenalty = options.FrequencyPenalty,
            PresencePenalty = options.PresencePenalty,
            Seed = options.Seed,
            StopSequences = options.StopSequences is null ? null : [.. options.StopSequences],
            ResponseFormat = ToChatResponseFormat(options.ResponseFormat),
            Tools = options.Tools is null
                ? null
                : [.. options.Tools.Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))],
            AllowMultipleToolCalls = options.AllowParallelToolCalls,
            ToolMode = ToChatToolMode(options.ToolChoice),
            ModelId = options.ModelId,
        };

        AdditionalPropertiesDictionary? properties = options.AdditionalProperties is null ? null : new(options.AdditionalProperties);
        void Put(string key, object? value)
        {
            if (value is not null)
            {
                (properties ??= [])[key] = value;
            }
        }

        Put(ChatInteropPropertyNames.MinP, options.MinP);
        Put(ChatInteropPropertyNames.RepetitionPenalty, options.RepetitionPenalty);
        Put(ChatInteropPropertyNames.Decoding, options.Decoding);
        Put(ChatInteropPropertyNames.IncludeLogProbabilities, options.IncludeLogProbabilities);
        Put(ChatInteropPropertyNames.CacheHint, options.CacheHint);
        chatOptions.AdditionalProperties = properties;
        return chatOptions;
    }

    public static GenerationOptions? ToGenerationOptions(ChatOptions? chatOptions)
    {
        if (chatOptions is null)
        {
            return null;
        }

        var properties = chatOptions.AdditionalProperties;
        var options = new GenerationOptions
        {
            MaxTokens = chatOptions.MaxOutputTokens,
            Temperature = chatOptions.Temperature,
            TopP = chatOptions.TopP,
            TopK = chatOptions.TopK,
            FrequencyPenalty = chatOptions.FrequencyPenalty,
            PresencePenalty = chatOptions.PresencePenalty,
            Seed = chatOptions.Seed,
            StopSequences = chatOptions.StopSequences is null ? null : [.. chatOptions.StopSequences],
            ResponseFormat = ToResponseFormat(chatOptions.ResponseFormat),
            Tools = ToToolDefinitions(chatOptions),
            AllowParallelToolCalls = chatOptions.AllowMultipleToolCalls,
            ToolChoice = ToToolChoice(chatOptions.ToolMode),
            ModelId = chatOptions.ModelId,
            MinP = properties?.TryGetValue(ChatInteropPropertyNames.MinP, out float minP) == true ? minP : null,
            RepetitionPenalty = properties?.TryGetValue(ChatInteropPropertyNames.RepetitionPenalty, out float penalty) == true ? penalty : null,
            Decoding = properties?.TryGetValue(ChatInteropPropertyNames.Decoding, out DecodingStrategy? decoding) == true ? decoding : null,
            IncludeLogProbabilities = properties?.TryGetValue(ChatInteropPropertyNames.IncludeLogProbabilities, out bool logProbs) == true ? logProbs : null,
            CacheHint = properties?.TryGetValue(ChatInteropPropertyNames.CacheHint, out CacheHint? hint) == true ? hint : null,
            AdditionalProperties = Without(properties, OptionKeys),
        };
        return options;
    }

    private static List<ToolDefinition>? ToToolDefinitions(ChatOptions chatOptions)
    {
        // ChatToolMode.None means "offer no tools"; tools other than function declarations (hosted tools) have no equivalent.
        if (chatOptions.Tools is null || chatOptions.ToolMode is NoneChatToolMode)
        {
            return null;
        }

        return
        [
            .. chatOptions.Tools.OfType<AIFunctionDeclaration>().Select(f => new ToolDefinition(
                f.Name,
                string.IsNullOrEmpty(f.Description) ? null : f.Description,
                f.JsonSchema.ValueKind == JsonValueKind.Object ? f.JsonSchema : null)),
        ];
    }

    public static ChatToolMode? ToChatToolMode(ToolChoice? choice) => choice switch
    {
        null => null,
        { Mode: ToolChoiceMode.None } => ChatToolMode.None,
        { Mode: ToolChoiceMode.Required, FunctionName: { } name } => ChatToolMode.RequireSpecific(name),
        { Mode: ToolChoiceMode.Required } => ChatToolMode.RequireAny,
        _ => ChatToolMode.Auto,
    };

    public static ToolChoice? ToToolChoice(ChatToolMode? mode) => mode switch
    {
        null => null,
        NoneChatToolMode => ToolChoice.None,
        RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.Function(name),
        RequiredChatToolMode => ToolChoice.Required,
        _ => ToolChoice.Auto,
    };

    private static ChatResponseFormat? ToChatResponseFormat(ResponseFormat? format) => format?.Kind switch
    {
        null => null,
        ResponseFormatKind.Text => ChatResponseFormat.Text,
        ResponseFormatKind.Json => ChatResponseFormat.Json,
        _ => ChatResponseFormat.ForJsonSchema(format.Schema!.Value, format.SchemaName),
    };

    private static ResponseFormat? ToResponseFormat(ChatResponseFormat? format) => format switch
    {
        null => null,
        ChatResponseFormatText => ResponseFormat.Text,
        ChatResponseFormatJson { Schema: { } schema } json => ResponseFormat.ForJsonSchema(schema, json.SchemaName),
        ChatResponseFormatJson => ResponseFormat.Json,
        _ => throw new NotSupportedException($"The response format '{format.GetType().Name}' has no equivalent."),
    };

    // ---- results and updates ----

    public static ChatResponse ToChatResponse(GenerationResult result) => new(ToChatMessage(result.Message))
    {
        ResponseId = result.ResponseId,
        ModelId = result.ModelId,
        FinishReason = ToChatFinishReason(result.FinishReason),
        Usage = ToUsageDetails(result.Usage),
        RawRepresentation = result,
        AdditionalProperties = ResultProperties(result.AdditionalProperties, result.FinishReason, result.LogProbabilities, result.Beams, result.Timings),
    };

    public static GenerationResult ToGenerationResult(ChatResponse response)
    {
        // The last assistant message is the answer; earlier ones belong to turns a function-invoking client already handled.
        var answer = response.Messages.LastOrDefault(m => m.Role == ChatRole.Assistant);
        var message = answer is null
            ? Message.Assistant(string.Empty)
            : new Message(MessageRole.Assistant, answer.Text) { Name = answer.AuthorName, ToolCalls = ToToolCalls(answer.Contents) };
        var properties = response.AdditionalProperties;
        return new GenerationResult(message)
        {
            ResponseId = response.ResponseId,
            ModelId = response.ModelId,
            FinishReason = ToFinishReason(response.FinishReason, properties),
            Usage = ToUsage(response.Usage),
            LogProbabilities = Get<IReadOnlyList<TokenLogProbability>>(properties, ChatInteropPropertyNames.LogProbabilities),
            Beams = Get<IReadOnlyList<BeamResult>>(properties, ChatInteropPropertyNames.Beams),
            Timings = Get<GenerationTimings>(properties, ChatInteropPropertyNames.Timings),
            AdditionalProperties = Without(properties, ResultKeys),
        };
    }

    public static ChatResponseUpdate ToChatResponseUpdate(GenerationUpdate update)
    {
        var contents = new List<AIContent>();
        if (update.Text.Length > 0)
        {
            contents.Add(new TextContent(update.Text));
        }

        foreach (var call in update.ToolCalls)
        {
            contents.Add(ToFunctionCall(call));
        }

        if (ToUsageDetails(update.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = update.ResponseId,
            ModelId = update.ModelId,
            FinishReason = ToChatFinishReason(update.FinishReason),
            RawRepresentation = update,
            AdditionalProperties = ResultProperties(update.AdditionalProperties, update.FinishReason, update.LogProbabilities, update.Beams, update.Timings),
        };
    }

    public static GenerationUpdate ToGenerationUpdate(ChatResponseUpdate update)
    {
        Usage? usage = null;
        foreach (var content in update.Contents.OfType<UsageContent>())
        {
            var part = ToUsage(content.Details)!;
            usage = usage is null ? part : usage + part;
        }

        var properties = update.AdditionalProperties;
        return new GenerationUpdate
        {
            Text = update.Text,
            ToolCalls = ToToolCalls(update.Contents),
            FinishReason = ToFinishReason(update.FinishReason, properties),
            Usage = usage,
            ModelId = update.ModelId,
            ResponseId = update.ResponseId,
            LogProbabilities = Get<IReadOnlyList<TokenLogProbability>>(properties, ChatInteropPropertyNames.LogProbabilities),
            Beams = Get<IReadOnlyList<BeamResult>>(properties, ChatInteropPropertyNames.Beams),
            Timings = Get<GenerationTimings>(properties, ChatInteropPropertyNames.Timings),
            AdditionalProperties = Without(properties, ResultKeys),
        };
    }

    // ---- usage ----

    public static UsageDetails? ToUsageDetails(Usage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var details = new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens,
            CachedInputTokenCount = usage.CachedPromptTokens,
        };
        if (usage.CacheWritePromptTokens != 0)
        {
            details.AdditionalCounts = new() { [ChatInteropPropertyNames.CacheWriteInputTokens] = usage.CacheWritePromptTokens };
        }

        return details;
    }

    public static Usage? ToUsage(UsageDetails? details)
    {
        if (details is null)
        {
            return null;
        }

        long cacheWrite = 0;
        details.AdditionalCounts?.TryGetValue(ChatInteropPropertyNames.CacheWriteInputTokens, out cacheWrite);
        return new Usage
        {
            PromptTokens = Clamp(details.InputTokenCount),
            CompletionTokens = Clamp(details.OutputTokenCount),
            CachedPromptTokens = Clamp(details.CachedInputTokenCount),
            CacheWritePromptTokens = Clamp(cacheWrite),
        };
    }

    private static int Clamp(long? count) => count is { } c ? (int)Math.Clamp(c, 0, int.MaxValue) : 0;

    // ---- additional properties ----

    private static AdditionalPropertiesDictionary? ResultProperties(
        IDictionary<string, object?>? source,
        FinishReason? finishReason,
        IReadOnlyList<TokenLogProbability>? logProbabilities,
        IReadOnlyList<BeamResult>? beams,
        GenerationTimings? timings)
    {
        AdditionalPropertiesDictionary? properties = source is null ? null : new(source);
        void Put(string key, object? value)
        {
            if (value is not null)
            {
                (properties ??= [])[key] = value;
            }
        }

        Put(ChatInteropPropertyNames.FinishReason, finishReason == FinishReason.StopSequence ? StopSequenceValue : null);
        Put(ChatInteropPropertyNames.LogProbabilities, logProbabilities);
        Put(ChatInteropPropertyNames.Beams, beams);
        Put(ChatInteropPropertyNames.Timings, timings);
        return properties;
    }

    private static T? Get<T>(AdditionalPropertiesDictionary? properties, string key)
        where T : class
    {
        if (properties is null || !properties.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value is T typed)
        {
            return typed;
        }

        // A response that went through JSON (UseDistributedCache, a serialized conversation) carries its values as
        // JsonElement; read them back into the contract's types rather than dropping them.
        if (value is JsonElement { ValueKind: JsonValueKind.Object or JsonValueKind.Array } element)
        {
            try
            {
                return element.Deserialize<T>(AIJsonUtilities.DefaultOptions);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    private static string? ReadString(object? value) => value switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
        _ => null,
    };

    private static Dictionary<string, object?>? Without(AdditionalPropertiesDictionary? properties, string[] keys)
    {
        if (properties is null)
        {
            return null;
        }

        var remaining = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            if (Array.IndexOf(keys, key) < 0)
            {
                remaining[key] = value;
            }
        }

        return remaining.Count == 0 ? null : remaining;
    }
}
