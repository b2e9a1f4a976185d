using Agents.Backends.Llama.PrefixCache;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// The KV cache of one context, as one component: it decides, and asks an <see cref="IKvStore"/> to carry out,
/// <list type="bullet">
/// <item><description><b>admission</b> (<see cref="CanAdmit"/>, <see cref="Admit"/>): a request gets sequence ids
/// and a commitment of the most cells it can fill in the <see cref="KvCellLedger"/>;</description></item>
/// <item><description><b>prefix choice</b> (<see cref="ChoosePrefix"/>): the longest prefix of its prompt held
/// resident in the context (take the sequence over, or share its cells), else the longest saved state (restore
/// it);</description></item>
/// <item><description><b>where KV is freed</b> (<see cref="Release"/>, <see cref="Evict"/>): a finished request's
/// sequence stays resident, or is emptied; resident prefixes are evicted least recently used first whenever the free
/// cells fall short of the running requests' reservations, a reused one being spilled to the saved tier
/// first.</description></item>
/// </list>
/// No native type appears here; "no prefix cache" is the same policy over null tiers
/// (<see cref="ResidentPrefixes.None"/>, <see cref="NoSavedStates"/>).
/// </summary>
/// <remarks>
/// Every member but <see cref="CanAdmit"/> runs on the scheduler's thread, which owns the context. Resident prefixes
/// may be cleared from any thread (<see cref="IPrefixCache.Clear"/>); their sequences are freed here, on that thread,
/// so a prefix found and confirmed by <see cref="ResidentPrefixes.TryTouch"/> stays valid for the rest of the turn.
/// </remarks>
internal sealed partial class KvCachePolicy : IDisposable
{
    private readonly IKvStore _store;
    private readonly ISavedStateTier _saved;
    private readonly ResidentPrefixes _resident;
    private readonly KvCellLedger _ledger;
    private readonly SpillQueue _spills;
    private readonly ILogger _logger;
    private readonly int? _scratch;
    private readonly bool _saveOnEvaluation;
    private readonly Lock _gate = new();
    private readonly Stack<int> _freeSequences = new();
    private bool _heldCellsStale;

    /// <summary>Creates the policy.</summary>
    /// <param name="store">Carries out the native work.</param>
    /// <param name="settings">Capacity, sequences and saving.</param>
    /// <param name="saved">The saved-state tier, or <see cref="NoSavedStates.Instance"/>.</param>
    /// <param name="resident">The resident tier, or <see cref="ResidentPrefixes.None"/>.</param>
    /// <param name="logger">The logger.</param>
    public KvCachePolicy(IKvStore store, KvCacheSettings settings, ISavedStateTier saved, ResidentPrefixes resident, ILogger logger)
    {
        _store = store;
        _saved = saved;
        _resident = resident;
        _logger = logger;
        _scratch = settings.ScratchSequence;
        _saveOnEvaluation = settings.SaveOnEvaluation;
        _ledger = new KvCellLedger(settings.Capacity);
        _spills = new SpillQueue(settings.InlineSpills);
        for (var i = settings.Sequences - 1; i >= 0; i--)
        {
            _freeSequences.Push(i);
        }

        SequenceCapacity = settings.Sequences;
    }

    /// <summary>Gets the context's KV cells, shared by all sequences.</summary>
    public int Capacity => _ledger.Capacity;

    /// <summary>Gets how many sequence ids the policy hands out.</summary>
    public int SequenceCapacity { get; }

    /// <summary>Gets the ledger (read-only use: tests and statistics).</summary>
    internal KvCellLedger Ledger => _ledger;

    /// <summary>Gets how many sequence ids are free now (resident prefixes not counted).</summary>
    internal int FreeSequenceCount
    {
        get
        {
            lock (_gate)
            {
                return _freeSequences.Count;
            }
        }
    }

    // ---------------------------------------------------------------- admission

    /// <summary>Tells whether <paramref name="request"/> can start now: enough sequence ids (free or held by resident
    /// prefixes, which give them up) and room for its commitment beside the running requests'.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Whether <see cref="Admit"/> would succeed.</returns>
    /// <remarks>Callable from any thread.</remarks>
    public bool CanAdmit(KvRequest request)
    {
        int free;
        lock (_gate)
        {
            free = _freeSequences.Count;
        }

        return free + _resident.SequencesHeld >= request.SequenceCount && _ledger.CanCommit(request.ReservedCells);
    }

    /// <summary>Admits a request that <see cref="CanAdmit"/> accepted: commits its cells, gives it sequence ids, and
    /// places the longest reusable prefix of its prompt in the first.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Its sequences and how many prompt tokens are already in the KV cache.</returns>
    public KvAdmission Admit(KvRequest request)
    {
        FreeCleared();
        _ledger.Commit(request, request.ReservedCells);

        // The resident tier's byte count (statistics only) is brought up to date after the first token, not before it.
        _heldCellsStale = true;
        return ChoosePrefix(request);
    }

    // ---------------------------------------------------------------- prefix choice

    /// <summary>
    /// Chooses where the request's prompt starts from: a resident prefix in the same conversation is taken over
    /// (trim what differs); any other resident prefix has its cells shared into a fresh sequence (with no sequence to
    /// spare, it is taken over too); failing both, the longest saved state is restored. The last prompt token is always
    /// left to evaluate, for its logits. Across tenants only the tokens both requests marked shared are reused.
    /// </summary>
    private KvAdmission ChoosePrefix(KvRequest request)
    {
        var sequences = new int[request.SequenceCount];
        var cached = 0;
        var match = request.MayStayResident && request.Prompt.Length > 1
            ? _resident.FindLongest(request.Prompt.AsSpan(..^1), request.Scope, request.SharedTokens)
            : null;
        if (match is var (source, length))
        {
            var continues = source.Request.Scope == request.Scope && length >= source.Request.Prompt.Length;
            if (!continues && TryTakeSequence(source, out sequences[0]))
            {
                // Confirmed after taking the sequence, which may free cleared entries: the source's cells stay valid now.
                if (_resident.TryTouch(source))
                {
                    _store.Copy(source.Sequence, sequences[0], length);
                    _ledger.Copy(source.Sequence, sequences[0], length);
                    cached = length;
                }
            }
            else if (_resident.Remove(source, evicted: false))
            {
                sequences[0] = source.Sequence;
                _store.Trim(source.Sequence, length);
                _ledger.Truncate(source.Sequence, length);
                cached = length;
            }
            else
            {
                // Cleared by another thread meanwhile: start from nothing.
                sequences[0] = TakeSequence();
            }
        }
        else if (sequences.Length > 0)
        {
            sequences[0] = TakeSequence();
        }

        for (var i = 1; i < sequences.Length; i++)
        {
            sequences[i] = TakeSequence();
        }

        if (cached > 0)
        {
            Reserve(request, request.ReservedCells - cached);
            _saved.CountLookup(request.Scope, cached, request.Prompt.Length - 1);
            return new KvAdmission(sequences, cached, FromResident: true);
        }

        // The reservation still covers the whole request: a saved state needs a cell per token before it is trimmed.
        MakeRoomForReservations();
        cached = RestoreSaved(request, sequences[0]);
        _ledger.Append(sequences[0], cached);
        Reserve(request, request.ReservedCells - cached);
        return new KvAdmission(sequences, cached, FromResident: false);
    }

    /// <summary>Restores the longest saved state of the prompt's prefix into <paramref name="sequence"/>.</summary>
    private int RestoreSaved(KvRequest request, int sequence)
    {
        if (request.Prompt.Length < 2)
        {
            return 0;
        }

        _spills.WaitIdle();
        var lookup = _saved.Acquire(
            request.Prompt.AsSpan(..^1),
            request.Scope,
            request.SharedTokens,
            (state, stateTokens, reusable) =>
            {
                // llama.cpp also refuses a state when it finds no room for it: resident prefixes may hold the cells.
                while (!_store.TryRestore(sequence, state.Bytes))
                {
                    if (!EvictWithoutSaving())
                    {
                        return false;
                    }
                }

                if (reusable < stateTokens)
                {
                    _store.Trim(sequence, reusable);
                }

                return true;
            },
            maxStateTokens: request.Prompt.Length);
        var cached = Math.Clamp(lookup.ReusableTokens, 0, request.Prompt.Length - 1);
        _store.Trim(sequence, cached);
        return cached;
    }

    /// <summary>Called once the whole prompt of <paramref name="request"/> is in its first sequence: saves its state
    /// when every evaluated prompt is saved.</summary>
    /// <param name="request">The request.</param>
    /// <param name="sequence">Its first sequence, holding exactly the prompt.</param>
    public void OnPromptEvaluated(KvRequest request, int sequence)
    {
        if (_heldCellsStale)
        {
            _heldCellsStale = false;
            _resident.UpdateHeldCells(_ledger);
        }

        if (_saveOnEvaluation)
        {
            Spill(sequence, request.Prompt, request, lastUsed: null);
        }
    }

    // ---------------------------------------------------------------- where KV is freed

    /// <summary>Ends a request: its first sequence stays resident when it finished normally and its KV is worth keeping;
    /// every other sequence is emptied and freed, and its commitment ends.</summary>
    /// <param name="request">The request.</param>
    /// <param name="sequences">The sequences it was given.</param>
    /// <param name="residentTokens">The token ids its first sequence holds, when reusable (finished normally); else <see langword="null"/>.</param>
    public void Release(KvRequest request, int[] sequences, int[]? residentTokens)
    {
        int? kept = null;
        if (residentTokens is not null && request.MayStayResident && sequences.Length == 1)
        {
            var entry = new ResidentPrefix(sequences[0], residentTokens, request);
            if (_resident.TryAdd(entry))
            {
                // Within the request's reservation, which still counts until it is uncommitted below.
                _ledger.Append(sequences[0], residentTokens.Length - _ledger.LengthOf(sequences[0]));
                kept = sequences[0];
            }
        }

        _ledger.Uncommit(request, request.ReservedCells);
        foreach (var sequence in sequences)
        {
            if (sequence != kept)
            {
                FreeSequence(sequence);
            }
        }

        _heldCellsStale = false;
        _resident.UpdateHeldCells(_ledger);
    }

    /// <summary>Empties and frees the sequences of resident prefixes dropped by <see cref="IPrefixCache.Clear"/>.</summary>
    /// <returns>How many were freed.</returns>
    public int FreeCleared()
    {
        var cleared = _resident.TakeCleared();
        foreach (var sequence in cleared)
        {
            FreeSequence(sequence);
        }

        return cleared.Length;
    }

    /// <summary>Runs the queued spills and stops their worker.</summary>
    public void Dispose() => _spills.Dispose();

    /// <summary>Sets what a running request may still fill, and evicts resident prefixes until the free cells cover every reservation.</summary>
    private void Reserve(KvRequest request, int cells)
    {
        _ledger.Reserve(request, cells);
        MakeRoomForReservations();
    }

    private void MakeRoomForReservations()
    {
        while (_ledger.FreeCells < _ledger.ReservedCells)
        {
            if (_resident.LeastRecentlyUsed() is { } victim)
            {
                Evict(victim);
            }
            else if (FreeCleared() == 0)
            {
                // Admission keeps commitments within the capacity: this does not happen.
                LogLedgerShort(_logger, _ledger.FreeCells, _ledger.ReservedCells);
                return;
            }
        }
    }

    /// <summary>Drops a resident prefix; one that was reused is first spilled to the saved-state tier, so it outlives the eviction.</summary>
    private void Evict(ResidentPrefix entry)
    {
        if (!_resident.Remove(entry, evicted: true))
        {
            return;
        }

        if (entry.Hits > 0)
        {
            Spill(entry.Sequence, entry.Tokens, entry.Request, entry.LastUsed);
        }

        FreeSequence(entry.Sequence);
        _resident.UpdateHeldCells(_ledger);
    }

    /// <summary>
    /// Drops the least recently used resident prefix without saving it, for a saved state llama.cpp found no room for
    /// (reservations leave room for a request's cells, but llama.cpp may restore a state only into one contiguous block).
    /// </summary>
    private bool EvictWithoutSaving()
    {
        if (_resident.LeastRecentlyUsed() is not { } victim || !_resident.Remove(victim, evicted: true))
        {
            return FreeCleared() > 0;
        }

        FreeSequence(victim.Sequence);
        _resident.UpdateHeldCells(_ledger);
        return true;
    }

    /// <summary>
    /// Copies the state of <paramref name="sequence"/> (and of its shared prefix alone, through the scratch sequence)
    /// out of the context here, and leaves inserting it into the saved tier, which may write to disk, to the spill queue.
    /// </summary>
    private void Spill(int sequence, int[] tokens, KvRequest request, long? lastUsed)
    {
        try
        {
            if (!_saved.IsCovered(tokens, request.Scope))
            {
                var state = _store.Save(sequence);
                _spills.Enqueue(() => Insert(tokens, request.Scope, state, lastUsed));
            }

            var shared = Math.Min(request.SharedTokens, tokens.Length);
            if (_scratch is { } scratch && shared > 0 && !_saved.IsCovered(tokens.AsSpan(..shared), PrefixScope.Shared))
            {
                // Only the shared tokens may enter the shared scope: copy them alone to the scratch sequence and save that.
                _store.Trim(scratch, 0);
                _store.Copy(sequence, scratch, shared);
                try
                {
                    var state = _store.Save(scratch);
                    _spills.Enqueue(() => Insert(tokens[..shared], PrefixScope.Shared, state, lastUsed));
                }
                finally
                {
                    _store.Trim(scratch, 0);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSpillFailed(_logger, ex, tokens.Length);
        }
    }

    private void Insert(int[] tokens, PrefixScope scope, IPrefixStatePayload state, long? lastUsed)
    {
        try
        {
            _saved.Insert(tokens, scope, state, lastUsed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            (state as IDisposable)?.Dispose();
            LogSpillFailed(_logger, ex, tokens.Length);
        }
    }

    /// <summary>Takes a free sequence id, evicting the least recently used resident prefix other than <paramref name="keep"/> if none is free.</summary>
    private bool TryTakeSequence(ResidentPrefix? keep, out int sequence)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_freeSequences.TryPop(out sequence))
                {
                    return true;
                }
            }

            if (_resident.LeastRecentlyUsed(keep) is { } victim)
            {
                Evict(victim);
            }
            else if (FreeCleared() == 0)
            {
                return false;
            }
        }
    }

    private int TakeSequence() => TryTakeSequence(null, out var sequence)
        ? sequence
        : throw new InvalidOperationException("No sequence id is free although admission counted one.");

    private void FreeSequence(int sequence)
    {
        _store.Trim(sequence, 0);
        _ledger.Clear(sequence);
        lock (_gate)
        {
            _freeSequences.Push(sequence);
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Saving a prefix of {Tokens} tokens failed; it is dropped")]
    private static partial void LogSpillFailed(ILogger logger, Exception exception, int tokens);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "The KV ledger has {Free} free cells for {Reserved} reserved")]
    private static partial void LogLedgerShort(ILogger logger, int free, long reserved);
}
