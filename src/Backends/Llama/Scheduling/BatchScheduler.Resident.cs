using Agents.Backends.Llama.PrefixCache;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// The scheduler's side of the resident prefix tier: a finished request's sequence keeps its KV cells, and a later
/// prompt that starts the same way takes that sequence over (its own conversation continuing: trim what differs) or
/// copies the shared prefix into a fresh sequence (cells are shared, nothing is copied). Cells are accounted by a
/// <see cref="KvCellLedger"/>: every running job reserves the cells it may still fill, and resident prefixes are
/// evicted, least recently used first, whenever the free cells fall short of the reservations.
/// </summary>
internal sealed partial class BatchScheduler
{
    private readonly ResidentPrefixes? _resident;
    private readonly KvCellLedger? _ledger;
    private readonly Dictionary<SequenceJob, int> _reservedCells = [];
    private int _reservedTotal;

    /// <summary>Gets how many sequence ids a job could get now: free ones and those resident prefixes would give up.</summary>
    private int AvailableSequences => _freeSequences.Count + (_resident?.SequencesHeld ?? 0);

    private (LLamaSeqId[] Sequences, int Cached) AssignSequencesReusingResident(SequenceJob job)
    {
        var resident = _resident!;
        var ledger = _ledger!;
        var sequences = new LLamaSeqId[job.SequenceCount];
        var scope = LlamaPrefixCache.ScopeOf(job.Settings.CacheHint).Id;
        var cached = 0;
        var match = job.SequenceCount == 1 && job.Prompt.Length > 1
            ? resident.FindLongest(job.Prompt.AsSpan(..^1), scope, job.Settings.SharedPrefixTokens)
            : null;
        if (match is { } found)
        {
            var (source, length) = found;
            // The same conversation continuing takes its sequence over; anything else copies the shared prefix and
            // leaves the source for other prompts. With no sequence to spare, the source is taken over too.
            var continues = source.ScopeId == scope && length >= source.PromptLength;
            if (!continues && TryTakeSequence(source, out sequences[0]))
            {
                _context.NativeHandle.MemorySequenceCopy(source.Sequence, sequences[0], 0, length);
                ledger.Copy(source.Sequence, sequences[0], length);
                resident.Touch(source);
                cached = length;
            }
            else if (resident.Remove(source, evicted: false))
            {
                sequences[0] = source.Sequence;
                _context.NativeHandle.MemorySequenceRemove(source.Sequence, length, -1);
                ledger.Truncate(source.Sequence, length);
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

        Reserve(job, job.ReservedCells - cached);
        if (cached > 0)
        {
            _prefixCache.RecordResidentReuse(job.Prompt, cached, job.Settings.CacheHint);
        }
        else
        {
            cached = RestoreSaved(job, sequences[0]);
            ledger.Append(sequences[0], cached);
            Reserve(job, job.ReservedCells - cached);
        }

        resident.UpdateHeldCells(ledger);
        return (sequences, cached);
    }

    /// <summary>Takes a free sequence id, evicting the least recently used resident prefix other than <paramref name="keep"/> if none is free.</summary>
    private bool TryTakeSequence(ResidentPrefix? keep, out LLamaSeqId sequence)
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

            if (_resident!.LeastRecentlyUsed(keep) is { } victim)
            {
                Evict(victim);
            }
            else if (FreeClearedResidents() == 0)
            {
                return false;
            }
        }
    }

    private LLamaSeqId TakeSequence() => TryTakeSequence(null, out var sequence)
        ? sequence
        : throw new InvalidOperationException("No sequence id is free although admission counted one.");

    /// <summary>Sets what a running job may still fill, and evicts resident prefixes until the free cells cover every reservation.</summary>
    private void Reserve(SequenceJob job, int cells)
    {
        _reservedTotal += cells - _reservedCells.GetValueOrDefault(job);
        _reservedCells[job] = cells;
        while (_ledger!.FreeCells < _reservedTotal)
        {
            if (_resident!.LeastRecentlyUsed() is { } victim)
            {
                Evict(victim);
            }
            else if (FreeClearedResidents() == 0)
            {
                // Admission only lets in jobs whose reservations fit the whole cache: this does not happen.
                LogLedgerShort(_logger, _ledger.FreeCells, _reservedTotal);
                return;
            }
        }
    }

    private void ReleaseReservation(SequenceJob job)
    {
        if (_reservedCells.Remove(job, out var cells))
        {
            _reservedTotal -= cells;
        }
    }

    /// <summary>Keeps a finished job's first sequence as a resident prefix.</summary>
    /// <returns>The sequence kept, or <see langword="null"/> when the job's KV is not kept (failed, cancelled, beam search, too short).</returns>
    private LLamaSeqId? KeepResident(SequenceJob job)
    {
        if (_stopping || job.ResidentTokens is not { } tokens || job.Sequences.Length != 1)
        {
            return null;
        }

        var sequence = job.Sequences[0];
        var entry = new ResidentPrefix(
            sequence, tokens, job.Prompt.Length, LlamaPrefixCache.ScopeOf(job.Settings.CacheHint).Id, job.Settings.SharedPrefixTokens, job.Settings.CacheHint);
        if (!_resident!.TryAdd(entry))
        {
            return null;
        }

        _ledger!.Append(sequence, tokens.Length - _ledger.LengthOf(sequence));
        _resident.UpdateHeldCells(_ledger);
        return sequence;
    }

    /// <summary>Drops a resident prefix; one that was reused is first saved to the saved-state tier, so it outlives the eviction.</summary>
    private void Evict(ResidentPrefix entry)
    {
        if (!_resident!.Remove(entry, evicted: true))
        {
            return;
        }

        if (entry.Hits > 0)
        {
            try
            {
                _prefixCache.Spill(_context, entry.Sequence, entry.Tokens, entry.Hint, entry.SharedTokens);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogSpillFailed(_logger, ex, entry.Tokens.Length);
            }
        }

        FreeSequence(entry.Sequence);
        _resident.UpdateHeldCells(_ledger!);
    }

    /// <summary>
    /// Drops the least recently used resident prefix without saving it, for a saved state that llama.cpp found no
    /// room for (reservations leave room for a job's cells, but some llama.cpp versions restore a state only into one
    /// contiguous block). Saving here would re-enter the saved-state cache in the middle of its lookup.
    /// </summary>
    /// <returns>Whether one was dropped.</returns>
    private bool EvictResidentWithoutSaving()
    {
        if (_resident!.LeastRecentlyUsed() is not { } victim || !_resident.Remove(victim, evicted: true))
        {
            return FreeClearedResidents() > 0;
        }

        FreeSequence(victim.Sequence);
        _resident.UpdateHeldCells(_ledger!);
        return true;
    }

    /// <summary>Empties and frees the sequences of resident prefixes dropped by <see cref="IPrefixCache.Clear"/>.</summary>
    /// <returns>How many were freed.</returns>
    private int FreeClearedResidents()
    {
        var cleared = _resident?.TakeCleared() ?? [];
        foreach (var sequence in cleared)
        {
            FreeSequence(sequence);
        }

        return cleared.Length;
    }

    private void FreeSequence(LLamaSeqId sequence)
    {
        _context.NativeHandle.MemorySequenceRemove(sequence, -1, -1);
        _ledger?.Clear(sequence);
        lock (_gate)
        {
            _freeSequences.Push(sequence);
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Saving an evicted resident prefix of {Tokens} tokens failed; it is dropped")]
    private static partial void LogSpillFailed(ILogger logger, Exception exception, int tokens);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "The KV ledger has {Free} free cells for {Reserved} reserved")]
    private static partial void LogLedgerShort(ILogger logger, int free, int reserved);
}
