using System.Text.Json;
using Agents.Backends.Http;
using Agents.Backends.OpenAI.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.OpenAI;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/embeddings</c> endpoint, as Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. Errors, timeouts and cancellation behave as in
/// <see cref="OpenAIGenerator"/>.
/// </summary>
public sealed class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OpenAIConnection _connection;
    private readonly HttpBackendTransport _transport;
    private readonly ILogger _logger;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly string _model;

    /// <summary>Initializes a new instance of the <see cref="OpenAIEmbeddingGenerator"/> class.</summary>
    /// <param name="httpClient">The client (e.g. from <c>IHttpClientFactory</c>); the caller owns it.</param>
    /// <param name="options">The settings; <see cref="OpenAIGeneratorOptions.EmbeddingModel"/> (else <see cref="OpenAIGeneratorOptions.Model"/>) names the model.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock of the timeouts; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public OpenAIEmbeddingGenerator(HttpClient httpClient, OpenAIGeneratorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _logger = (ILogger?)loggerFactory?.CreateLogger<OpenAIEmbeddingGenerator>() ?? NullLogger.Instance;
        _connection = new OpenAIConnection(options, timeProvider);
        _transport = new HttpBackendTransport(httpClient, _connection.Settings, _logger, OpenAIErrorClassifier.Classify);
        _model = options.EmbeddingModel is { Length: > 0 } embeddingModel ? embeddingModel : options.Model!;
        _metadata = new EmbeddingGeneratorMetadata(OpenAIGenerator.ProviderName, EndpointRedaction.WithoutUserInfo(_connection.Settings.Endpoint), _model);
    }

    /// <inheritdoc />
    /// <exception cref="RateLimitedException">HTTP 429.</exception>
    /// <exception cref="InvalidRequestException">The server rejected the request (HTTP 400).</exception>
    /// <exception cref="ProviderException">Any other failure, or an answer without one vector per input.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToArray();
        if (inputs.Length == 0)
        {
            return [];
        }

        var model = options?.ModelId is { Length: > 0 } id ? id : _model;
        var body = JsonBody.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartArray("input");
            foreach (var input in inputs)
            {
                w.WriteStringValue(input);
            }

            w.WriteEndArray();
            w.WriteString("encoding_format", "float");
            if (options?.Dimensions is { } dimensions)
            {
                w.WriteNumber("dimensions", dimensions);
            }

            w.WriteEndObject();
        });

        using var scope = new CallScope(_connection.Options.Timeout, _connection.Settings.TimeProvider, cancellationToken);
        using var httpRequest = _connection.CreateRequest(HttpMethod.Post, "embeddings");
        HttpBackendLog.Sending(_logger, OpenAIGenerator.ProviderName, httpRequest.RequestUri!, model, stream: false);
        using var response = await _transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);
        using var document = await _transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        return _transport.ReadShaped(response, document.RootElement, root => Read(root, inputs.Length, model, response));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to the caller (or IHttpClientFactory).
    }

    private GeneratedEmbeddings<Embedding<float>> Read(JsonElement root, int count, string model, HttpResponseMessage response)
    {
        var vectors = new float[count][];
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var item in data.EnumerateArray())
            {
                var index = item.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
                position++;
                if (index < 0 || index >= count || !item.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var vector = new float[embedding.GetArrayLength()];
                var k = 0;
                foreach (var number in embedding.EnumerateArray())
                {
                    vector[k++] = number.GetSingle();
                }

                vectors[index] = vector;
            }
        }

        if (Array.IndexOf(vectors, null) is var missing and >= 0)
        {
            throw new ProviderException($"{OpenAIGenerator.ProviderName} returned no embedding for input {missing} of {count}.")
            {
                Provider = OpenAIGenerator.ProviderName,
                StatusCode = (int)response.StatusCode,
                RequestId = _transport.RequestId(response),
                BodyExcerpt = ProviderErrorMapper.Excerpt(root.GetRawText(), _connection.Settings.Redactor),
            };
        }

        var responseModel = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : model;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = responseModel }));
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            && usage.TryGetProperty("prompt_tokens", out var tokens) && tokens.TryGetInt64(out var promptTokens))
        {
            result.Usage = new UsageDetails { InputTokenCount = promptTokens, TotalTokenCount = promptTokens };
        }

        return result;
    }
}
