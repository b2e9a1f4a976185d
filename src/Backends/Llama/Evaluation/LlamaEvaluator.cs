using Agents.Backends.Llama.Generation;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama;

/// <summary>
/// Scores texts under a local GGUF model: the log-likelihood of every token given the ones before it, and the
/// perplexity that follows, from one forward pass that keeps every position's logits.
/// </summary>
/// <remarks>
/// Thread-safe: calls take turns on the evaluator's own context (a llama.cpp context must not be used by two threads
/// at once). Cancellation is checked between decode batches and throws <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class LlamaEvaluator : IDisposable
{
    private readonly LlamaModel _model;
    private readonly bool _ownsModel;
    private readonly LLamaContext _context;
    private readonly int _contextSize;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _disposed;

    /// <summary>Creates an evaluator over an already loaded model, which stays the caller's to dispose.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">Context size and threads; copied. Defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="GeneratorException">llama.cpp could not create the context.</exception>
    public LlamaEvaluator(LlamaModel model, LlamaEvaluatorOptions? options = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), ownsModel: false, options)
    {
    }

    /// <summary>Loads (or shares) the model named by <paramref name="modelOptions"/> and creates an evaluator over it.</summary>
    /// <param name="modelOptions">The model file and how to run it.</param>
    /// <param name="options">Context size and threads; copied. Defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Receives llama.cpp's log; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="modelOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    public LlamaEvaluator(LlamaModelOptions modelOptions, LlamaEvaluatorOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(LlamaModel.Load(modelOptions, loggerFactory), ownsModel: true, options)
    {
    }

    private LlamaEvaluator(LlamaModel model, bool ownsModel, LlamaEvaluatorOptions? options)
    {
        _model = model;
        _ownsModel = ownsModel;
        try
        {
            options = options?.Clone() ?? new LlamaEvaluatorOptions();
            Agents.Configuration.OptionsValidator.ThrowIfInvalid(options, nameof(options));

            _contextSize = options.ContextSize ?? model.ContextWindow;
            var parameters = model.CreateContextParameters(_contextSize);
            _batchSize = (int)Math.Min(parameters.BatchSize, (uint)_contextSize);
            parameters.BatchSize = (uint)_batchSize;
            parameters.UBatchSize = Math.Min(parameters.UBatchSize, (uint)_batchSize);
            if (options.Threads is { } threads)
            {
                parameters.Threads = threads;
                parameters.BatchThreads = threads;
            }

            _context = model.CreateContext(parameters);
        }
        catch
        {
            if (ownsModel)
            {
                model.Dispose();
            }

            throw;
        }
    }

    /// <summary>Gets the longest text scored, in tokens (BOS included).</summary>
    public int ContextSize => _contextSize;

    /// <summary>Computes the log-likelihood and perplexity of <paramref name="text"/> (tokenized with BOS first).</summary>
    /// <param name="text">The text; it needs at least one token.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The score of every token after BOS.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    /// <exception cref="ContextWindowExceededException">The text has more tokens than <see cref="ContextSize"/>.</exception>
    /// <exception cref="GeneratorException">llama.cpp failed to decode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<PerplexityResult> ComputePerplexityAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var tokens = Tokenize(text, addBos: true);
        return ScoreAsync(tokens, firstScored: 1, cancellationToken);
    }

    /// <summary>
    /// Computes the log-likelihood of <paramref name="continuation"/> following <paramref name="context"/>: only the
    /// continuation's tokens are scored, each given the context and the continuation's earlier tokens.
    /// </summary>
    /// <param name="context">The conditioning text (tokenized with BOS first); may be empty.</param>
    /// <param name="continuation">The scored text, tokenized on its own; it needs at least one token.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The score of the continuation's tokens.</returns>
    /// <exception cref="ArgumentException"><paramref name="continuation"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ContextWindowExceededException">Context and continuation together have more tokens than <see cref="ContextSize"/>.</exception>
    /// <exception cref="GeneratorException">llama.cpp failed to decode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<PerplexityResult> ComputeLogLikelihoodAsync(string context, string continuation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(continuation);
        var prefix = Tokenize(context, addBos: true);
        var scored = Tokenize(continuation, addBos: false);
        return ScoreAsync([.. prefix, .. scored], firstScored: prefix.Length, cancellationToken);
    }

    /// <summary>Tokenizes <paramref name="text"/> the way <see cref="ComputePerplexityAsync"/> does, BOS first.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Tokenize(text, addBos: true).Select(token => (int)token)];
    }

    /// <summary>
    /// Scores token ids (from <see cref="Tokenize(string)"/>): tokens[<paramref name="firstScored"/>..], each given
    /// every token before it — the building block of a sliding-window perplexity over texts longer than the context.
    /// </summary>
    /// <param name="tokens">At most <see cref="ContextSize"/> token ids.</param>
    /// <param name="firstScored">The index of the first scored token, at least 1.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The score of the scored tokens.</returns>
    /// <exception cref="ArgumentException">No token to score.</exception>
    /// <exception cref="ContextWindowExceededException">More tokens than <see cref="ContextSize"/>.</exception>
    /// <exception cref="GeneratorException">llama.cpp failed to decode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<PerplexityResult> ScoreTokensAsync(IReadOnlyList<int> tokens, int firstScored, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return ScoreAsync([.. tokens.Select(id => (LLamaToken)id)], firstScored, cancellationToken);
    }

    /// <summary>Frees the context, and the model if this evaluator loaded it. Calls running at that moment finish first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _context.Dispose();
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

    private LLamaToken[] Tokenize(string text, bool addBos) =>
        text.Length == 0 ? (addBos ? [_model.Weights.Vocab.BOS ?? throw new InvalidOperationException("The model has no BOS token.")] : [])
        : _model.Weights.Tokenize(text, addBos, false, System.Text.Encoding.UTF8);

    private async Task<PerplexityResult> ScoreAsync(LLamaToken[] tokens, int firstScored, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (tokens.Length - firstScored < 1 || firstScored < 1)
        {
            throw new ArgumentException("The text has no token to score.");
        }

        if (tokens.Length > _contextSize)
        {
            throw new ContextWindowExceededException(tokens.Length, _contextSize) { Provider = LlamaGenerator.ProviderName };
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return Score(tokens, firstScored, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Position p's logits predict token p + 1, so positions firstScored - 1 … n - 2 score tokens firstScored … n - 1.
    private PerplexityResult Score(LLamaToken[] tokens, int firstScored, CancellationToken cancellationToken)
    {
        _context.NativeHandle.MemoryClear();
        var logProbabilities = new double[tokens.Length - firstScored];
        var batch = new LLamaBatch();
        for (var start = 0; start < tokens.Length - 1; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            var end = Math.Min(start + _batchSize, tokens.Length - 1);
            for (var position = start; position < end; position++)
            {
                batch.Add(tokens[position], position, LLamaSeqId.Zero, logits: position >= firstScored - 1);
            }

            var result = _context.NativeHandle.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new GeneratorException($"llama.cpp could not decode the text: {result}.") { Provider = LlamaGenerator.ProviderName };
            }

            for (var position = Math.Max(start, firstScored - 1); position < end; position++)
            {
                var logits = _context.NativeHandle.GetLogitsIth(position - start);
                var next = (int)tokens[position + 1];
                logProbabilities[position + 1 - firstScored] = logits[next] - Logits.LogSumExp(logits);
            }
        }

        _context.NativeHandle.MemoryClear();
        return new PerplexityResult(logProbabilities.Length, logProbabilities.Sum(), logProbabilities);
    }
}
