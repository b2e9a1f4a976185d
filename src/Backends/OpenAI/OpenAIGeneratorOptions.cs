using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.OpenAI;

/// <summary>
/// Settings of an OpenAI-compatible backend (OpenAI, Azure OpenAI's <c>/openai/v1</c>, vLLM, llama.cpp's
/// <c>llama-server</c>, Ollama's <c>/v1</c>, LM Studio), typically bound from a configuration section such as
/// <c>Agents:OpenAI</c>.
/// </summary>
public sealed class OpenAIGeneratorOptions
{
    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENAI_API_KEY";

    /// <summary>Gets or sets the base URL the API paths (<c>chat/completions</c>, <c>embeddings</c>, <c>models</c>) are appended to.</summary>
    /// <value>The default is <c>https://api.openai.com/v1/</c>; a local server is e.g. <c>http://127.0.0.1:8080/v1/</c>.</value>
    [Required]
    public Uri? Endpoint { get; set; } = new("https://api.openai.com/v1/");

    /// <summary>
    /// Gets or sets the API key. When empty, <c>OPENAI_API_KEY</c> is read; when that is empty too, no
    /// authentication header is sent (local servers need none). Never logged.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the header that carries the key: <c>Authorization</c> sends <c>Bearer &lt;key&gt;</c>, any other name (Azure's <c>api-key</c>) sends the bare key.</summary>
    /// <value>The default is <c>Authorization</c>.</value>
    [Required]
    public string ApiKeyHeaderName { get; set; } = "Authorization";

    /// <summary>Gets or sets the chat model, e.g. <c>gpt-4o-mini</c>; a request's <see cref="GenerationOptions.ModelId"/> overrides it.</summary>
    [Required]
    public string? Model { get; set; }

    /// <summary>Gets or sets the embedding model used by <see cref="OpenAIEmbeddingGenerator"/>.</summary>
    /// <value>The default is <see langword="null"/>, which falls back to <see cref="Model"/>.</value>
    public string? EmbeddingModel { get; set; }

    /// <summary>Gets or sets the <c>OpenAI-Organization</c> header value.</summary>
    /// <value>The default is <see langword="null"/> (header not sent).</value>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the <c>OpenAI-Project</c> header value.</summary>
    /// <value>The default is <see langword="null"/> (header not sent).</value>
    public string? Project { get; set; }

    /// <summary>
    /// Gets or sets how long to wait for the response headers, for a whole non-streamed body, and for each next
    /// chunk of a stream. A stream that keeps producing never times out.
    /// </summary>
    /// <value>The default is 100 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets the cap on the wait a 429 response asks for (<c>retry-after-ms</c>, <c>Retry-After</c>).</summary>
    /// <value>The default is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="GenerationOptions.TopK"/>, <see cref="GenerationOptions.MinP"/>
    /// and <see cref="GenerationOptions.RepetitionPenalty"/> are sent as <c>top_k</c>, <c>min_p</c> and
    /// <c>repetition_penalty</c>. vLLM and llama-server accept them; OpenAI rejects them. When off, they are
    /// reported as ignored.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool SendExtendedSamplingParameters { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>prompt_cache_key</c> is sent when the request has a <see cref="CacheHint"/>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool SendPromptCacheKey { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the token limit is sent as <c>max_completion_tokens</c> (required by
    /// OpenAI's reasoning models) instead of <c>max_tokens</c> (understood by every compatible server).
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool UseMaxCompletionTokens { get; set; }

    /// <summary>Gets or sets the model's context window in tokens, reported in <see cref="GeneratorMetadata"/>.</summary>
    /// <value>The default is <see langword="null"/> (unknown).</value>
    [Range(1, int.MaxValue)]
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the most bytes of an error body read for the exception's message and excerpt; the rest is never read.</summary>
    /// <value>The default is 65,536 (64 KiB).</value>
    [Range(1024, int.MaxValue)]
    public int MaxErrorBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the most bytes of a whole (non-streamed) JSON answer; a longer one fails with a <see cref="ProviderException"/> (code <c>response_too_large</c>).</summary>
    /// <value>The default is 33,554,432 (32 MiB).</value>
    [Range(1024, int.MaxValue)]
    public int MaxResponseBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Gets or sets the most bytes of one server-sent event of a stream; a longer one fails with a <see cref="ProviderException"/> (code <c>event_too_large</c>).</summary>
    /// <value>The default is 1,048,576 (1 MiB).</value>
    [Range(1024, int.MaxValue)]
    public int MaxStreamEventBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets a value indicating whether request bodies (prompt text) are logged at trace level; keys are redacted regardless.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool EnableSensitiveDataLogging { get; set; }

    /// <summary>Returns <see cref="ApiKey"/>, else the <c>OPENAI_API_KEY</c> environment variable, else <see langword="null"/>.</summary>
    /// <returns>The key to send, or <see langword="null"/> to send none.</returns>
    public string? ResolveApiKey() =>
        !string.IsNullOrEmpty(ApiKey) ? ApiKey : Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } key ? key : null;
}
