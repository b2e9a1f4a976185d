using System.Globalization;
using Agents.Backends.Llama.Loading;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama;

/// <summary>
/// A GGUF model loaded into memory through llama.cpp, with its metadata.
/// </summary>
/// <remarks>
/// <para>
/// <b>Sharing.</b> Weights are loaded once per process for a given file (full path, GPU layers, memory mapping) and
/// shared: every <see cref="Load"/> of the same file returns a new handle over the same native weights, which are
/// freed when the last handle is disposed. Each handle must be disposed once; disposing it twice is harmless.
/// </para>
/// <para>
/// <b>Thread-safety.</b> <see cref="Load"/> and <see cref="LoadAsync"/> (which reports progress) may be called from any number of threads at once; the first caller for a
/// file loads it and the others wait for and share the result. A loaded model is read-only: any number of contexts
/// (each owned by one component: a generator's scheduler, an embedder, a perplexity evaluator) may be created over it
/// and used on different threads at the same time. A single context, by contrast, is not thread-safe and must never be
/// shared between concurrent calls.
/// </para>
/// <para>
/// <b>Errors.</b> The file is checked before native code sees it (exists, is a file, starts with the GGUF magic, has a
/// whole header); a native failure (e.g. truncated tensor data) becomes a <see cref="ModelLoadException"/> whose
/// <see cref="ModelLoadException.Reason"/> is what llama.cpp logged. The native log goes to <see cref="ILogger"/>
/// (category <c>LLama.Native</c>), never to the console.
/// </para>
/// </remarks>
public sealed partial class LlamaModel : IDisposable
{
    private static readonly Lock s_cacheGate = new();
    private static readonly Dictionary<CacheKey, SharedWeights> s_cache = [];

    // One load at a time (as before, when loads ran under the cache lock): concurrent first loads of one file wait for,
    // and share, a single load. A semaphore, not a lock, because the asynchronous load awaits while holding it.
    private static readonly SemaphoreSlim s_loadGate = new(1, 1);

    private readonly SharedWeights _shared;
    private int _disposed;

    private LlamaModel(SharedWeights shared, LlamaModelOptions options, ILoggerFactory loggerFactory)
    {
        _shared = shared;
        Options = options;
        LoggerFactory = loggerFactory;
        ContextWindow = options.Load.ContextSize ?? Math.Clamp(shared.Info.TrainedContextLength, 16, 4096);
    }

    /// <summary>Gets what the model is: architecture, size, quantization, vocabulary, context length, template.</summary>
    public LlamaModelInfo Info => _shared.Info;

    /// <summary>Gets the context window of one request, in tokens: <see cref="LlamaLoadOptions.ContextSize"/> or its default.</summary>
    public int ContextWindow { get; }

    /// <summary>Gets the id reported as the model of results.</summary>
    public string ModelId => Options.Load.ModelId ?? Path.GetFileNameWithoutExtension(Info.Path);

    /// <summary>Gets the bytes of KV cache (F16) one token takes in a context over this model, from its metadata.</summary>
    internal long KvBytesPerToken => _shared.KvBytesPerToken;

    /// <summary>Gets the native weights, shared by every component of this assembly that runs the model.</summary>
    internal LLamaWeights Weights
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _shared.Weights;
        }
    }

    /// <summary>Gets a private copy of the options the model was loaded with.</summary>
    internal LlamaModelOptions Options { get; }

    /// <summary>Gets the logger factory native and managed logs go to.</summary>
    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Loads (or shares an already loaded) GGUF model.</summary>
    /// <param name="options">Where the model is and how to run it; copied, so later changes have no effect.</param>
    /// <param name="loggerFactory">Receives the native llama.cpp log and this backend's log; none by default.</param>
    /// <returns>A handle over the loaded weights; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="LlamaLoadOptions.ModelPath"/> is empty.</exception>
    /// <exception cref="ModelLoadException">The file is missing, a directory, not GGUF, truncated, or refused by llama.cpp.</exception>
    public static LlamaModel Load(LlamaModelOptions options, ILoggerFactory? loggerFactory = null)
    {
        var (copy, path, key, logFactory) = Prepare(options, loggerFactory);
        if (TryShare(key, copy, logFactory) is { } shared)
        {
            return shared;
        }

        s_loadGate.Wait();
        try
        {
            return TryShare(key, copy, logFactory) ?? Publish(key, LoadWeights(path, copy, logFactory.CreateLogger<LlamaModel>()), copy, logFactory);
        }
        finally
        {
            s_loadGate.Release();
        }
    }

    /// <summary>
    /// Loads (or shares an already loaded) GGUF model without blocking the caller, reporting how far the load has got:
    /// use it to draw a progress bar or spinner while a large model loads.
    /// </summary>
    /// <param name="options">Where the model is and how to run it; copied, so later changes have no effect.</param>
    /// <param name="loggerFactory">Receives the native llama.cpp log and this backend's log; none by default.</param>
    /// <param name="progress">
    /// Receives the fraction loaded, from 0 to 1, never decreasing, ending with exactly 1 when the load succeeds (at once
    /// when the weights were already loaded by another handle). Called on a loader thread: keep it short and thread-safe.
    /// </param>
    /// <param name="cancellationToken">Stops the load; the partly loaded weights are freed.</param>
    /// <returns>A handle over the loaded weights; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="LlamaLoadOptions.ModelPath"/> is empty.</exception>
    /// <exception cref="ModelLoadException">The file is missing, a directory, not GGUF, truncated, or refused by llama.cpp.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<LlamaModel> LoadAsync(
        LlamaModelOptions options, ILoggerFactory? loggerFactory = null, IProgress<float>? progress = null, CancellationToken cancellationToken = default)
    {
        var (copy, path, key, logFactory) = Prepare(options, loggerFactory);
        cancellationToken.ThrowIfCancellationRequested();
        var reporter = new MonotonicProgress(progress);
        if (TryShare(key, copy, logFactory) is { } shared)
        {
            reporter.Report(1);
            return shared;
        }

        await s_loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var model = TryShare(key, copy, logFactory);
            if (model is null)
            {
                var weights = await LoadWeightsAsync(path, copy, logFactory.CreateLogger<LlamaModel>(), reporter, cancellationToken).ConfigureAwait(false);
                model = Publish(key, weights, copy, logFactory);
            }

            reporter.Report(1);
            return model;
        }
        finally
        {
            s_loadGate.Release();
        }
    }

    /// <summary>Creates the parameters of a new context over this model.</summary>
    /// <param name="contextSize">The context's size in tokens (all sequences together).</param>
    /// <param name="sequenceCount">The most sequences the context holds at once.</param>
    /// <returns>The parameters, with threads, batch sizes and attention set from the options.</returns>
    internal ModelParams CreateContextParameters(int contextSize, int sequenceCount = 1)
    {
        var parameters = new ModelParams(Info.Path)
        {
            ContextSize = (uint)contextSize,
            SeqMax = (uint)sequenceCount,
            BatchSize = (uint)Options.Load.BatchSize,
            UBatchSize = (uint)Math.Min(Options.Load.UBatchSize, Options.Load.BatchSize),
            GpuLayerCount = Options.Load.GpuLayerCount,
            FlashAttention = Options.UsesFlashAttention,
            KVUnified = true,
        };
        if (Options.Load.Threads is { } threads)
        {
            parameters.Threads = threads;
            parameters.BatchThreads = threads;
        }

        return parameters;
    }

    /// <summary>Creates a new context over this model; the caller owns it and must not share it between concurrent calls.</summary>
    /// <param name="parameters">The context parameters, usually from <see cref="CreateContextParameters"/>.</param>
    /// <returns>The context.</returns>
    /// <exception cref="GeneratorException">llama.cpp could not create the context (e.g. out of memory).</exception>
    internal LLamaContext CreateContext(ModelParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var capture = NativeLogRouter.BeginCapture();
        try
        {
            return Weights.CreateContext(parameters, LoggerFactory.CreateLogger<LlamaModel>());
        }
        catch (RuntimeError ex)
        {
            throw new GeneratorException(
                $"llama.cpp could not create a context of {parameters.ContextSize} tokens: {capture.Describe(ex.Message)}", ex)
            { Provider = LlamaGenerator.ProviderName };
        }
    }

    /// <summary>Releases this handle; the weights are freed when the last handle over them is released.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (s_cacheGate)
        {
            if (_shared.RemoveReference())
            {
                s_cache.Remove(_shared.Key);
                _shared.Weights.Dispose();
            }
        }
    }

    private static (LlamaModelOptions Copy, string Path, CacheKey Key, ILoggerFactory LoggerFactory) Prepare(
        LlamaModelOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Load, nameof(options.Load));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Load.ModelPath, nameof(options.Load.ModelPath));
        var copy = options.Clone();
        loggerFactory ??= NullLoggerFactory.Instance;
        NativeLogRouter.EnsureInstalled(loggerFactory);
        var path = Path.GetFullPath(copy.Load.ModelPath);
        return (copy, path, new CacheKey(path, copy.Load.GpuLayerCount, copy.Load.UseMemoryMap), loggerFactory);
    }

    /// <summary>A new handle over weights already loaded for <paramref name="key"/>, or <see langword="null"/>.</summary>
    private static LlamaModel? TryShare(CacheKey key, LlamaModelOptions options, ILoggerFactory loggerFactory)
    {
        lock (s_cacheGate)
        {
            return s_cache.TryGetValue(key, out var shared) && shared.TryAddReference() ? new LlamaModel(shared, options, loggerFactory) : null;
        }
    }

    private static LlamaModel Publish(CacheKey key, SharedWeights shared, LlamaModelOptions options, ILoggerFactory loggerFactory)
    {
        lock (s_cacheGate)
        {
            s_cache[key] = shared;
            return new LlamaModel(shared, options, loggerFactory);
        }
    }

    private static ModelParams LoadParameters(string path, LlamaModelOptions options) => new(path)
    {
        GpuLayerCount = options.Load.GpuLayerCount,
        LoadMode = options.Load.UseMemoryMap ? LLama.Native.LLamaLoadMode.MemoryMap : LLama.Native.LLamaLoadMode.None,
    };

    private static async Task<SharedWeights> LoadWeightsAsync(
        string path, LlamaModelOptions options, ILogger logger, IProgress<float> progress, CancellationToken cancellationToken)
    {
        var fileSize = GgufFileCheck.Check(path);
        LLamaWeights weights;
        try
        {
            weights = await LLamaWeights.LoadFromFileAsync(LoadParameters(path, options), cancellationToken, progress).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LoadWeightsFailedException or RuntimeError or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // LLamaSharp loads on a thread of its own, where this thread's capture of the native log cannot see the
            // reason; a failed load is rare and cheap to repeat, so the synchronous load below runs again to name it.
            return LoadWeights(path, options, logger);
        }

        return Describe(weights, path, fileSize, options, logger);
    }

    private static SharedWeights LoadWeights(string path, LlamaModelOptions options, ILogger logger)
    {
        var fileSize = GgufFileCheck.Check(path);
        var parameters = LoadParameters(path, options);

        LLamaWeights weights;
        using (var capture = NativeLogRouter.BeginCapture())
        {
            try
            {
                weights = LLamaWeights.LoadFromFile(parameters);
            }
            catch (Exception ex) when (ex is LoadWeightsFailedException or RuntimeError or InvalidOperationException)
            {
                var reason = capture.Describe("llama.cpp refused the file without logging a reason.");
                LogLoadFailed(logger, path, reason);
                throw new ModelLoadException(path, reason, ex) { Provider = LlamaGenerator.ProviderName };
            }
        }

        return Describe(weights, path, fileSize, options, logger);
    }

    private static SharedWeights Describe(LLamaWeights weights, string path, long fileSize, LlamaModelOptions options, ILogger logger)
    {
        var info = ReadInfo(weights, path, fileSize);
        LogLoaded(logger, path, info.Architecture, info.ParameterCount, info.FileType);
        return new SharedWeights(new CacheKey(path, options.Load.GpuLayerCount, options.Load.UseMemoryMap), weights, info)
        {
            KvBytesPerToken = EstimateKvBytesPerToken(weights.Metadata, info),
        };
    }

    private static LlamaModelInfo ReadInfo(LLamaWeights weights, string path, long fileSize)
    {
        var metadata = weights.Metadata;
        string? Get(string key) => metadata.TryGetValue(key, out var value) ? value : null;
        var architecture = Get("general.architecture") ?? "unknown";
        var trained = int.TryParse(Get($"{architecture}.context_length"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : weights.ContextSize;
        return new LlamaModelInfo(
            path,
            Get("general.name"),
            architecture,
            (long)weights.ParameterCount,
            GgufFileTypes.Describe(Get("general.file_type")),
            trained,
            weights.Vocab.Count,
            weights.EmbeddingSize,
            !string.IsNullOrEmpty(Get("tokenizer.chat_template")),
            fileSize);
    }

    // K and V, F16, for every layer: layers × (key width + value width) × KV heads × 2 bytes.
    private static long EstimateKvBytesPerToken(IReadOnlyDictionary<string, string> metadata, LlamaModelInfo info)
    {
        long Get(string key, long fallback) =>
            metadata.TryGetValue($"{info.Architecture}.{key}", out var value)
            && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
        var layers = Get("block_count", 1);
        var heads = Get("attention.head_count", 1);
        var kvHeads = Get("attention.head_count_kv", heads);
        var headWidth = Math.Max(1, info.EmbeddingSize / heads);
        return layers * (Get("attention.key_length", headWidth) + Get("attention.value_length", headWidth)) * kvHeads * 2;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Loaded model {Path}: {Architecture}, {ParameterCount} parameters, {FileType}")]
    private static partial void LogLoaded(ILogger logger, string path, string architecture, long parameterCount, string fileType);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Could not load model {Path}: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string path, string reason);

    private readonly record struct CacheKey(string Path, int GpuLayerCount, bool UseMemoryMap);

    private sealed class SharedWeights(CacheKey key, LLamaWeights weights, LlamaModelInfo info)
    {
        private int _references = 1;

        public CacheKey Key { get; } = key;

        public LLamaWeights Weights { get; } = weights;

        public LlamaModelInfo Info { get; } = info;

        public long KvBytesPerToken { get; init; }

        // Both called under s_cacheGate.
        public bool TryAddReference()
        {
            if (_references == 0)
            {
                return false;
            }

            _references++;
            return true;
        }

        public bool RemoveReference() => --_references == 0;
    }

    /// <summary>Passes on only values that move forward, clamped to [0, 1], so a caller's bar never goes backwards.</summary>
    private sealed class MonotonicProgress(IProgress<float>? inner) : IProgress<float>
    {
        private readonly Lock _gate = new();
        private float _last = -1;

        public void Report(float value)
        {
            if (inner is null || float.IsNaN(value))
            {
                return;
            }

            value = Math.Clamp(value, 0f, 1f);
            // Reported under the lock, so two loader threads can never deliver values out of order.
            lock (_gate)
            {
                if (value <= _last)
                {
                    return;
                }

                _last = value;
                inner.Report(value);
            }
        }
    }
}
