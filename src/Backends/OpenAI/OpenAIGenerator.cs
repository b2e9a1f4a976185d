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
public sealed class OpenAIGenerator : HttpGenerator
{
    /// <summary>The provider name on metadata, errors and logs.</summary>
    public const string ProviderName = "openai";

    private readonly OpenAIConnection _connection;
    private readonly OpenAITokenizer? _tokenizer;

    /// <summary>Initializes a new instance of the <see cref="OpenAIGenerator"/> class over a caller-owned client (e.g. from <c>IHttpClientFactory</c>).</summary>
    /// <param name="httpClient">
    /// The client; its own <see cref="HttpClient.Timeout"/> should be infinite (<see cref="OpenAIGeneratorOptions.Timeout"/> applies)
    /// and its handler should not follow redirects itself (the generator follows same-origin ones and refuses the others).
    /// </param>
    /// <param name="options">The settings; <see cref="OpenAIGeneratorOptions.Model"/> and <see cref="OpenAIGeneratorOptions.Endpoint"/> are required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock of timings and timeouts; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public OpenAIGenerator(HttpClient httpClient, OpenAIGeneratorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(httpClient, ownsClient: false, new OpenAIConnection(options, timeProvider), loggerFactory)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAIGenerator"/> class with its own <see cref="HttpClient"/>, disposed with it.</summary>
    /// <param name="options">The settings; <see cref="OpenAIGeneratorOptions.Model"/> is required.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public OpenAIGenerator(OpenAIGeneratorOptions options, ILoggerFactory? loggerFactory = null)
        : this(CreateOwnedClient(), ownsClient: true, new OpenAIConnection(options, timeProvider: null), loggerFactory)
    {
    }

    private OpenAIGenerator(HttpClient httpClient, bool ownsClient, OpenAIConnection connection, ILoggerFactory? loggerFactory)
        : base(
            httpClient,
            ownsClient,
            connection.Settings,
            (ILogger?)loggerFactory?.CreateLogger<OpenAIGenerator>() ?? NullLogger.Instance,
            new GeneratorMetadata(
                ProviderName,
                connection.Options.Model,
                connection.Options.ContextWindow,
                GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.JsonSchema
                    | GeneratorCapabilities.LogProbabilities | GeneratorCapabilities.PrefixCache),
            OpenAIErrorClassifier.Classify)
    {
        _connection = connection;

        // Only OpenAI's own models count tokens with tiktoken; other servers' models get no tokenizer (callers estimate).
        _tokenizer = OpenAITokenizer.ForModel(connection.Options.Model ?? string.Empty);
    }

    /// <inheritdoc />
    /// <remarks>Also offers an <see cref="ITokenizer"/> (<see cref="OpenAITokenizer"/>) when the model is an OpenAI model.</remarks>
    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ITokenizer) ? _tokenizer : base.GetService(serviceType, serviceKey);

    /// <summary>Lists the models the server offers (<c>GET /models</c>), for discovery and health checks.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models, in the server's order.</returns>
    /// <exception cref="ProviderException">The server failed or answered with something that is not a model list.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<OpenAIModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var scope = new CallScope(_connection.Options.Timeout, Settings.TimeProvider, cancellationToken);
        using var httpRequest = _connection.CreateRequest(HttpMethod.Get, "models");
        using var response = await Transport.SendAsync(httpRequest, body: null, scope).ConfigureAwait(false);
        using var document = await Transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new ProviderException($"{ProviderName} answered GET models without a 'data' array.")
            {
                Provider = ProviderName,
                StatusCode = (int)response.StatusCode,
                RequestId = Transport.RequestId(response),
                BodyExcerpt = ProviderErrorMapper.Excerpt(document.RootElement.GetRawText(), _connection.Settings.Redactor),
            };
        }

        return Transport.ReadShaped(response, data, ReadModels);
    }

    private static List<OpenAIModelInfo> ReadModels(JsonElement data)
    {
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

    internal override byte[] WriteBody(GenerationRequest request, string model, bool stream, IgnoredOptions ignored) =>
        OpenAIChatRequestWriter.Write(request, model, stream, _connection.Options, ignored);

    internal override HttpRequestMessage CreateHttpRequest(bool stream) => _connection.CreateRequest(HttpMethod.Post, "chat/completions", stream);

    internal override GenerationResult ReadResult(JsonElement root) => OpenAIChatResponseReader.ReadCompletion(root);

    internal override IHttpStreamReader CreateStreamReader(GenerationRequest request, HttpResponseMessage response, GenerationClock clock) =>
        new OpenAIStreamState(Transport, response, clock, request.Options?.IncludeLogProbabilities is true);
}
