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
/// <b>Thread-safety.</b> <see cref="Load"/> may be called from any number of threads at once; the first caller for a
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
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Load, nameof(options.Load));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Load.ModelPath, nameof(options.Load.ModelPath));
        var copy = options.Clone();
        loggerFactory ??= NullLoggerFactory.Instance;
        NativeLogRouter.EnsureInstalled(loggerFactory);

        var path = Path.GetFullPath(copy.Load.ModelPath);
        var key = new CacheKey(path, copy.Load.GpuLayerCount, copy.Load.UseMemoryMap);
        lock (s_cacheGate)
        {
            if (s_cache.TryGetValue(key, out var shared) && shared.TryAddReference())
            {
                return new LlamaModel(shared, copy, loggerFactory);
            }

            // Loading under the lock makes concurrent first loads of one file wait for, and share, a single load.
            shared = LoadWeights(path, copy, loggerFactory.CreateLogger<LlamaModel>());
            s_cache[key] = shared;
            return new LlamaModel(shared, copy, loggerFactory);
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

    private static SharedWeights LoadWeights(string path, LlamaModelOptions options, ILogger logger)
    {
        var fileSize = GgufFileCheck.Check(path);
        var parameters = new ModelParams(path)
        {
            GpuLayerCount = options.Load.GpuLayerCount,
            LoadMode = options.Load.UseMemoryMap ? LLama.Native.LLamaLoadMode.MemoryMap : LLama.Native.LLamaLoadMode.None,
        };

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
}
