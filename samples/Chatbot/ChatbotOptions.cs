namespace Agents.Samples.Chatbot;

/// <summary>The command line, parsed; what no flag set stays unset, for <c>appsettings.json</c> and the environment to fill.</summary>
public sealed class ChatbotOptions
{
    /// <summary>The most tokens per answer when neither a flag nor the configuration says.</summary>
    public const int DefaultMaxTokens = 256;

    public string Backend { get; set; } = "local";

    public string? Model { get; set; }

    public Uri? Endpoint { get; set; }

    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets --max-tokens; unset: <c>Agents:Defaults:MaxTokens</c>, else <see cref="DefaultMaxTokens"/>.</summary>
    public int? MaxTokens { get; set; }

    public float? Temperature { get; set; }

    public int? TopK { get; set; }

    public float? TopP { get; set; }

    public long? Seed { get; set; }

    public int? BeamWidth { get; set; }

    public string? Prompt { get; set; }

    public bool Json { get; set; }

    /// <summary>Gets or sets a JSON schema file: with <see cref="Prompt"/>, print JSON validated against it.</summary>
    public string? JsonSchemaPath { get; set; }

    public int? ContextSize { get; set; }

    public int? Threads { get; set; }

    public bool Verbose { get; set; }

    public bool PrefixCache { get; set; }

    /// <summary>--tools: answer with an agent that may call calculator, current_time and (with --store) search_docs.</summary>
    public bool Tools { get; set; }

    /// <summary>--store: the RagQa store search_docs searches.</summary>
    public string? StorePath { get; set; }

    public GenerationOptions ToGenerationOptions() => new()
    {
        MaxTokens = MaxTokens,
        Temperature = Temperature,
        TopK = TopK,
        TopP = TopP,
        Seed = Seed,
        Decoding = BeamWidth is { } width ? DecodingStrategy.Beam(width) : null,
    };
}
