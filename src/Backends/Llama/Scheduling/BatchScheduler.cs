using Agents.Backends.Llama.KvCache;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// Owns one llama.cpp context and runs every request of a generator in it with continuous batching: each step
/// decodes one token of every active sequence (plus chunks of newly admitted prompts) in a single batch, so the
/// weights are read once per step for all of them. A single active request is a plain decode loop of one token per
/// step. Requests beyond <see cref="LlamaSchedulingOptions.MaxConcurrentSequences"/>, or whose KV budget does not fit
/// yet, wait in a bounded queue.
/// </summary>
/// <remarks>
/// The scheduler only steps: which requests fit, which sequences and cached prefix they get, and where KV is freed
/// are the <see cref="KvCachePolicy"/>'s decisions, carried out here in the step loop. The context is touched only by
/// the scheduler's own thread; callers talk to it through jobs.
/// </remarks>
internal sealed partial class BatchScheduler : IDisposable
{
    private readonly LLamaContext _context;
    private readonly KvCachePolicy _kv;
    private readonly ILogger _logger;
    private readonly int _maxActive;
    private readonly int _maxQueue;
    private readonly int _maxNoKvSlotRetries;
    private readonly int _batchSize;
    private readonly Lock _gate = new();
    private readonly Queue<SequenceJob> _pending = new();
    private readonly List<SequenceJob> _active = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly LLamaBatch _batch = new();
    private volatile bool _stopping;

    /// <summary>Creates the scheduler and starts its thread.</summary>
    /// <param name="context">The context; owned by the scheduler from now on.</param>
    /// <param name="options">The generator's options.</param>
    /// <param name="kv">The KV-cache policy over <paramref name="context"/>; owned by the scheduler from now on.</param>
    /// <param name="logger">The logger.</param>
    public BatchScheduler(LLamaContext context, LlamaSchedulingOptions options, KvCachePolicy kv, ILogger logger)
    {
        _context = context;
        _kv = kv;
        _logger = logger;
        _maxActive = options.MaxConcurrentSequences;
        _maxQueue = options.MaxQueueLength;
        _maxNoKvSlotRetries = options.MaxNoKvSlotRetries;
        _batchSize = (int)context.BatchSize;
        _thread = new Thread(Run) { IsBackground = true, Name = "llama.cpp scheduler" };
        _thread.Start();
    }

    /// <summary>Gets the KV cache size in tokens, shared by all sequences.</summary>
    public int KvCapacity => _kv.Capacity;

    /// <summary>Gets how many sequence ids the scheduler hands out.</summary>
    public int SequenceCapacity => _kv.SequenceCapacity;

    /// <summary>Queues a job; it starts as soon as a sequence and its KV budget are free.</summary>
    /// <exception cref="RateLimitedException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler is stopping.</exception>
    public void Submit(SequenceJob job)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            var canStartNow = _pending.Count == 0 && _active.Count < _maxActive && _kv.CanAdmit(job.Kv);
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
        _kv.Dispose();
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
        _kv.FreeCleared();
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
                if (!job.IsCancelRequested && (_active.Count >= _maxActive || !_kv.CanAdmit(job.Kv)))
                {
                    return;
                }

                _pending.Dequeue();
                if (job.IsCancelRequested)
                {
                    job.Cancel();
                    continue;
                }

                _active.Add(job);
            }

            var admission = _kv.Admit(job.Kv);
            job.Start([.. admission.Sequences.Select(s => (LLamaSeqId)s)], admission.CachedTokens);
        }
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
            if (job.Commit(_context))
            {
                _kv.OnPromptEvaluated(job.Kv, job.Sequences[0].Value);
            }
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

    /// <summary>Ends a job's part in the step loop; the policy decides what becomes of its KV.</summary>
    private void Release(SequenceJob job)
    {
        lock (_gate)
        {
            if (!_active.Remove(job))
            {
                return;
            }
        }

        _kv.Release(job.Kv, [.. job.Sequences.Select(s => s.Value)], _stopping ? null : job.ResidentTokens);
        (job as IDisposable)?.Dispose();
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
