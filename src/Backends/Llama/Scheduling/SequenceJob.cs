using System.Runtime.InteropServices;
using System.Threading.Channels;
using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// One request as the scheduler runs it: its prompt, the sequences it holds in the shared context, and the channel
/// its caller reads updates from. Every method but the constructor, <see cref="RequestCancel"/> and
/// <see cref="Events"/> runs on the scheduler's thread.
/// </summary>
internal abstract class SequenceJob
{
    private readonly Channel<JobEvent> _events = Channel.CreateUnbounded<JobEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly TimeProvider _timeProvider;
    private readonly long _startTimestamp;
    private long? _firstTokenTimestamp;
    private int _pendingPrefill;
    private int _pendingPrefillLogitIndex = -1;
    private volatile bool _cancelRequested;
    private readonly long _flushInterval;
    private List<JobEvent>? _buffered;
    private List<JobEvent>? _held;
    private long _lastFlush;
    private KvRequest? _kv;

    protected SequenceJob(JobSettings settings)
    {
        Settings = settings;
        _timeProvider = settings.TimeProvider;
        _startTimestamp = settings.StartTimestamp;

        // A caller that wants only the whole result is woken once, at the end, not once per token: on a small
        // machine those wake-ups take CPU from llama.cpp's own threads.
        _buffered = settings.BufferUpdates ? [] : null;
        _flushInterval = (long)(settings.StreamFlushInterval.TotalSeconds * _timeProvider.TimestampFrequency);
    }

    /// <summary>Gets what the job was asked to do.</summary>
    public JobSettings Settings { get; }

    /// <summary>Gets the prompt's tokens.</summary>
    public LLamaToken[] Prompt => Settings.Prompt;

    /// <summary>Gets how many sequence ids the job needs.</summary>
    public abstract int SequenceCount { get; }

    /// <summary>Gets how many KV cells the job may use at most; admission waits until they are free.</summary>
    public abstract int ReservedCells { get; }

    /// <summary>Gets the request as the KV-cache policy sees it.</summary>
    public KvRequest Kv => _kv ??= new KvRequest(
        MemoryMarshal.Cast<LLamaToken, int>(Prompt.AsSpan()).ToArray(),
        Settings.PrefixScope ?? PrefixScope.ForTenant(Settings.CacheHint?.TenantKey),
        Settings.SharedPrefixTokens,
        Settings.CacheHint,
        SequenceCount,
        ReservedCells);

    /// <summary>Gets the sequence ids assigned at admission.</summary>
    public LLamaSeqId[] Sequences { get; private set; } = [];

    /// <summary>Gets how many prompt tokens are in the KV cache.</summary>
    public int PromptEvaluated { get; private set; }

    /// <summary>Gets how many prompt tokens came from a prefix cache.</summary>
    public int CachedPromptTokens { get; private set; }

    /// <summary>Gets whether the prompt is still being evaluated.</summary>
    public bool InPrefill => PromptEvaluated < Prompt.Length;

    /// <summary>Gets whether the job has ended (finished, failed or cancelled); its sequences can be freed.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Gets whether the job finished normally (not failed or cancelled).</summary>
    public bool Succeeded { get; private set; }

    /// <summary>
    /// Gets the tokens whose KV the job's first sequence holds once it has finished (prompt, then the generated
    /// tokens that were decoded), for keeping them resident; <see langword="null"/> when the job's KV is not reusable.
    /// </summary>
    public virtual int[]? ResidentTokens => null;

    /// <summary>Gets whether the caller cancelled or abandoned the job.</summary>
    public bool IsCancelRequested => _cancelRequested || Settings.CancellationToken.IsCancellationRequested;

    /// <summary>Gets the updates, for the caller.</summary>
    public ChannelReader<JobEvent> Events => _events.Reader;

    /// <summary>Asks the scheduler to stop the job at the next step and free its sequences; callable from any thread.</summary>
    public void RequestCancel() => _cancelRequested = true;

    /// <summary>Binds the job to its sequences.</summary>
    /// <param name="sequences">The sequence ids, all empty in the context.</param>
    /// <param name="cachedPromptTokens">Prompt tokens already restored into the first sequence by a prefix cache.</param>
    public void Start(LLamaSeqId[] sequences, int cachedPromptTokens)
    {
        Sequences = sequences;
        PromptEvaluated = CachedPromptTokens = cachedPromptTokens;
    }

    /// <summary>Adds up to <paramref name="maxTokens"/> prompt tokens to the batch; logits are asked for the last prompt token only.</summary>
    /// <returns>How many tokens were added.</returns>
    public int AddPrefill(LLamaBatch batch, int maxTokens)
    {
        var count = Math.Min(maxTokens, Prompt.Length - PromptEvaluated);
        for (var i = 0; i < count; i++)
        {
            var position = PromptEvaluated + i;
            var last = position == Prompt.Length - 1;
            var index = batch.Add(Prompt[position], position, Sequences[0], last);
            if (last)
            {
                _pendingPrefillLogitIndex = index;
            }
        }

        _pendingPrefill = count;
        return count;
    }

    /// <summary>Adds the job's next generated token(s) to the batch.</summary>
    public abstract void AddDecode(LLamaBatch batch);

    /// <summary>Called after a successful decode of a batch the job took part in: consumes the logits.</summary>
    /// <param name="context">The context, whose logits are those of the batch.</param>
    /// <returns>Whether this step completed the prompt's evaluation (the first sequence holds exactly the prompt).</returns>
    public bool Commit(LLamaContext context)
    {
        if (_pendingPrefill > 0)
        {
            PromptEvaluated += _pendingPrefill;
            _pendingPrefill = 0;
            if (InPrefill)
            {
                return false;
            }

            OnPromptEvaluated(context, _pendingPrefillLogitIndex);
            return true;
        }

        OnDecoded(context);
        return false;
    }

    /// <summary>Forgets what was added to a batch that failed to decode.</summary>
    public virtual void Rollback() => _pendingPrefill = 0;

    /// <summary>Ends the job with an error.</summary>
    public void Fail(Exception exception)
    {
        if (IsDone)
        {
            return;
        }

        IsDone = true;
        FlushHeld();
        _events.Writer.TryComplete(exception);
    }

    /// <summary>Ends the job because the caller cancelled it.</summary>
    public void Cancel() => Fail(new OperationCanceledException(
        "The generation was cancelled.", Settings.CancellationToken.IsCancellationRequested ? Settings.CancellationToken : CancellationToken.None));

    /// <summary>Consumes the logits of the last prompt token.</summary>
    protected abstract void OnPromptEvaluated(LLamaContext context, int logitIndex);

    /// <summary>Consumes the logits of the tokens added by <see cref="AddDecode"/>.</summary>
    protected abstract void OnDecoded(LLamaContext context);

    /// <summary>Sends a content update to the caller.</summary>
    protected void Emit(GenerationUpdate update)
    {
        var item = new JobEvent(update, IsFinal: false);
        if (_buffered is not null)
        {
            _buffered.Add(item);
            return;
        }

        // Updates closer together than the flush interval are held and handed over together: each hand-over wakes
        // the caller's thread, which on a small machine preempts one of llama.cpp's. The first goes out at once.
        if (_flushInterval > 0)
        {
            var now = _timeProvider.GetTimestamp();
            if (_lastFlush != 0 && now - _lastFlush < _flushInterval)
            {
                (_held ??= []).Add(item);
                return;
            }

            FlushHeld();
            _lastFlush = now;
        }

        _events.Writer.TryWrite(item);
    }

    private void FlushHeld()
    {
        if (_held is not { Count: > 0 })
        {
            return;
        }

        foreach (var held in _held)
        {
            _events.Writer.TryWrite(held);
        }

        _held.Clear();
    }

    /// <summary>Records the time of the first generated token.</summary>
    protected void MarkFirstToken() => _firstTokenTimestamp ??= _timeProvider.GetTimestamp();

    /// <summary>Sends the final update (finish reason, usage, timings) and ends the job.</summary>
    protected void Finish(FinishReason reason, int completionTokens, GenerationUpdate? final = null)
    {
        if (IsDone)
        {
            return;
        }

        var now = _timeProvider.GetTimestamp();
        final ??= new GenerationUpdate();
        final.FinishReason = reason;
        final.ModelId = Settings.ModelId;
        final.Usage = new Usage
        {
            PromptTokens = Prompt.Length,
            CompletionTokens = completionTokens,
            CachedPromptTokens = CachedPromptTokens,
        };
        final.Timings = new GenerationTimings
        {
            TimeToFirstToken = _firstTokenTimestamp is { } first ? _timeProvider.GetElapsedTime(_startTimestamp, first) : null,
            Total = _timeProvider.GetElapsedTime(_startTimestamp, now),
        };
        IsDone = true;
        Succeeded = true;
        FlushHeld();
        foreach (var item in _buffered ?? [])
        {
            _events.Writer.TryWrite(item);
        }

        _events.Writer.TryWrite(new JobEvent(final, IsFinal: true));
        _events.Writer.TryComplete();
    }
}
