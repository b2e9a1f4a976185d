using Agents.Backends.Llama.Loading;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model: each input's hidden states are
/// pooled (<see cref="LlamaEmbeddingOptions.Pooling"/>) into one vector of the model's embedding width.
/// </summary>
/// <remarks>
/// <para>
/// Built on LLamaSharp's <c>LLamaEmbedder.GetEmbeddings</c> over a context of its own (LLamaSharp 0.30.0's own
/// <c>IEmbeddingGenerator</c> implementation throws <see cref="ObjectDisposedException"/> on every call).
/// </para>
/// <para>
/// Thread-safe: calls may come from any number of threads; they take turns on the generator's one context (a context
/// must never be used by two threads at once), and within a call inputs are embedded in order and returned in order.
/// Cancellation is checked between inputs and throws <see cref="OperationCanceledException"/>.
/// </para>
/// </remarks>
public sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlamaModel _model;
    private readonly bool _ownsModel;
    private readonly LlamaEmbeddingOptions _options;
    private readonly LLamaEmbedder _embedder;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata;
    private int _disposed;

    /// <summary>Creates an embedding generator over an already loaded model, which stays the caller's to dispose.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">Pooling, normalisation and limits; copied. Defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="GeneratorException">llama.cpp could not create the embedding context.</exception>
    public LlamaEmbeddingGenerator(LlamaModel model, LlamaEmbeddingOptions? options = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), ownsModel: false, options)
    {
    }

    /// <summary>Loads (or shares) the model named by <paramref name="modelOptions"/> and creates an embedding generator over it.</summary>
    /// <param name="modelOptions">The model file and how to run it.</param>
    /// <param name="options">Pooling, normalisation and limits; copied. Defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Receives llama.cpp's log; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="modelOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    public LlamaEmbeddingGenerator(LlamaModelOptions modelOptions, LlamaEmbeddingOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(LlamaModel.Load(modelOptions, loggerFactory), ownsModel: true, options)
    {
    }

    private LlamaEmbeddingGenerator(LlamaModel model, bool ownsModel, LlamaEmbeddingOptions? options)
    {
        _model = model;
        _ownsModel = ownsModel;
        try
        {
            _options = Validate(options?.Clone() ?? new LlamaEmbeddingOptions());
            var parameters = model.CreateContextParameters(_options.MaxInputTokens);

            // A pooled embedding needs the whole input in one micro-batch.
            parameters.BatchSize = (uint)_options.MaxInputTokens;
            parameters.UBatchSize = (uint)_options.MaxInputTokens;
            parameters.Embeddings = true;
            parameters.PoolingType = _options.Pooling switch
            {
                LlamaEmbeddingPooling.Cls => LLamaPoolingType.CLS,
                LlamaEmbeddingPooling.Last => LLamaPoolingType.Last,
                _ => LLamaPoolingType.Mean,
            };
            if (_options.Threads is { } threads)
            {
                parameters.Threads = threads;
                parameters.BatchThreads = threads;
            }

            using var capture = NativeLogRouter.BeginCapture();
            try
            {
                _embedder = new LLamaEmbedder(model.Weights, parameters, model.LoggerFactory.CreateLogger<LlamaEmbeddingGenerator>());
            }
            catch (RuntimeError ex)
            {
                throw new GeneratorException($"llama.cpp could not create an embedding context: {capture.Describe(ex.Message)}", ex)
                {
                    Provider = LlamaGenerator.ProviderName,
                };
            }
        }
        catch
        {
            if (ownsModel)
            {
                model.Dispose();
            }

            throw;
        }

        _metadata = new EmbeddingGeneratorMetadata(LlamaGenerator.ProviderName, null, model.ModelId, model.Info.EmbeddingSize);
    }

    /// <summary>Gets the length of every vector: the model's embedding width.</summary>
    public int Dimensions => _model.Info.EmbeddingSize;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its strings is <see langword="null"/>.</exception>
    /// <exception cref="InvalidRequestException">More inputs than <see cref="LlamaEmbeddingOptions.MaxBatchSize"/>.</exception>
    /// <exception cref="ContextWindowExceededException">An input is longer than <see cref="LlamaEmbeddingOptions.MaxInputTokens"/>.</exception>
    /// <exception cref="GeneratorException">llama.cpp failed to evaluate an input.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var inputs = values.ToList();
        if (inputs.Count > _options.MaxBatchSize)
        {
            throw new InvalidRequestException($"{inputs.Count} inputs is over the batch limit of {_options.MaxBatchSize}.")
            {
                Provider = LlamaGenerator.ProviderName,
                Parameter = "values",
            };
        }

        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new InvalidRequestException($"This model's embeddings have {Dimensions} dimensions, not {dimensions}.")
            {
                Provider = LlamaGenerator.ProviderName,
                Parameter = nameof(EmbeddingGenerationOptions.Dimensions),
            };
        }

        var tokenCounts = new int[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"values[{i}]");
            tokenCounts[i] = _model.Weights.Tokenize(inputs[i], true, false, System.Text.Encoding.UTF8).Length;
            if (tokenCounts[i] > _options.MaxInputTokens)
            {
                throw new ContextWindowExceededException(tokenCounts[i], _options.MaxInputTokens) { Provider = LlamaGenerator.ProviderName };
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCounts.Sum(), TotalTokenCount = tokenCounts.Sum() },
        };
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            foreach (var input in inputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                result.Add(new Embedding<float>(await EmbedAsync(input, cancellationToken).ConfigureAwait(false))
                {
                    ModelId = _model.ModelId,
                    CreatedAt = DateTimeOffset.UtcNow,
                });
            }
        }
        finally
        {
            _gate.Release();
        }

        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType == typeof(LlamaModelInfo) ? _model.Info
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Frees the embedding context, and the model if this generator loaded it. Calls running at that moment finish first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _embedder.Dispose();
            if (_ownsModel)
            {
                _model.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static LlamaEmbeddingOptions Validate(LlamaEmbeddingOptions options)
    {
        Agents.Configuration.OptionsValidator.ThrowIfInvalid(options, nameof(options));
        return options;
    }

    private async Task<float[]> EmbedAsync(string input, CancellationToken cancellationToken)
    {
        IReadOnlyList<float[]> vectors;
        try
        {
            vectors = await _embedder.GetEmbeddings(input, cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeError ex)
        {
            // No native log capture here: it is per thread, and the await may resume elsewhere.
            throw new GeneratorException($"llama.cpp could not embed the input: {ex.Message}", ex) { Provider = LlamaGenerator.ProviderName };
        }

        var vector = vectors.Count == 1 ? vectors[0] : throw new GeneratorException(
            $"llama.cpp returned {vectors.Count} vectors for one pooled input.") { Provider = LlamaGenerator.ProviderName };
        if (_options.Normalize)
        {
            var sumOfSquares = 0d;
            foreach (var value in vector)
            {
                sumOfSquares += (double)value * value;
            }

            var norm = (float)Math.Sqrt(sumOfSquares);
            if (norm > 0)
            {
                for (var i = 0; i < vector.Length; i++)
                {
                    vector[i] /= norm;
                }
            }
        }

        return vector;
    }
}
