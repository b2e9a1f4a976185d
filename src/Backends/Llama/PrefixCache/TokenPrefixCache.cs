using System.Diagnostics.Metrics;
using Agents.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// A radix tree over the token ids of evaluated prompt prefixes, one tree per <see cref="PrefixScope"/>, whose nodes
/// hold saved KV states. A lookup finds the longest prefix of a prompt that any cached state covers (a longer state
/// serves a shorter shared prefix: restore it, then trim), within the prompt's own scope and, for its first
/// shared tokens, the shared scope. Memory is bounded by <see cref="PrefixCacheOptions.MaxBytes"/>; the least
/// recently used subtree is evicted first, deepest state first, optionally spilling to a disk tier.
/// </summary>
/// <remarks>
/// Thread-safe: every member takes one lock. The restore callback of <see cref="Acquire"/> and disk reads run under
/// it; the generator's scheduler is the only caller on the hot path, so the lock is uncontended in practice.
/// </remarks>
internal sealed class TokenPrefixCache : IPrefixCache, ISavedStateTier, IDisposable
{
    private readonly Lock _gate = new();
    private readonly PrefixCacheOptions _options;
    private readonly PrefixDiskTier? _disk;
    private readonly PrefixCacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, PrefixTreeNode> _roots = new(StringComparer.Ordinal);
    private readonly HashSet<PrefixTreeNode> _memoryEntries = [];
    private readonly HashSet<PrefixTreeNode> _diskEntries = [];
    private readonly LruClock _clock;
    private long _bytesHeld;
    private long _diskBytes;
    private long _lookups;
    private long _hits;
    private long _hitTokens;
    private long _missTokens;
    private long _insertions;
    private long _evictions;

    /// <summary>Creates a cache.</summary>
    /// <param name="options">Budgets and the disk tier; copied. Defaults when <see langword="null"/>.</param>
    /// <param name="identity">The identity of the model, adapters and context settings states belong to (see <see cref="PrefixCacheIdentity"/>); required for the disk tier.</param>
    /// <param name="logger">Receives warnings about ignored state files and failed restores.</param>
    /// <param name="meterFactory">Creates the meter; a standalone meter when <see langword="null"/>.</param>
    /// <param name="clock">The LRU clock shared with the resident tier; a clock of its own when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid, or the disk tier is on without an identity.</exception>
    public TokenPrefixCache(PrefixCacheOptions? options = null, PrefixCacheIdentity? identity = null, ILogger? logger = null, IMeterFactory? meterFactory = null, LruClock? clock = null)
    {
        _clock = clock ?? new LruClock();
        _options = options?.Clone() ?? new PrefixCacheOptions();
        OptionsValidator.ThrowIfInvalid(_options, nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _metrics = new PrefixCacheMetrics(() => Volatile.Read(ref _bytesHeld) + (ResidentTier?.BytesHeld ?? 0), meterFactory);
        if (_options.DiskDirectory is { } directory)
        {
            if (identity is null)
            {
                throw new ArgumentException("The disk tier needs the identity of the model its states belong to.", nameof(identity));
            }

            _disk = new PrefixDiskTier(directory, identity, _logger);
            lock (_gate)
            {
                foreach (var file in _disk.Open())
                {
                    var node = GetOrCreatePath(file.Scope, file.Tokens);
                    node.DiskFile = file.Path;
                    node.DiskBytes = file.SizeInBytes;
                    _diskBytes += file.SizeInBytes;
                    _diskEntries.Add(node);
                    Touch(node);
                }

                EnforceDiskBudget();
            }
        }
    }

    /// <summary>Gets the identity the disk tier's files are tied to; <see langword="null"/> without a disk tier.</summary>
    public PrefixCacheIdentity? DiskIdentity => _disk?.Identity;

    /// <summary>Gets the options in force.</summary>
    public PrefixCacheOptions Options => _options.Clone();

    /// <inheritdoc/>
    public PrefixCacheStatistics Statistics
    {
        get
        {
            var resident = ResidentTier;
            var residentEntries = resident?.Count ?? 0;
            var residentBytes = resident?.BytesHeld ?? 0;
            lock (_gate)
            {
                return new PrefixCacheStatistics
                {
                    Lookups = _lookups,
                    Hits = _hits,
                    HitTokens = _hitTokens,
                    MissTokens = _missTokens,
                    Insertions = _insertions + (resident?.Insertions ?? 0),
                    Evictions = _evictions + (resident?.Evictions ?? 0),
                    Entries = _memoryEntries.Count + residentEntries,
                    BytesHeld = _bytesHeld + residentBytes,
                    ResidentEntries = residentEntries,
                    ResidentBytes = residentBytes,
                    MaxBytes = _options.MaxBytes,
                    DiskEntries = _diskEntries.Count,
                    DiskBytes = _diskBytes,
                };
            }
        }
    }

    /// <summary>
    /// Finds the longest cached prefix of <paramref name="tokens"/>, hands its state to <paramref name="restore"/>,
    /// and counts the outcome: reused tokens as hits, the rest as misses.
    /// </summary>
    /// <param name="tokens">The tokens the caller would otherwise evaluate (a prompt minus the tokens it must evaluate anyway).</param>
    /// <param name="scope">The request's tenant scope.</param>
    /// <param name="sharedTokenCount">How many leading tokens may also be served from the shared scope.</param>
    /// <param name="restore">Restores a state; when it fails the entry is dropped and the next best is tried.</param>
    /// <param name="maxStateTokens">
    /// The longest state the caller can take (restoring needs a KV cell per state token before trimming); longer
    /// states are passed over. No limit by default.
    /// </param>
    /// <returns>What was reused; <see cref="PrefixCacheLookup.Miss"/> when nothing was.</returns>
    public PrefixCacheLookup Acquire(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount, PrefixStateRestorer restore, int maxStateTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(restore);
        lock (_gate)
        {
            var result = PrefixCacheLookup.Miss;
            while (FindBest(tokens, scope, sharedTokenCount, maxStateTokens) is ({ } node, var reusable))
            {
                if (node.State is null && !TryLoadFromDisk(node))
                {
                    continue;
                }

                if (restore(node.State!, node.Depth, reusable))
                {
                    Touch(node);
                    result = new PrefixCacheLookup
                    {
                        ReusableTokens = reusable,
                        StateTokens = node.Depth,
                        State = node.State,
                        Scope = PrefixScope.FromHash(Convert.FromHexString(node.ScopeId)),
                    };
                    break;
                }

                PrefixCacheLog.RestoreFailed(_logger, node.Depth);
                RemoveEntry(node);
            }

            CountLookupLocked(scope, result.ReusableTokens, tokens.Length);
            return result;
        }
    }

    /// <summary>Counts a lookup served elsewhere (by KV kept resident in the context) in this cache's statistics and metrics.</summary>
    /// <param name="scope">The request's scope.</param>
    /// <param name="reusedTokens">How many tokens were reused.</param>
    /// <param name="lookedUpTokens">How many tokens were looked up.</param>
    public void CountLookup(PrefixScope scope, int reusedTokens, int lookedUpTokens)
    {
        lock (_gate)
        {
            CountLookupLocked(scope, reusedTokens, lookedUpTokens);
        }
    }

    /// <summary>
    /// Gets or sets the resident tier in front of this cache (KV left in the generator's context), which the
    /// statistics include and <see cref="Clear"/> empties; <see langword="null"/> when there is none.
    /// </summary>
    public IResidentPrefixTier? ResidentTier { get; set; }

    private void CountLookupLocked(PrefixScope scope, int reusedTokens, int lookedUpTokens)
    {
        _lookups++;
        _hits += reusedTokens > 0 ? 1 : 0;
        _hitTokens += reusedTokens;
        _missTokens += lookedUpTokens - reusedTokens;
        _metrics.RecordLookup(reusedTokens, lookedUpTokens - reusedTokens);
        PrefixCacheLog.LookedUp(_logger, scope, reusedTokens, lookedUpTokens);
    }

    /// <summary>Looks <paramref name="tokens"/> up and counts the outcome, taking any cached state as restored.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <param name="scope">The tenant scope.</param>
    /// <param name="sharedTokenCount">How many leading tokens may also be served from the shared scope.</param>
    /// <returns>What can be reused.</returns>
    public PrefixCacheLookup Lookup(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount = 0) =>
        Acquire(tokens, scope, sharedTokenCount, static (_, _, _) => true);

    /// <summary>
    /// Tells whether saving the state of <paramref name="tokens"/> would add nothing: a state in memory already holds
    /// them (or a longer prompt that starts with them), or they are shorter than <see cref="PrefixCacheOptions.MinimumPrefixTokens"/>.
    /// </summary>
    /// <param name="tokens">The prefix.</param>
    /// <param name="scope">The scope it would be saved in.</param>
    /// <returns>Whether the caller may skip saving.</returns>
    public bool IsCovered(ReadOnlySpan<int> tokens, PrefixScope scope)
    {
        if (tokens.Length < _options.MinimumPrefixTokens)
        {
            return true;
        }

        lock (_gate)
        {
            return Walk(tokens, scope) is { Matched: var matched, Below: { } below } && matched == tokens.Length
                && below.DescendantsAndSelf().Any(n => n.State is not null);
        }
    }

    /// <summary>Adds the state of a prefix. The cache owns <paramref name="state"/> from now on, stored or not.</summary>
    /// <param name="tokens">The prefix the state holds, all of it.</param>
    /// <param name="scope">The scope the state belongs to.</param>
    /// <param name="state">The state.</param>
    /// <param name="lastUsed">
    /// When the tokens were last used, on the LRU clock shared with the resident tier (a spilled resident prefix keeps
    /// its place in the LRU order); now when <see langword="null"/>.
    /// </param>
    /// <returns>Whether it was stored: not when covered (see <see cref="IsCovered"/>) or larger than the whole budget.</returns>
    public bool Insert(ReadOnlySpan<int> tokens, PrefixScope scope, IPrefixStatePayload state, long? lastUsed = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.SizeInBytes > _options.MaxBytes || IsCovered(tokens, scope))
        {
            Release(state);
            return false;
        }

        lock (_gate)
        {
            var node = GetOrCreatePath(scope.Id, tokens);
            if (node.State is not null)
            {
                Release(state);
                Touch(node);
                return false;
            }

            node.State = state;
            _memoryEntries.Add(node);
            _bytesHeld += state.SizeInBytes;
            _insertions++;
            Touch(node, lastUsed);
            EvictUntilWithinBudget(protectedNode: node);
            return true;
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        ResidentTier?.Clear();
        lock (_gate)
        {
            foreach (var node in _memoryEntries)
            {
                Release(node.State!);
                node.State = null;
            }

            foreach (var node in _diskEntries)
            {
                PrefixDiskTier.TryDelete(node.DiskFile!);
            }

            _memoryEntries.Clear();
            _diskEntries.Clear();
            _roots.Clear();
            _bytesHeld = 0;
            _diskBytes = 0;
        }
    }

    /// <summary>Drops everything held in memory (disk files stay) and the meter.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var node in _memoryEntries)
            {
                Release(node.State!);
                node.State = null;
            }

            _memoryEntries.Clear();
            _roots.Clear();
            _bytesHeld = 0;
        }

        _metrics.Dispose();
    }

    private static void Release(IPrefixStatePayload state) => (state as IDisposable)?.Dispose();

    private (PrefixTreeNode Node, int Reusable)? FindBest(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount, int maxStateTokens)
    {
        var best = FindBestInScope(tokens, scope.Id, maxStateTokens);
        if (sharedTokenCount > 0 && scope != PrefixScope.Shared
            && FindBestInScope(tokens[..Math.Min(sharedTokenCount, tokens.Length)], PrefixScope.Shared.Id, maxStateTokens) is { } shared
            && (best is null || shared.Reusable > best.Value.Reusable))
        {
            best = shared;
        }

        return best is { Reusable: var reusable } && reusable >= _options.MinimumPrefixTokens ? best : null;
    }

    // The longest reusable prefix: any entry below the deepest matched point serves all matched tokens (restore, then
    // trim); the smallest such entry is cheapest to restore. Failing that, the deepest entry on the matched path.
    private (PrefixTreeNode Node, int Reusable)? FindBestInScope(ReadOnlySpan<int> tokens, string scopeId, int maxStateTokens)
    {
        if (Walk(tokens, scopeId) is not { } walk)
        {
            return null;
        }

        if (walk.Below is { } below)
        {
            PrefixTreeNode? smallest = null;
            foreach (var node in below.DescendantsAndSelf())
            {
                if (node.HasEntry && node.Depth <= maxStateTokens && (smallest is null || node.Depth < smallest.Depth
                    || (node.Depth == smallest.Depth && node.State is not null)))
                {
                    smallest = node;
                }
            }

            if (smallest is not null)
            {
                return (smallest, walk.Matched);
            }
        }

        for (var node = walk.Deepest; node.Parent is not null; node = node.Parent)
        {
            if (node.HasEntry && node.Depth <= maxStateTokens)
            {
                return (node, node.Depth);
            }
        }

        return null;
    }

    private WalkResult? Walk(ReadOnlySpan<int> tokens, PrefixScope scope) => Walk(tokens, scope.Id);

    /// <summary>Follows <paramref name="tokens"/> down a scope's tree as far as they match.</summary>
    private WalkResult? Walk(ReadOnlySpan<int> tokens, string scopeId)
    {
        if (!_roots.TryGetValue(scopeId, out var node))
        {
            return null;
        }

        var matched = 0;
        while (matched < tokens.Length && node.Children.TryGetValue(tokens[matched], out var child))
        {
            var common = child.Edge.AsSpan().CommonPrefixLength(tokens[matched..]);
            matched += common;
            if (common < child.Edge.Length)
            {
                // Stopped inside the child's edge: everything below the child starts with the matched tokens.
                return new WalkResult(node, matched, child);
            }

            node = child;
        }

        return new WalkResult(node, matched, node.Parent is null ? null : node);
    }

    private PrefixTreeNode GetOrCreatePath(PrefixScope scope, ReadOnlySpan<int> tokens) => GetOrCreatePath(scope.Id, tokens);

    private PrefixTreeNode GetOrCreatePath(string scopeId, ReadOnlySpan<int> tokens)
    {
        if (!_roots.TryGetValue(scopeId, out var node))
        {
            node = new PrefixTreeNode(scopeId, parent: null, []);
            _roots[scopeId] = node;
        }

        var position = 0;
        while (position < tokens.Length)
        {
            var rest = tokens[position..];
            if (!node.Children.TryGetValue(rest[0], out var child))
            {
                var leaf = new PrefixTreeNode(scopeId, node, rest.ToArray());
                node.Children[rest[0]] = leaf;
                return leaf;
            }

            var common = child.Edge.AsSpan().CommonPrefixLength(rest);
            if (common < child.Edge.Length)
            {
                var middle = new PrefixTreeNode(scopeId, node, child.Edge[..common]) { LastUsed = child.LastUsed };
                node.Children[rest[0]] = middle;
                child.Edge = child.Edge[common..];
                child.Parent = middle;
                middle.Children[child.Edge[0]] = child;
                child = middle;
            }

            node = child;
            position += common;
        }

        return node;
    }

    // A use of a node is a use of its whole path: ancestors are never older than their descendants, so eviction takes
    // a cold subtree whole (deepest first) before touching any part of a warm path.
    private void Touch(PrefixTreeNode node, long? stamp = null)
    {
        var now = stamp ?? _clock.Tick();
        for (PrefixTreeNode? current = node; current is not null; current = current.Parent)
        {
            current.LastUsed = Math.Max(current.LastUsed, now);
        }
    }

    private static PrefixTreeNode? LeastRecentlyUsed(IEnumerable<PrefixTreeNode> nodes, PrefixTreeNode? except)
    {
        PrefixTreeNode? victim = null;
        foreach (var node in nodes)
        {
            if (node != except && (victim is null || node.LastUsed < victim.LastUsed
                || (node.LastUsed == victim.LastUsed && node.Depth > victim.Depth)))
            {
                victim = node;
            }
        }

        return victim;
    }

    private void EvictUntilWithinBudget(PrefixTreeNode? protectedNode)
    {
        while (_bytesHeld > _options.MaxBytes && LeastRecentlyUsed(_memoryEntries, protectedNode) is { } victim)
        {
            var state = victim.State!;
            if (_disk is not null && victim.DiskFile is null && !state.Bytes.IsEmpty
                && _disk.TryWrite(PrefixScope.FromHash(Convert.FromHexString(victim.ScopeId)), victim.PathTokens(), state.Bytes) is var (path, size))
            {
                victim.DiskFile = path;
                victim.DiskBytes = size;
                _diskBytes += size;
                _diskEntries.Add(victim);
            }

            DropFromMemory(victim);
            _evictions++;
            _metrics.RecordEviction();
            PruneUpwards(victim);
        }

        EnforceDiskBudget();
    }

    private void EnforceDiskBudget()
    {
        while (_diskBytes > _options.MaxDiskBytes && LeastRecentlyUsed(_diskEntries, except: null) is { } victim)
        {
            DropFromDisk(victim);
            PruneUpwards(victim);
        }
    }

    private bool TryLoadFromDisk(PrefixTreeNode node)
    {
        var bytes = _disk?.TryRead(node.DiskFile!, PrefixScope.FromHash(Convert.FromHexString(node.ScopeId)), node.PathTokens());
        if (bytes is null)
        {
            // The file failed a check and was deleted (or, whole but of another identity, left alone); forget it and let
            // the caller look again.
            _diskBytes -= node.DiskBytes;
            _diskEntries.Remove(node);
            node.DiskFile = null;
            PruneUpwards(node);
            return false;
        }

        node.State = new SequenceStatePayload(bytes);
        _memoryEntries.Add(node);
        _bytesHeld += bytes.LongLength;
        EvictUntilWithinBudget(protectedNode: node);
        return true;
    }

    private void RemoveEntry(PrefixTreeNode node)
    {
        if (node.State is not null)
        {
            DropFromMemory(node);
        }

        if (node.DiskFile is not null)
        {
            DropFromDisk(node);
        }

        PruneUpwards(node);
    }

    private void DropFromMemory(PrefixTreeNode node)
    {
        _bytesHeld -= node.State!.SizeInBytes;
        Release(node.State);
        node.State = null;
        _memoryEntries.Remove(node);
    }

    private void DropFromDisk(PrefixTreeNode node)
    {
        PrefixDiskTier.TryDelete(node.DiskFile!);
        _diskBytes -= node.DiskBytes;
        node.DiskFile = null;
        node.DiskBytes = 0;
        _diskEntries.Remove(node);
    }

    // Removes nodes left without entries or children, and merges a pass-through node into its only child.
    private void PruneUpwards(PrefixTreeNode node)
    {
        var current = node;
        while (current.Parent is { } parent && !current.HasEntry && current.Children.Count <= 1)
        {
            if (current.Children.Count == 1)
            {
                var only = current.Children.Values.First();
                only.Edge = [.. current.Edge, .. only.Edge];
                only.Parent = parent;
                parent.Children[only.Edge[0]] = only;
            }
            else
            {
                parent.Children.Remove(current.Edge[0]);
            }

            current.Parent = null;
            current = parent;
        }

        if (current.Parent is null && current.Children.Count == 0)
        {
            _roots.Remove(current.ScopeId);
        }
    }

    /// <summary>Where a walk stopped: the deepest fully matched node, the tokens matched, and the subtree below the match point.</summary>
    private readonly record struct WalkResult(PrefixTreeNode Deepest, int Matched, PrefixTreeNode? Below);
}
