using System.Runtime.CompilerServices;
using System.Text.Json;
using Agents.Backends.Http;
using Agents.Backends.OpenAI.Chat;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.OpenAI;

/// <summary>
/// An <see cref="IGenerator"/> over an OpenAI-compatible Chat Completions server (OpenAI, Azure OpenAI, vLLM,
/// llama.cpp's <c>llama-server</c>, Ollama's <c>/v1</c>, LM Studio), spoken directly over HTTP with
/// System.Text.Json. It never retries: wrap it in the resilience middleware for that.
/// </summary>
public sealed class OpenAIGenerator : IGenerator
{
    /// <summary>The provider name on metadata, errors and logs.</summary>
    public const string ProviderName = "openai";

    private readonly OpenAIConnection _connection;
    private readonly HttpClient? _ownedClient;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly GeneratorMetadata _metadata;
    private readonly OpenAITokenizer? _tokenizer;

    /// <summary>Initializes a new instance of the <see cref="OpenAIGenerator"/> class over a caller-owned client (e.g. from <c>IHttpClientFactory</c>).</summary>
    /// <param name="httpClient">The client; its own <see cref="HttpClient.Timeout"/> should be infinite, <see cref="OpenAIGeneratorOptions.Timeout"/> applies.</param>
    /// <param name="options">The settings; <see cref="OpenAIGeneratorOptions.Model"/> and <see cref="OpenAIGeneratorOptions.Endpoint"/> are required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock for timings; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public OpenAIGenerator(HttpClient httpClient, OpenAIGeneratorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _logger = (ILogger?)loggerFactory?.CreateLogger<OpenAIGenerator>() ?? NullLogger.Instance;
        _connection = new OpenAIConnection(httpClient, options, _logger);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metadata = new GeneratorMetadata(
            ProviderName,
            options.Model,
            options.ContextWindow,
            GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.JsonSchema
                | GeneratorCapabilities.LogProbabilities | GeneratorCapabilities.PrefixCache)
        {
            Endpoint = _connection.Settings.Endpoint,
        };

        // Only OpenAI's own models count tokens with tiktoken; other servers' models get no tokenizer (callers estimate).
        _tokenizer = OpenAITokenizer.ForModel(options.Model ?? string.Empty);
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAIGenerator"/> class with its own <see cref="HttpClient"/>, disposed with it.</summary>
    /// <param name="options">The settings; <see cref="OpenAIGeneratorOptions.Model"/> is required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public OpenAIGenerator(OpenAIGeneratorOptions options, ILoggerFactory? loggerFactory = null)
        : this(CreateOwnedClient(out var client), options, loggerFactory)
    {
        _ownedClient = client;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidRequestException">The request cannot be expressed (beam width above 1) or the server rejected it (HTTP 400).</exception>
    /// <exception cref="ContextWindowExceededException">The prompt does not fit the model's context window.</exception>
    /// <exception cref="RateLimitedException">HTTP 429; <see cref="RateLimitedException.RetryAfter"/> holds the capped wait asked for.</exception>
    /// <exception cref="ProviderException">Any other failure: HTTP status, malformed JSON, timeout, connection failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = OpenAIChatRequestWriter.Write(request, model, stream: false, _connection.Options, ignored);
        ReportIgnored(ignored);

        using var scope = new CallScope(_connection.Options.Timeout, cancellationToken);
        var clock = new GenerationClock(_timeProvider);
        using var httpRequest = _connection.CreateRequest(HttpMethod.Post, "chat/completions");
        HttpBackendLog.Sending(_logger, ProviderName, httpRequest.RequestUri!, model, stream: false);
        using var response = await _connection.Transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);
        using var document = await _connection.Transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        var root = document.RootElement;
        if (ProviderErrorBody.TryRead(root) is { } error)
        {
            throw _connection.Transport.StreamError(error, root.GetRawText(), response);
        }

        var result = OpenAIChatResponseReader.ReadCompletion(root);
        result.Timings = clock.Stop();
        result.FinishReason ??= result.Message.ToolCalls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop;
        result.AdditionalProperties = ignored.AttachTo(result.AdditionalProperties);
        _connection.Transport.LogCompleted(response, result.Timings);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Sends <c>stream_options.include_usage</c>, so the final update carries usage. Tool-call argument fragments
    /// are reassembled and delivered whole on the final update. A stream that ends before <c>[DONE]</c> throws a
    /// transient <see cref="ProviderException"/> rather than returning a silently truncated answer.
    /// </remarks>
    /// <exception cref="InvalidRequestException">The request cannot be expressed or the server rejected it.</exception>
    /// <exception cref="ContextWindowExceededException">The prompt does not fit the model's context window.</exception>
    /// <exception cref="RateLimitedException">HTTP 429.</exception>
    /// <exception cref="ProviderException">Any other failure, including an error event or a cut-off stream.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = OpenAIChatRequestWriter.Write(request, model, stream: true, _connection.Options, ignored);
        ReportIgnored(ignored);

        using var scope = new CallScope(_connection.Options.Timeout, cancellationToken);
        var clock = new GenerationClock(_timeProvider);
        using var httpRequest = _connection.CreateRequest(HttpMethod.Post, "chat/completions", stream: true);
        HttpBackendLog.Sending(_logger, ProviderName, httpRequest.RequestUri!, model, stream: true);
        using var response = await _connection.Transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);

        var state = new OpenAIStreamState(_connection.Transport, response, clock, request.Options?.IncludeLogProbabilities is true);
        var events = await _connection.Transport.OpenEventsAsync(response, scope, state.Read).ConfigureAwait(false);
        await using var eventsScope = events.ConfigureAwait(false);
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            if (state.Done)
            {
                break;
            }

            if (events.Current.Data is { } update)
            {
                yield return update;
            }
        }

        if (!state.Done)
        {
            throw _connection.Transport.Truncated(response, "[DONE]");
        }

        var calls = state.Tools.Drain();
        var timings = clock.Stop();
        _connection.Transport.LogCompleted(response, timings);
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

    /// <summary>Lists the models the server offers (<c>GET /models</c>), for discovery and health checks.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models, in the server's order.</returns>
    /// <exception cref="ProviderException">The server failed or answered with something that is not a model list.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<OpenAIModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var scope = new CallScope(_connection.Options.Timeout, cancellationToken);
        using var httpRequest = _connection.CreateRequest(HttpMethod.Get, "models");
        using var response = await _connection.Transport.SendAsync(httpRequest, body: null, scope).ConfigureAwait(false);
        using var document = await _connection.Transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new ProviderException($"{ProviderName} answered GET models without a 'data' array.")
            {
                Provider = ProviderName,
                StatusCode = (int)response.StatusCode,
                RequestId = _connection.Transport.RequestId(response),
                BodyExcerpt = ProviderErrorMapper.Excerpt(document.RootElement.GetRawText(), _connection.Settings.Redactor),
            };
        }

        var models = new List<OpenAIModelInfo>();
        foreach (var item in data.EnumerateArray())
        {
            if (OpenAIChatResponseReader.GetString(item, "id") is not { } id)
            {
                continue;
            }

            DateTimeOffset? created = item.TryGetProperty("created", out var c) && c.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            models.Add(new OpenAIModelInfo(id, OpenAIChatResponseReader.GetString(item, "owned_by"), created));
        }

        return models;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(GeneratorMetadata) ? _metadata
            : serviceType == typeof(ITokenizer) ? _tokenizer
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => _ownedClient?.Dispose();

    private string ModelFor(GenerationRequest request) => request.Options?.ModelId is { Length: > 0 } id ? id : _connection.Options.Model!;

    private void ReportIgnored(IgnoredOptions ignored)
    {
        if (ignored.Names.Count > 0)
        {
            HttpBackendLog.OptionsIgnored(_logger, ProviderName, string.Join(", ", ignored.Names));
        }
    }

    private static HttpClient CreateOwnedClient(out HttpClient client)
    {
        client = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return client;
    }
}
