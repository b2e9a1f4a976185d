using System.Net.Http.Headers;
using System.Text.Json;
using Agents.Backends.Anthropic.Messages;
using Agents.Backends.Anthropic.Models;
using Agents.Backends.Http;
using Agents.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Anthropic;

/// <summary>
/// An <see cref="IGenerator"/> over Anthropic's Messages API, spoken directly over HTTP with System.Text.Json:
/// system prompt, tools and tool results, streaming events, <c>cache_control</c> breakpoints from the
/// <see cref="CacheHint"/>, usage with cache reads and writes. It never retries: wrap it in the resilience
/// middleware for that.
/// </summary>
public sealed class AnthropicGenerator : HttpGenerator
{
    /// <summary>The provider name on metadata, errors and logs.</summary>
    public const string ProviderName = "anthropic";

    private readonly AnthropicGeneratorOptions _options;
    private readonly string _apiKey;

    /// <summary>Initializes a new instance of the <see cref="AnthropicGenerator"/> class over a caller-owned client (e.g. from <c>IHttpClientFactory</c>).</summary>
    /// <param name="httpClient">
    /// The client; its own <see cref="HttpClient.Timeout"/> should be infinite (<see cref="AnthropicGeneratorOptions.Timeout"/> applies)
    /// and its handler should not follow redirects itself (the generator follows same-origin ones and refuses the others).
    /// </param>
    /// <param name="options">The settings; <see cref="AnthropicGeneratorOptions.Model"/> and a key are required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock of timings and timeouts; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting (endpoint, model, key) is missing.</exception>
    public AnthropicGenerator(HttpClient httpClient, AnthropicGeneratorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(httpClient, ownsClient: false, options, CheckedKey(options), loggerFactory, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AnthropicGenerator"/> class with its own <see cref="HttpClient"/>, disposed with it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public AnthropicGenerator(AnthropicGeneratorOptions options, ILoggerFactory? loggerFactory = null)
        : this(CreateOwnedClient(), ownsClient: true, options, CheckedKey(options), loggerFactory, timeProvider: null)
    {
    }

    private AnthropicGenerator(HttpClient httpClient, bool ownsClient, AnthropicGeneratorOptions options, string apiKey, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
        : base(
            httpClient,
            ownsClient,
            new HttpBackendSettings
            {
                Provider = ProviderName,
                Endpoint = HttpBackendSettings.NormalizeBase(options.Endpoint!),
                RequestIdHeader = "request-id",
                Timeout = options.Timeout,
                MaxRetryAfter = options.MaxRetryAfter,
                Redactor = new SecretRedactor(apiKey, EndpointRedaction.UserInfoSecret(options.Endpoint)),
                LogSensitiveData = options.EnableSensitiveDataLogging,
                TimeProvider = timeProvider ?? TimeProvider.System,
                MaxErrorBodyBytes = options.MaxErrorBodyBytes,
                MaxResponseBodyBytes = options.MaxResponseBodyBytes,
                MaxStreamEventBytes = options.MaxStreamEventBytes,
            },
            (ILogger?)loggerFactory?.CreateLogger<AnthropicGenerator>() ?? NullLogger.Instance,
            new GeneratorMetadata(
                ProviderName,
                options.Model,
                options.ContextWindow,
                GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.PrefixCache),
            AnthropicErrorClassifier.Classify)
    {
        _options = options;
        _apiKey = apiKey;
    }

    /// <summary>
    /// Lists the models the API offers (<c>GET v1/models</c>), following <c>has_more</c>/<c>after_id</c> pages,
    /// for discovery and health checks. Each page gets <see cref="AnthropicGeneratorOptions.Timeout"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models, in the API's order (newest first).</returns>
    /// <exception cref="ProviderException">
    /// The API failed (e.g. HTTP 401 for a bad key, with <see cref="ProviderException.StatusCode"/> and
    /// <see cref="ProviderException.RequestId"/>), answered with something that is not a model list, or kept
    /// reporting more pages past a safety cap.
    /// </exception>
    /// <exception cref="RateLimitedException">HTTP 429.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<AnthropicModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        new AnthropicModelLister(Transport, path => CreateRequest(HttpMethod.Get, path, "application/json")).ListAsync(cancellationToken);

    internal override byte[] WriteBody(GenerationRequest request, string model, bool stream, IgnoredOptions ignored) =>
        AnthropicRequestWriter.Write(request, model, stream, _options, ignored);

    internal override HttpRequestMessage CreateHttpRequest(bool stream) =>
        CreateRequest(HttpMethod.Post, "v1/messages", stream ? "text/event-stream" : "application/json");

    internal override GenerationResult ReadResult(JsonElement root) => AnthropicResponseReader.ReadMessage(root);

    internal override IHttpStreamReader CreateStreamReader(GenerationRequest request, HttpResponseMessage response, GenerationClock clock) =>
        new AnthropicStreamState(Transport, response, clock);

    /// <summary>Checks every setting (one exception listing each bad one) before anything is built, and resolves the key.</summary>
    private static string CheckedKey(AnthropicGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidator.ThrowIfInvalid(options, nameof(options));
        return options.ResolveApiKey()
            ?? throw new ArgumentException($"No Anthropic API key: set AnthropicGeneratorOptions.ApiKey or {AnthropicGeneratorOptions.ApiKeyEnvironmentVariable}.", nameof(options));
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string relativePath, string accept)
    {
        var request = new HttpRequestMessage(method, new Uri(Settings.Endpoint, relativePath));
        request.Headers.TryAddWithoutValidation("x-api-key", _apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", _options.ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return request;
    }

}
