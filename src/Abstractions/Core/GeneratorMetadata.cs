namespace Agents;

/// <summary>What a generator can do.</summary>
[Flags]
public enum GeneratorCapabilities
{
    /// <summary>Nothing beyond plain generation.</summary>
    None = 0,

    /// <summary>Streams tokens as they are produced.</summary>
    Streaming = 1 << 0,

    /// <summary>Calls tools.</summary>
    Tools = 1 << 1,

    /// <summary>Enforces a JSON schema on the output.</summary>
    JsonSchema = 1 << 2,

    /// <summary>Constrains the output with a grammar.</summary>
    Grammar = 1 << 3,

    /// <summary>Returns per-token log-probabilities.</summary>
    LogProbabilities = 1 << 4,

    /// <summary>Reuses cached prompt prefixes (local KV-prefix cache or provider prompt caching).</summary>
    PrefixCache = 1 << 5,

    /// <summary>Produces embeddings from the same model.</summary>
    Embeddings = 1 << 6,

    /// <summary>Runs beam search.</summary>
    BeamSearch = 1 << 7,
}

/// <summary>Describes the backend at the end of a generator chain.</summary>
/// <param name="ProviderName">The provider, following the OpenTelemetry <c>gen_ai.provider.name</c> values where one exists (e.g. "openai", "anthropic", "llama.cpp").</param>
/// <param name="ModelId">The model served by default.</param>
/// <param name="ContextWindow">The context window in tokens, when known.</param>
/// <param name="Capabilities">What the backend can do.</param>
public sealed record GeneratorMetadata(
    string ProviderName,
    string? ModelId = null,
    int? ContextWindow = null,
    GeneratorCapabilities Capabilities = GeneratorCapabilities.None)
{
    /// <summary>Gets the address of a hosted provider's endpoint.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Gets whether every capability in <paramref name="capabilities"/> is present.</summary>
    /// <param name="capabilities">The capabilities asked about.</param>
    /// <returns><see langword="true"/> when all are present.</returns>
    public bool Supports(GeneratorCapabilities capabilities) => (Capabilities & capabilities) == capabilities;
}
