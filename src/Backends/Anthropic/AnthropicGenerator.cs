using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Agents.Backends.Anthropic.Messages;
using Agents.Backends.Anthropic.Models;
using Agents.Backends.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Anthropic;

/// <summary>
/// An <see cref="IGenerator"/> over Anthropic's Messages API, spoken directly over HTTP with System.Text.Json:
/// system prompt, tools and tool results, streaming events, <c>cache_control</c> breakpoints from the
/// <see cref="CacheHint"/>, usage with cache reads and writes. It never retries: wrap it in the resilience
/// middleware for that.
/// </summary>
public sealed class AnthropicGenerator : IGenerator
{
    /// <summary>The provider name on metadata, errors and logs.</summary>
    public const string ProviderName = "anthropic";

    private readonly AnthropicGeneratorOptions _options;
    private readonly HttpBackendTransport _transport;
    private readonly HttpClient? _ownedClient;
    private readonly string _apiKey;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly GeneratorMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="AnthropicGenerator"/> class over a caller-owned client (e.g. from <c>IHttpClientFactory</c>).</summary>
    /// <param name="httpClient">The client; its own <see cref="HttpClient.Timeout"/> should be infinite, <see cref="AnthropicGeneratorOptions.Timeout"/> applies.</param>
    /// <param name="options">The settings; <see cref="AnthropicGeneratorOptions.Model"/> and a key are required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock for timings; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting (endpoint, model, key) is missing.</exception>
    public AnthropicGenerator(HttpClient httpClient, AnthropicGeneratorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null || string.IsNullOrWhiteSpace(options.Model))
        {
            throw new ArgumentException("AnthropicGeneratorOptions.Endpoint and Model are required.", nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "AnthropicGeneratorOptions.Timeout must be positive.");
        }

        _options = options;
        _apiKey = options.ResolveApiKey()
            ?? throw new ArgumentException($"No Anthropic API key: set AnthropicGeneratorOptions.ApiKey or {AnthropicGeneratorOptions.ApiKeyEnvironmentVariable}.", nameof(options));
        _logger = (ILogger?)loggerFactory?.CreateLogger<AnthropicGenerator>() ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var settings = new HttpBackendSettings
        {
            Provider = ProviderName,
            Endpoint = HttpBackendSettings.NormalizeBase(options.Endpoint),
            RequestIdHeader = "request-id",
            Timeout = options.Timeout,
            MaxRetryAfter = options.MaxRetryAfter,
            Redactor = new SecretRedactor(_apiKey),
            LogSensitiveData = options.EnableSensitiveDataLogging,
        };
        _transport = new HttpBackendTransport(httpClient, settings, _logger, AnthropicErrorClassifier.Classify);
        _metadata = new GeneratorMetadata(
            ProviderName,
            options.Model,
            options.ContextWindow,
            GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.PrefixCache)
        {
            Endpoint = settings.Endpoint,
        };
    }

    /// <summary>Initializes a new instance of the <see cref="AnthropicGenerator"/> class with its own <see cref="HttpClient"/>, disposed with it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public AnthropicGenerator(AnthropicGeneratorOptions options, ILoggerFactory? loggerFactory = null)
        : this(CreateOwnedClient(out var client), options, loggerFactory)
    {
        _ownedClient = client;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidRequestException">The request cannot be expressed (beam width above 1, tool arguments not JSON) or the server rejected it (HTTP 400).</exception>
    /// <exception cref="ContextWindowExceededException">The prompt is too long for the model.</exception>
    /// <exception cref="RateLimitedException">HTTP 429; <see cref="RateLimitedException.RetryAfter"/> holds the capped wait asked for.</exception>
    /// <exception cref="ProviderException">Any other failure: HTTP status (529 overloaded is transient), malformed JSON, timeout, connection failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = AnthropicRequestWriter.Write(request, model, stream: false, _options, ignored);
        ReportIgnored(ignored);

        using var scope = new CallScope(_options.Timeout, cancellationToken);
        var clock = new GenerationClock(_timeProvider);
        using var httpRequest = CreateRequest(stream: false);
        HttpBackendLog.Sending(_logger, ProviderName, httpRequest.RequestUri!, model, stream: false);
        using var response = await _transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);
        using var document = await _transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        var root = document.RootElement;
        if (ProviderErrorBody.TryRead(root) is { } error)
        {
            throw _transport.StreamError(error, root.GetRawText(), response);
        }

        var result = AnthropicResponseReader.ReadMessage(root);
        result.Timings = clock.Stop();
        result.FinishReason ??= result.Message.ToolCalls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop;
        result.AdditionalProperties = ignored.AttachTo(result.AdditionalProperties);
        _transport.LogCompleted(response, result.Timings);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Tool input JSON fragments are reassembled and delivered whole on the final update, which also carries the
    /// usage (input from <c>message_start</c>, output from <c>message_delta</c>). A stream that ends before
    /// <c>message_stop</c> throws a transient <see cref="ProviderException"/>; an <c>error</c> event (e.g.
    /// <c>overloaded_error</c>) throws the matching typed exception.
    /// </remarks>
    /// <exception cref="InvalidRequestException">The request cannot be expressed or the server rejected it.</exception>
    /// <exception cref="ContextWindowExceededException">The prompt is too long for the model.</exception>
    /// <exception cref="RateLimitedException">HTTP 429.</exception>
    /// <exception cref="ProviderException">Any other failure, including an error event or a cut-off stream.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = AnthropicRequestWriter.Write(request, model, stream: true, _options, ignored);
        ReportIgnored(ignored);

        using var scope = new CallScope(_options.Timeout, cancellationToken);
        var clock = new GenerationClock(_timeProvider);
        using var httpRequest = CreateRequest(stream: true);
        HttpBackendLog.Sending(_logger, ProviderName, httpRequest.RequestUri!, model, stream: true);
        using var response = await _transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);

        var state = new AnthropicStreamState();
        var events = await _transport.OpenEventsAsync(response, scope).ConfigureAwait(false);
        await using var eventsScope = events.ConfigureAwait(false);
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            var item = events.Current;
            if (item.Data.Length == 0 || item.EventType == "ping")
            {
                continue;
            }

            var text = Apply(state, item.EventType, item.Data, response);
            if (!string.IsNullOrEmpty(text))
            {
                clock.MarkFirstToken();
                yield return new GenerationUpdate { Text = text, ModelId = state.ModelId, ResponseId = state.ResponseId };
            }

            if (state.Stopped)
            {
                break;
            }
        }

        if (!state.Stopped)
        {
            throw _transport.Truncated(response, "message_stop");
        }

        var calls = state.DrainToolCalls();
        var timings = clock.Stop();
        _transport.LogCompleted(response, timings);
        yield return new GenerationUpdate
        {
            ToolCalls = calls,
            FinishReason = state.FinishReason ?? (calls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop),
            Usage = state.Usage,
            Timings = timings,
            ModelId = state.ModelId,
            ResponseId = state.ResponseId,
            AdditionalProperties = ignored.AttachTo(null),
        };
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
        new AnthropicModelLister(_transport, _options.Timeout, path => CreateRequest(HttpMethod.Get, path, "application/json")).ListAsync(cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(GeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => _ownedClient?.Dispose();

    private string? Apply(AnthropicStreamState state, string eventType, string data, HttpResponseMessage response)
    {
        using var document = _transport.ParseEvent(data, response);
        var root = document.RootElement;
        if (ProviderErrorBody.TryRead(root) is { } error)
        {
            throw _transport.StreamError(error, data, response);
        }

        if (eventType == "error")
        {
            throw _transport.StreamError(ProviderErrorBody.Unknown("an error event without an error object"), data, response);
        }

        return state.Apply(eventType, root);
    }

    private HttpRequestMessage CreateRequest(bool stream) =>
        CreateRequest(HttpMethod.Post, "v1/messages", stream ? "text/event-stream" : "application/json");

    private HttpRequestMessage CreateRequest(HttpMethod method, string relativePath, string accept)
    {
        var request = new HttpRequestMessage(method, new Uri(_transport.Settings.Endpoint, relativePath));
        request.Headers.TryAddWithoutValidation("x-api-key", _apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", _options.ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return request;
    }

    private string ModelFor(GenerationRequest request) => request.Options?.ModelId is { Length: > 0 } id ? id : _options.Model!;

    private void ReportIgnored(IgnoredOptions ignored)
    {
        if (ignored.Names.Count > 0)
        {
            HttpBackendLog.OptionsIgnored(_logger, ProviderName, string.Join(", ", ignored.Names));
        }
    }

    private static HttpClient CreateOwnedClient(out HttpClient client)
    {
        client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return client;
    }
}
