using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// The first tier of the local prefix cache: finished requests' KV cells left in place in the scheduler's context,
/// one sequence each, found by the longest common token prefix within a tenant scope (across scopes only over the
/// tokens both requests marked shared). Reusing one costs nothing but a KV sequence copy or trim; nothing is
/// serialized. Entries live until the scheduler needs their sequence or cells, least recently used first.
/// </summary>
/// <remarks>
/// The <see cref="KvCachePolicy"/> finds, adds, takes and evicts entries on the scheduler's thread; <see cref="Clear"/> and the statistics may come
/// from any thread, so every member takes one lock.
/// </remarks>
internal sealed class ResidentPrefixes : IResidentPrefixTier
{
    private readonly Lock _gate = new();
    private readonly List<ResidentPrefix> _entries = [];
    private readonly List<int> _cleared = [];
    private readonly int _minimumTokens;
    private readonly long _bytesPerCell;
    private readonly LruClock _clock;
    private long _heldCells;
    private long _insertions;
    private long _evictions;

    /// <summary>Creates an empty tier.</summary>
    /// <param name="minimumTokens">The shortest prefix worth reusing.</param>
    /// <param name="bytesPerCell">The KV bytes of one token, for <see cref="BytesHeld"/>.</param>
    /// <param name="clock">The LRU clock shared with the saved-state tier; a clock of its own when <see langword="null"/>.</param>
    public ResidentPrefixes(int minimumTokens, long bytesPerCell, LruClock? clock = null)
    {
        _minimumTokens = minimumTokens;
        _bytesPerCell = bytesPerCell;
        _clock = clock ?? new LruClock();
    }

    /// <summary>Gets a tier that keeps nothing: requests' KV is freed as soon as they end.</summary>
    public static ResidentPrefixes None => new(int.MaxValue, 0);

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets how many sequence ids the tier holds: its entries and those cleared but not yet freed.</summary>
    public int SequencesHeld
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count + _cleared.Count;
            }
        }
    }

    /// <inheritdoc/>
    public long BytesHeld => Interlocked.Read(ref _heldCells) * _bytesPerCell;

    /// <inheritdoc/>
    public long Insertions => Interlocked.Read(ref _insertions);

    /// <inheritdoc/>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Finds the entry sharing the longest prefix with <paramref name="tokens"/> that the request may reuse.</summary>
    /// <param name="tokens">The tokens the request would otherwise evaluate.</param>
    /// <param name="scope">The request's tenant scope.</param>
    /// <param name="sharedTokens">How many leading tokens the request marked shared.</param>
    /// <returns>The entry and how many leading tokens it covers; <see langword="null"/> when none covers the minimum.</returns>
    public (ResidentPrefix Entry, int Length)? FindLongest(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokens)
    {
        var wanted = tokens;
        lock (_gate)
        {
            (ResidentPrefix Entry, int Length)? best = null;
            foreach (var entry in _entries)
            {
                var limit = entry.Request.Scope == scope ? wanted.Length : Math.Min(sharedTokens, entry.Request.SharedTokens);
                if (limit < _minimumTokens)
                {
                    continue;
                }

                var held = entry.Tokens.AsSpan();
                var length = Math.Min(limit, wanted.CommonPrefixLength(held));
                if (length >= _minimumTokens && (best is null || length > best.Value.Length
                    || (length == best.Value.Length && entry.LastUsed > best.Value.Entry.LastUsed)))
                {
                    best = (entry, length);
                }
            }

            return best;
        }
    }

    /// <summary>Adds an entry whose sequence now belongs to the tier.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Whether it was added; not when shorter than the minimum (the caller keeps the sequence).</returns>
    public bool TryAdd(ResidentPrefix entry)
    {
        if (entry.Tokens.Length < _minimumTokens)
        {
            return false;
        }

        lock (_gate)
        {
            entry.LastUsed = _clock.Tick();
            _entries.Add(entry);
            _insertions++;
            return true;
        }
    }

    /// <summary>Marks an entry as just reused, if it is still there.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>
    /// Whether it is still there: <see cref="Clear"/> may have dropped it since it was found. Its cells stay valid
    /// until the scheduler's thread frees them, so a <see langword="true"/> answer makes the entry safe to copy from
    /// for the rest of the caller's turn on that thread.
    /// </returns>
    public bool TryTouch(ResidentPrefix entry)
    {
        lock (_gate)
        {
            if (!_entries.Contains(entry))
            {
                return false;
            }

            entry.LastUsed = _clock.Tick();
            entry.Hits++;
            return true;
        }
    }

    /// <summary>Removes an entry (a request took its sequence over, or it is evicted); its sequence is the caller's again.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="evicted">Whether it counts as an eviction.</param>
    /// <returns>Whether it was still there (<see cref="Clear"/> may have taken it).</returns>
    public bool Remove(ResidentPrefix entry, bool evicted)
    {
        lock (_gate)
        {
            if (!_entries.Remove(entry))
            {
                return false;
            }

            _evictions += evicted ? 1 : 0;
            return true;
        }
    }

    /// <summary>Returns the least recently used entry other than <paramref name="except"/>, if any.</summary>
    /// <param name="except">An entry to pass over.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public ResidentPrefix? LeastRecentlyUsed(ResidentPrefix? except = null)
    {
        lock (_gate)
        {
            ResidentPrefix? oldest = null;
            foreach (var entry in _entries)
            {
                if (entry != except && (oldest is null || entry.LastUsed < oldest.LastUsed))
                {
                    oldest = entry;
                }
            }

            return oldest;
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        lock (_gate)
        {
            _cleared.AddRange(_entries.Select(e => e.Sequence));
            _entries.Clear();
            Interlocked.Exchange(ref _heldCells, 0);
        }
    }

    /// <summary>Hands the scheduler the sequences of entries dropped by <see cref="Clear"/>, to empty and free.</summary>
    /// <returns>The sequences; empty when there are none.</returns>
    public int[] TakeCleared()
    {
        lock (_gate)
        {
            if (_cleared.Count == 0)
            {
                return [];
            }

            int[] sequences = [.. _cleared];
            _cleared.Clear();
            return sequences;
        }
    }

    /// <summary>Updates the cells the entries hold, counted by the scheduler's ledger.</summary>
    /// <param name="ledger">The ledger.</param>
    public void UpdateHeldCells(KvCellLedger ledger)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _heldCells, ledger.CountDistinct(_entries.Select(e => e.Sequence)));
        }
    }
}
