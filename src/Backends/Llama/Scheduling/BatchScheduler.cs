using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// Owns one llama.cpp context and runs every request of a generator in it with continuous batching: each step
/// decodes one token of every active sequence (plus chunks of newly admitted prompts) in a single batch, so the
/// weights are read once per step for all of them. A single active request is a plain decode loop of one token per
/// step. Requests beyond <see cref="LlamaModelOptions.MaxConcurrentSequences"/>, or whose KV budget does not fit
/// yet, wait in a bounded queue.
/// </summary>
/// <remarks>The context is touched only by the scheduler's own thread; callers talk to it through jobs.</remarks>
internal sealed partial class BatchScheduler : IDisposable
{
    private readonly LLamaContext _context;
    private readonly IPromptPrefixCache _prefixCache;
    private readonly ILogger _logger;
    private readonly int _maxActive;
    private readonly int _maxQueue;
    private readonly int _maxNoKvSlotRetries;
    private readonly int _batchSize;
    private readonly Lock _gate = new();
    private readonly Queue<SequenceJob> _pending = new();
    private readonly List<SequenceJob> _active = [];
    private readonly Stack<LLamaSeqId> _freeSequences = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly LLamaBatch _batch = new();
    private int _freeCells;
    private volatile bool _stopping;

    /// <summary>Creates the scheduler and starts its thread.</summary>
    /// <param name="context">The context; owned by the scheduler from now on.</param>
    /// <param name="options">The generator's options.</param>
    /// <param name="sequenceCount">How many sequence ids of the context the scheduler hands out.</param>
    /// <param name="prefixCache">Restores saved prompt prefixes; <see cref="NoPromptPrefixCache"/> for none.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="resident">
    /// Where finished requests' KV is kept for reuse, or <see langword="null"/> to free every sequence as soon as its
    /// request ends.
    /// </param>
    public BatchScheduler(LLamaContext context, LlamaModelOptions options, int sequenceCount, IPromptPrefixCache prefixCache, ILogger logger, ResidentPrefixes? resident = null)
    {
        _context = context;
        _prefixCache = prefixCache;
        _resident = resident;
        _logger = logger;
        _maxActive = options.MaxConcurrentSequences;
        _maxQueue = options.MaxQueueLength;
        _maxNoKvSlotRetries = options.MaxNoKvSlotRetries;
        _batchSize = (int)context.BatchSize;
        KvCapacity = _freeCells = (int)context.ContextSize;
        _ledger = resident is null ? null : new KvCellLedger(KvCapacity);
        for (var i = sequenceCount - 1; i >= 0; i--)
        {
            _freeSequences.Push((LLamaSeqId)i);
        }

        SequenceCapacity = sequenceCount;
        _thread = new Thread(Run) { IsBackground = true, Name = "llama.cpp scheduler" };
        _thread.Start();
    }

    /// <summary>Gets the KV cache size in tokens, shared by all sequences.</summary>
    public int KvCapacity { get; }

    /// <summary>Gets how many sequence ids the context holds.</summary>
    public int SequenceCapacity { get; }

    /// <summary>Queues a job; it starts as soon as a sequence and its KV budget are free.</summary>
    /// <exception cref="RateLimitedException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler is stopping.</exception>
    public void Submit(SequenceJob job)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            var canStartNow = _pending.Count == 0 && _active.Count < _maxActive
                && AvailableSequences >= job.SequenceCount && _freeCells >= job.ReservedCells;
            if (!canStartNow && _pending.Count >= _maxQueue)
            {
                throw new RateLimitedException(
                    $"The local model's request queue is full ({_maxQueue} waiting, {_active.Count} running); retry later or raise MaxQueueLength.")
                {
                    Provider = LlamaGenerator.ProviderName,
                };
            }

            _pending.Enqueue(job);
        }

        _wake.Release();
    }

    /// <summary>Wakes the scheduler, e.g. after a caller cancelled, so the job is freed promptly.</summary>
    public void Nudge()
    {
        if (_stopping)
        {
            return;
        }

        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the release: nothing left to wake.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        _wake.Release();
        _thread.Join();
        _context.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                Admit();
                DropCancelled();
                if (_active.Count == 0)
                {
                    _wake.Wait();
                    continue;
                }

                Step();
            }
        }
        catch (Exception ex)
        {
            LogSchedulerFailed(_logger, ex);
            lock (_gate)
            {
                _stopping = true;
            }

            FailEverything(new GeneratorException("The local model's scheduler failed: " + ex.Message, ex) { Provider = LlamaGenerator.ProviderName });
            return;
        }

        FailEverything(new ObjectDisposedException(nameof(LlamaGenerator), "The generator was disposed while the request was running."));
    }

    private void Admit()
    {
        FreeClearedResidents();
        while (true)
        {
            SequenceJob job;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                job = _pending.Peek();
                if (!job.IsCancelRequested
                    && (_active.Count >= _maxActive || AvailableSequences < job.SequenceCount || _freeCells < job.ReservedCells))
                {
                    return;
                }

                _pending.Dequeue();
                if (job.IsCancelRequested)
                {
                    job.Cancel();
                    continue;
                }

                _freeCells -= job.ReservedCells;
                _active.Add(job);
            }

            var (sequences, cached) = _resident is null ? AssignSequences(job) : AssignSequencesReusingResident(job);
            job.Start(sequences, cached);
        }
    }

    /// <summary>Gives a job free sequences and restores what the prefix cache holds of its prompt into the first.</summary>
    private (LLamaSeqId[] Sequences, int Cached) AssignSequences(SequenceJob job)
    {
        var sequences = new LLamaSeqId[job.SequenceCount];
        lock (_gate)
        {
            for (var i = 0; i < sequences.Length; i++)
            {
                sequences[i] = _freeSequences.Pop();
            }
        }

        return (sequences, RestoreSaved(job, sequences[0]));
    }

    /// <summary>Restores the longest saved prefix of the job's prompt; the last prompt token is always left to evaluate, for its logits.</summary>
    private int RestoreSaved(SequenceJob job, LLamaSeqId sequence)
    {
        var restored = _resident is null
            ? _prefixCache.Restore(_context, sequence, job.Prompt, job.Settings.CacheHint, job.Settings.SharedPrefixTokens)
            : _prefixCache.Restore(_context, sequence, job.Prompt, job.Settings.CacheHint, job.Settings.SharedPrefixTokens, EvictResidentWithoutSaving);
        var cached = Math.Clamp(restored, 0, job.Prompt.Length - 1);
        _context.NativeHandle.MemorySequenceRemove(sequence, cached, -1);
        return cached;
    }

    private void DropCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (_active[i].IsCancelRequested)
            {
                _active[i].Cancel();
                Release(_active[i]);
            }
        }
    }

    private void Step()
    {
        for (var attempt = 0; ; attempt++)
        {
            var participants = FillBatch(prefillBudget: Math.Max(1, (_batchSize - _active.Count) >> attempt));
            var result = _context.NativeHandle.Decode(_batch);
            if (result == DecodeResult.Ok)
            {
                foreach (var job in participants)
                {
                    Commit(job);
                }

                return;
            }

            foreach (var job in participants)
            {
                job.Rollback();
            }

            if (result == DecodeResult.NoKvSlot && attempt < _maxNoKvSlotRetries)
            {
                LogNoKvSlot(_logger, attempt + 1, _maxNoKvSlotRetries);
                continue;
            }

            var error = new GeneratorException(
                result == DecodeResult.NoKvSlot
                    ? $"llama.cpp found no KV cache slot for the batch after {attempt + 1} attempts; the context ({KvCapacity} tokens) is too fragmented or too small."
                    : $"llama.cpp failed to decode the batch: {result}.")
            {
                Provider = LlamaGenerator.ProviderName,
                IsTransient = result == DecodeResult.NoKvSlot,
            };
            foreach (var job in participants)
            {
                job.Fail(error);
                Release(job);
            }

            return;
        }
    }

    private List<SequenceJob> FillBatch(int prefillBudget)
    {
        _batch.Clear();
        var participants = new List<SequenceJob>(_active.Count);

        // Generating sequences first: one token each keeps every stream moving while prompts are evaluated.
        foreach (var job in _active)
        {
            if (!job.InPrefill)
            {
                job.AddDecode(_batch);
                participants.Add(job);
            }
        }

        var room = Math.Min(prefillBudget, _batchSize - _batch.TokenCount);
        foreach (var job in _active)
        {
            if (job.InPrefill && room > 0)
            {
                room -= job.AddPrefill(_batch, room);
                participants.Add(job);
            }
        }

        return participants;
    }

    private void Commit(SequenceJob job)
    {
        try
        {
            job.Commit(_context, _prefixCache);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            job.Fail(new GeneratorException("Sampling failed: " + ex.Message, ex) { Provider = LlamaGenerator.ProviderName });
        }

        if (job.IsDone)
        {
            Release(job);
        }
    }

    private void Release(SequenceJob job)
    {
        LLamaSeqId? kept = null;
        if (_resident is not null)
        {
            kept = KeepResident(job);
            ReleaseReservation(job);
        }

        foreach (var sequence in job.Sequences)
        {
            if (sequence != kept)
            {
                _context.NativeHandle.MemorySequenceRemove(sequence, -1, -1);
                _ledger?.Clear(sequence);
            }
        }

        (job as IDisposable)?.Dispose();
        lock (_gate)
        {
            if (_active.Remove(job))
            {
                foreach (var sequence in job.Sequences)
                {
                    if (sequence != kept)
                    {
                        _freeSequences.Push(sequence);
                    }
                }

                _freeCells += job.ReservedCells;
            }
        }
    }

    private void FailEverything(Exception error)
    {
        List<SequenceJob> all;
        lock (_gate)
        {
            all = [.. _active, .. _pending];
            _pending.Clear();
        }

        foreach (var job in all)
        {
            job.Fail(error);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "The llama.cpp scheduler failed")]
    private static partial void LogSchedulerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "llama.cpp found no KV slot (attempt {Attempt} of {MaxRetries}); retrying with a smaller batch")]
    private static partial void LogNoKvSlot(ILogger logger, int attempt, int maxRetries);
}
