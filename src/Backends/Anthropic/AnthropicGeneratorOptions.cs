using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Anthropic;

/// <summary>Settings of the Anthropic Messages API backend, typically bound from a section such as <c>Agents:Anthropic</c>.</summary>
public sealed class AnthropicGeneratorOptions : IValidatableObject
{
    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "ANTHROPIC_API_KEY";

    /// <summary>Gets or sets the base URL; requests go to <c>v1/messages</c> (and <c>v1/models</c> for listing) under it.</summary>
    /// <value>The default is <c>https://api.anthropic.com/</c>.</value>
    [Required]
    public Uri? Endpoint { get; set; } = new("https://api.anthropic.com/");

    /// <summary>Gets or sets the API key, sent as <c>x-api-key</c>; when empty, <c>ANTHROPIC_API_KEY</c> is read. Required one way or the other. Never logged.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model, e.g. <c>claude-sonnet-4-5</c>; a request's <see cref="GenerationOptions.ModelId"/> overrides it.</summary>
    [Required]
    public string? Model { get; set; }

    /// <summary>Gets or sets the <c>anthropic-version</c> header.</summary>
    /// <value>The default is <c>2023-06-01</c>.</value>
    [Required]
    public string ApiVersion { get; set; } = "2023-06-01";

    /// <summary>Gets or sets the <c>max_tokens</c> sent when the request sets none (the Messages API requires one).</summary>
    /// <value>The default is 4096.</value>
    [Range(1, int.MaxValue)]
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>Gets or sets how long to wait for the response headers, a whole non-streamed body, and each next stream event.</summary>
    /// <value>The default is 100 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets the cap on the wait a 429 response asks for (<c>retry-after</c>).</summary>
    /// <value>The default is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets a value indicating whether <c>cache_control</c> breakpoints are placed from the request's <see cref="CacheHint"/>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnablePromptCaching { get; set; } = true;

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

    /// <summary>Returns <see cref="ApiKey"/>, else the <c>ANTHROPIC_API_KEY</c> environment variable, else <see langword="null"/>.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? ResolveApiKey() =>
        !string.IsNullOrEmpty(ApiKey) ? ApiKey : Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } key ? key : null;

    /// <summary>Reports a missing key (neither configured nor in <c>ANTHROPIC_API_KEY</c>).</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>The failures.</returns>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ResolveApiKey() is null)
        {
            yield return new ValidationResult(
                $"No API key: set ApiKey or the {ApiKeyEnvironmentVariable} environment variable.", [nameof(ApiKey)]);
        }
    }
}
