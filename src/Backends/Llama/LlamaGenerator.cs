using System.Runtime.CompilerServices;
using Agents.Backends.Llama.Chat;
using Agents.Backends.Llama.Generation;
using Agents.Backends.Llama.Grammar;
using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Scheduling;
using Agents.Backends.Llama.Tokenization;
using Agents.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama;

/// <summary>
/// An <see cref="IGenerator"/> over a local GGUF model run in-process by llama.cpp (through LLamaSharp): chat
/// formatting, greedy, sampled and beam-search decoding, stop sequences, streaming, log-probabilities, LoRA adapters,
/// and many concurrent requests decoded together in one context.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: any number of calls may run at once. A scheduler thread owns the generator's llama.cpp context and
/// decodes every active request in one batch per step (continuous batching); requests beyond
/// <see cref="LlamaSchedulingOptions.MaxConcurrentSequences"/> wait in a queue of at most
/// <see cref="LlamaSchedulingOptions.MaxQueueLength"/>, beyond which calls fail with <see cref="RateLimitedException"/>.
/// </para>
/// <para>
/// Cancelling a call throws <see cref="OperationCanceledException"/> at once and frees its sequence at the next decode
/// step. <see cref="GetService"/> offers <see cref="GeneratorMetadata"/>, <see cref="ITokenizer"/>,
/// <see cref="LlamaModelInfo"/>, <see cref="LlamaModel"/> and, when <see cref="LlamaModelOptions.PrefixCache"/> is set,
/// <see cref="PrefixCache.IPrefixCache"/>.
/// </para>
/// </remarks>
public sealed partial class LlamaGenerator : IGenerator
{
    /// <summary>The provider name reported in metadata and exceptions.</summary>
    public const string ProviderName = "llama.cpp";

    /// <summary>The memory the default KV cache may take: 1 GiB.</summary>
    private const long DefaultKvCacheBytes = 1L << 30;

    private readonly LlamaModel _model;
    private readonly bool _ownsModel;
    private readonly LlamaTokenizer _tokenizer;
    private readonly PromptBuilder _promptBuilder;
    private readonly IChatPromptFormatter? _formatter;
    private readonly LoraAdapterSet _lora;
    private readonly BatchScheduler _scheduler;
    private readonly GeneratorMetadata _metadata;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenPrefixCache? _ownedPrefixCache;
    private readonly IPrefixCache? _prefixCacheService;
    private int _disposed;
    private int _preparing;

    /// <summary>Loads (or shares) the model named by <paramref name="options"/> and creates a generator over it.</summary>
    /// <param name="options">The model and how to run it; copied.</param>
    /// <param name="loggerFactory">Receives the backend's and llama.cpp's logs; none by default.</param>
    /// <param name="timeProvider">The clock for timings; the system clock by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="ModelLoadException">The model or a LoRA adapter cannot be loaded.</exception>
    public LlamaGenerator(LlamaModelOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(LoadValidated(options, loggerFactory), ownsModel: true, timeProvider)
    {
    }

    /// <summary>Creates a generator over an already loaded model, with the options it was loaded with; the model stays the caller's to dispose.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="timeProvider">The clock for timings; the system clock by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's options are invalid for a generator; the message lists every problem.</exception>
    /// <exception cref="ModelLoadException">A LoRA adapter cannot be loaded.</exception>
    public LlamaGenerator(LlamaModel model, TimeProvider? timeProvider = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), ownsModel: false, timeProvider)
    {
    }

    /// <summary>Creates a generator, optionally over a saved-state tier given by the caller (tests of that seam).</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="ownsModel">Whether disposing the generator disposes <paramref name="model"/>.</param>
    /// <param name="timeProvider">The clock for timings; the system clock by default.</param>
    /// <param name="savedStates">
    /// A saved-state tier every evaluated prompt is saved to and restored from, with no resident tier; by default the
    /// tiers <see cref="LlamaModelOptions.PrefixCache"/> configures (none when it is not set).
    /// </param>
    internal LlamaGenerator(LlamaModel model, bool ownsModel, TimeProvider? timeProvider, ISavedStateTier? savedStates = null)
    {
        _model = model;
        _ownsModel = ownsModel;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = model.LoggerFactory.CreateLogger<LlamaGenerator>();
        var options = model.Options;
        LoraAdapterSet? lora = null;
        try
        {
            Validate(options);
            var weights = model.Weights;
            _tokenizer = new LlamaTokenizer(weights);
            _formatter = ChatPromptFormatterFactory.Create(weights, model.Info, options.Load);
            _promptBuilder = new PromptBuilder(_formatter, _tokenizer, model.ContextWindow, options.Scheduling.ContextOverflowPolicy);
            lora = LoraAdapterSet.Load(weights, options.Load.LoraAdapters);
            // llama.cpp allows 256 sequence ids. With the configured cache on, the last is the cache's scratch sequence, taken
            // from the scheduler's pool rather than added: one more sequence id in the context (18 against 17) measured 13%
            // slower prompt evaluation on the benchmark model, for every request.
            var ownsCache = savedStates is null && options.PrefixCache is not null;
            var scheduling = options.Scheduling;
            var contextSequences = Math.Min(256, scheduling.MaxConcurrentSequences + (2 * scheduling.MaxBeamWidth));
            var sequences = ownsCache ? contextSequences - 1 : contextSequences;
            var kvTokens = scheduling.KvCacheTokens ?? DefaultKvCacheTokens(model, scheduling.MaxConcurrentSequences);
            var context = model.CreateContext(model.CreateContextParameters(Math.Max(kvTokens, model.ContextWindow), contextSequences));
            KvCachePolicy? kv = null;
            try
            {
                lora.ApplyTo(context);
                var resident = ResidentPrefixes.None;
                if (ownsCache)
                {
                    // One LRU clock for both tiers: a resident prefix spilled on eviction keeps its age in the saved tier.
                    var clock = new LruClock();
                    _ownedPrefixCache = CreatePrefixCache(model, options, clock);
                    resident = new ResidentPrefixes(options.PrefixCache!.MinimumPrefixTokens, model.KvBytesPerToken, clock);
                    _ownedPrefixCache.ResidentTier = resident;
                    savedStates = _ownedPrefixCache;
                }

                _prefixCacheService = savedStates as IPrefixCache;
                var settings = new KvCacheSettings
                {
                    Capacity = (int)context.ContextSize,
                    Sequences = sequences,
                    // Prompts stay resident in the KV cache after their requests; states are saved only when a reused
                    // one is evicted. A tier handed in (no resident tier) saves every evaluated prompt instead.
                    ScratchSequence = ownsCache ? sequences : null,
                    SaveOnEvaluation = !ownsCache,
                    InlineSpills = !ownsCache,
                };
                kv = new KvCachePolicy(new LlamaKvStore(context), settings, savedStates ?? NoSavedStates.Instance, resident, _logger);
                _scheduler = new BatchScheduler(context, scheduling, kv, _logger);
            }
            catch
            {
                kv?.Dispose();
                _ownedPrefixCache?.Dispose();
                context.Dispose();
                throw;
            }

            _lora = lora;
        }
        catch
        {
            // A generator that fails to start gives back everything it took, the model handle included when it owns it.
            lora?.Dispose();
            if (ownsModel)
            {
                model.Dispose();
            }

            throw;
        }

        _metadata = new GeneratorMetadata(
            ProviderName,
            model.ModelId,
            model.ContextWindow,
            GeneratorCapabilities.Streaming | GeneratorCapabilities.LogProbabilities | GeneratorCapabilities.BeamSearch
            | GeneratorCapabilities.JsonSchema | GeneratorCapabilities.Grammar | GeneratorCapabilities.Tools);
    }

    /// <summary>Gets the loaded model's metadata.</summary>
    public LlamaModelInfo ModelInfo => _model.Info;

    /// <inheritdoc/>
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var job = Prepare(request, bufferUpdates: true, cancellationToken);
        return ReadAsync(job, cancellationToken).ToResultAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        // Checked at the call, not at the first MoveNextAsync.
        var job = Prepare(request, bufferUpdates: false, cancellationToken);
        return ReadAsync(job, cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(GeneratorMetadata) ? _metadata
            : serviceType == typeof(ITokenizer) ? _tokenizer
            : serviceType == typeof(LlamaModelInfo) ? _model.Info
            : serviceType == typeof(LlamaModel) ? _model
            : serviceType == typeof(IPrefixCache) ? _prefixCacheService
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Stops the scheduler (running requests fail with <see cref="ObjectDisposedException"/>), frees the context and adapters, and releases the model if this generator loaded it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A call still formatting or tokenizing uses the model: let it finish (it then sees the flag and throws).
        var wait = default(SpinWait);
        while (Volatile.Read(ref _preparing) != 0)
        {
            wait.SpinOnce();
        }

        _scheduler.Dispose();
        _ownedPrefixCache?.Dispose();
        _lora.Dispose();
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    /// <summary>The default KV cache: what fits in <see cref="DefaultKvCacheBytes"/>, at least one window, at most one per concurrent sequence.</summary>
    internal static int DefaultKvCacheTokens(LlamaModel model, int maxConcurrentSequences)
    {
        var affordable = DefaultKvCacheBytes / Math.Max(1, model.KvBytesPerToken);
        var wanted = (long)model.ContextWindow * maxConcurrentSequences;
        return (int)Math.Clamp(Math.Min(affordable, wanted), model.ContextWindow, wanted);
    }

    /// <summary>
    /// Creates the saved-state tier configured by <see cref="LlamaModelOptions.PrefixCache"/>; with a disk tier, keyed
    /// to the content of this model and its adapters and to its attention mode (hashed only then; the cost is measured by
    /// the <c>prefix-cache-identity</c> benchmark).
    /// </summary>
    private static TokenPrefixCache CreatePrefixCache(LlamaModel model, LlamaModelOptions options, LruClock clock)
    {
        PrefixCacheIdentity? identity = null;
        try
        {
            identity = options.PrefixCache?.DiskDirectory is null ? null : PrefixCacheIdentity.Compute(model, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(model.Info.Path, $"the model or an adapter could not be read to name the prefix cache's disk files: {ex.Message}", ex)
            {
                Provider = ProviderName,
            };
        }

        return new TokenPrefixCache(options.PrefixCache, identity, model.LoggerFactory.CreateLogger<TokenPrefixCache>(), clock: clock);
    }

    /// <summary>
    /// How many leading tokens of <paramref name="prompt"/> render the hint's shared messages: the first
    /// <see cref="CacheHint.SharedPrefixMessageCount"/> messages formatted and tokenized alone, cut to what they have in
    /// common with the prompt (the template may end them differently), so only those tokens are ever shared.
    /// </summary>
    private int SharedPrefixTokens(IList<Message> messages, CacheHint? hint, LLama.Native.LLamaToken[] prompt)
    {
        var count = Math.Min(hint?.SharedPrefixMessageCount ?? 0, messages.Count);
        if (count <= 0 || _formatter is null || _prefixCacheService is null)
        {
            return 0;
        }

        var shared = _promptBuilder.Tokenize([.. messages.Take(count)]) ?? [];
        var length = 0;
        var limit = Math.Min(shared.Length, prompt.Length);
        while (length < limit && shared[length] == prompt[length])
        {
            length++;
        }

        return length;
    }

    /// <summary>The tenant scope of a request's KV: its tenant's, else the anonymous one or, when so configured, its own.</summary>
    private PrefixScope ScopeOf(CacheHint? hint) =>
        string.IsNullOrEmpty(hint?.TenantKey) && _model.Options.PrefixCache is { IsolateRequestsWithoutTenant: true }
            ? PrefixScope.Isolated()
            : PrefixScope.ForTenant(hint?.TenantKey);

    private static LlamaModel LoadValidated(LlamaModelOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return LlamaModel.Load(options, loggerFactory ?? NullLoggerFactory.Instance);
    }

    // Every section at once, each failure under its key (the keys configuration binds: ModelPath, PrefixCache:MaxBytes).
    private static void Validate(LlamaModelOptions options) => OptionsValidator.ThrowIfInvalid(options, nameof(options));

    private SequenceJob Prepare(GenerationRequest request, bool bufferUpdates, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _preparing);
        try
        {
            return PrepareCore(request, bufferUpdates, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _preparing);
        }
    }

    private SequenceJob PrepareCore(GenerationRequest request, bool bufferUpdates, CancellationToken cancellationToken)
    {
        GenerationRequestValidator.Validate(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var start = _timeProvider.GetTimestamp();
        var options = request.Options ?? new GenerationOptions();
        var (messages, grammar) = LocalStructuredOutput.Prepare(request.Messages, options, _model.Options.StructuredOutput);
        var decoding = options.GetEffectiveDecoding();
        if (grammar is not null && decoding.Kind == DecodingKind.Beam && decoding.BeamWidth > 1)
        {
            throw new InvalidRequestException("Beam search cannot be combined with a response format, tools or a grammar on the local backend.")
            {
                Provider = ProviderName,
                Parameter = nameof(options.Decoding),
            };
        }

        if (decoding.Kind == DecodingKind.Beam && decoding.BeamWidth > _model.Options.Scheduling.MaxBeamWidth)
        {
            throw new InvalidRequestException(
                $"A beam width of {decoding.BeamWidth} is over this generator's MaxBeamWidth of {_model.Options.Scheduling.MaxBeamWidth}.")
            {
                Provider = ProviderName,
                Parameter = "BeamWidth",
            };
        }

        if (options.MaxTokens is { } requested && requested >= _model.ContextWindow)
        {
            // No prompt fits beside it; checked here, before any sum of prompt and MaxTokens can overflow.
            var (whole, _) = _promptBuilder.Build(messages, maxTokens: null);
            throw new ContextWindowExceededException(whole.Length, _model.ContextWindow, requested) { Provider = ProviderName };
        }

        var (prompt, maxCompletion) = _promptBuilder.Build(messages, options.MaxTokens);
        var settings = new JobSettings
        {
            Prompt = prompt,
            MaxCompletionTokens = maxCompletion,
            Options = options,
            StopSequences = options.StopSequences is { } stops ? [.. stops] : [],
            IncludeLogProbabilities = options.IncludeLogProbabilities == true,
            Weights = _model.Weights,
            Tokenizer = _tokenizer,
            ModelId = _model.ModelId,
            TimeProvider = _timeProvider,
            StartTimestamp = start,
            CacheHint = options.CacheHint,
            SharedPrefixTokens = SharedPrefixTokens(messages, options.CacheHint, prompt),
            PrefixScope = ScopeOf(options.CacheHint),
            CancellationToken = cancellationToken,
            BufferUpdates = bufferUpdates,
            StreamFlushInterval = _model.Options.Scheduling.StreamFlushInterval,
            Grammar = grammar,
        };
        SequenceJob job = decoding.Kind == DecodingKind.Beam && decoding.BeamWidth > 1
            ? new BeamSearchJob(settings, decoding)
            : new SingleSequenceJob(settings);
        if (job.ReservedCells > _scheduler.KvCapacity)
        {
            (job as IDisposable)?.Dispose();
            throw new ContextWindowExceededException(
                $"The request needs {job.ReservedCells} KV cache cells (prompt {prompt.Length} + {maxCompletion} tokens per beam), "
                + $"over the {_scheduler.KvCapacity} of KvCacheTokens.")
            {
                Provider = ProviderName,
            };
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRequest(_logger, prompt.Length, maxCompletion, decoding);
        }

        if (_model.Options.EnableSensitiveDataLogging && _logger.IsEnabled(LogLevel.Trace))
        {
            var promptText = _tokenizer.Decode(prompt.Select(t => (int)t));
            LogPrompt(_logger, promptText);
        }

        return job;
    }

    private void Submit(SequenceJob job)
    {
        try
        {
            _scheduler.Submit(job);
        }
        catch
        {
            (job as IDisposable)?.Dispose();
            throw;
        }
    }

    // The job is submitted when enumeration starts, so a stream that is never read never runs.
    private async IAsyncEnumerable<GenerationUpdate> ReadAsync(SequenceJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Submit(job);
        var finished = false;
        using var registration = cancellationToken.Register(static state =>
        {
            var (job, scheduler) = ((SequenceJob, BatchScheduler))state!;
            job.RequestCancel();
            scheduler.Nudge();
        }, (job, _scheduler));
        try
        {
            while (await job.Events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (job.Events.TryRead(out var item))
                {
                    // Updates may already be buffered: cancellation still wins before the next one is handed out.
                    cancellationToken.ThrowIfCancellationRequested();
                    finished = item.IsFinal;
                    yield return item.Update;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                // Cancelled or abandoned: the scheduler frees the sequence at its next step.
                job.RequestCancel();
                _scheduler.Nudge();
            }
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "Generating: {PromptTokens} prompt tokens, up to {MaxTokens} more, {Decoding}")]
    private static partial void LogRequest(ILogger logger, int promptTokens, int maxTokens, DecodingStrategy decoding);

    [LoggerMessage(EventId = 31, Level = LogLevel.Trace, Message = "Prompt: {Prompt}")]
    private static partial void LogPrompt(ILogger logger, string prompt);
}
