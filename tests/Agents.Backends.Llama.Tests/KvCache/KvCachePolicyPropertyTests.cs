using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama.Tests.KvCache;

/// <summary>
/// The KV-cache policy driven by random sequences of admit / decode / finish / cancel / clear / evict (a large request
/// that forces evictions) over a <see cref="SimulatedKvStore"/>, no model needed. After every operation: no cell is
/// over-committed (every running request can still fill all it reserved), and every admitted request was handed only
/// its own tenant's KV, or another's only within the tokens both marked shared. At the end everything reserved is free.
/// </summary>
public sealed class KvCachePolicyPropertyTests
{
    private const int Capacity = 512;
    private const int Sequences = 6;
    private const int SystemTokens = 24;

    [Property(MaxTest = 150)]
    public void RandomOperations_NeverOverCommit_NeverLeakAcrossTenants_AndFreeEverything(int[] operations)
    {
        using var simulation = new Simulation(tightSavedBudget: false);
        simulation.Run(operations);
    }

    [Property(MaxTest = 100)]
    public void RandomOperations_WithATinySavedTier_KeepTheSameInvariants(int[] operations)
    {
        using var simulation = new Simulation(tightSavedBudget: true);
        simulation.Run(operations);
    }

    [Fact]
    public void SharedSystemPrompt_OfAnotherTenant_IsReusedUpToTheSharedTokensOnly()
    {
        using var simulation = new Simulation(tightSavedBudget: false);
        var alice = simulation.Admit(tenant: 1, variant: 1, generate: 4);
        simulation.Finish(alice);

        var bob = simulation.Admit(tenant: 2, variant: 1, generate: 4);

        Assert.Equal(SystemTokens, bob.CachedTokens);
    }

    [Fact]
    public void SameTenantContinuing_TakesItsResidentSequenceOver()
    {
        using var simulation = new Simulation(tightSavedBudget: false);
        var first = simulation.Admit(tenant: 1, variant: 0, generate: 4);
        simulation.Finish(first);

        // Variant 2's prompt starts with variant 0's whole prompt: the same conversation, one turn later.
        var second = simulation.Admit(tenant: 1, variant: 2, generate: 4);

        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(first.Request.Prompt.Length, second.CachedTokens);
    }

    [Fact]
    public void SamePromptAgain_SharesTheResidentCellsInAFreshSequence()
    {
        using var simulation = new Simulation(tightSavedBudget: false);
        var first = simulation.Admit(tenant: 1, variant: 0, generate: 4);
        simulation.Finish(first);

        var second = simulation.Admit(tenant: 1, variant: 0, generate: 4);

        Assert.NotEqual(first.Sequence, second.Sequence);
        Assert.Equal(first.Request.Prompt.Length - 1, second.CachedTokens);
    }

    [Fact]
    public void OwnerMarksItsSystemPromptSharedLater_OtherTenantReusesOnlyThoseTokens()
    {
        // Found by the property: the owner's first request kept the system prompt private; a later request that
        // continued the same cells marked it shared, and that marking is what the resident prefix carries.
        using var simulation = new Simulation(tightSavedBudget: false);
        simulation.Finish(simulation.Admit(tenant: 1, variant: 6, generate: 4));
        simulation.Finish(simulation.Admit(tenant: 1, variant: 1, generate: 4));

        var other = simulation.Admit(tenant: 2, variant: 5, generate: 4);
        var notShared = simulation.Admit(tenant: 3, variant: 4, generate: 4);

        Assert.Equal(SystemTokens, other.CachedTokens);
        Assert.Equal(0, notShared.CachedTokens);
    }

    [Fact]
    public void OtherTenant_SamePromptWithoutSharedTokens_GetsNothing()
    {
        using var simulation = new Simulation(tightSavedBudget: false);
        simulation.Finish(simulation.Admit(tenant: 1, variant: 0, generate: 4));

        var other = simulation.Admit(tenant: 2, variant: 0, generate: 4);
        var anonymous = simulation.Admit(tenant: 0, variant: 0, generate: 4);

        Assert.Equal(0, other.CachedTokens);
        Assert.Equal(0, anonymous.CachedTokens);
    }

    private sealed class Simulation : IDisposable
    {
        private readonly SimulatedKvStore _store = new(Capacity);
        private readonly TokenPrefixCache _saved;
        private readonly KvCachePolicy _policy;
        private readonly List<Running> _running = [];

        // What each tenant has declared shared in a finished request. Once an owner marks its system prompt shared,
        // the KV of those tokens is public, whichever of its requests first wrote the cells (a later request that
        // continues the conversation takes the cells over and releases them with its own marking).
        private readonly Dictionary<PrefixScope, int> _declaredShared = [];

        public Simulation(bool tightSavedBudget)
        {
            var resident = new ResidentPrefixes(minimumTokens: 4, bytesPerCell: 16);
            _saved = new TokenPrefixCache(new PrefixCacheOptions { MaxBytes = tightSavedBudget ? 2_000 : 1 << 20, MinimumPrefixTokens = 4 }) { ResidentTier = resident };
            var settings = new KvCacheSettings { Capacity = Capacity, Sequences = Sequences, ScratchSequence = Sequences, InlineSpills = true };
            _policy = new KvCachePolicy(_store, settings, _saved, resident, NullLogger.Instance);
        }

        public void Run(int[] operations)
        {
            foreach (var value in operations ?? [])
            {
                // FsCheck's integers are small; spread their bits so every field of an operation varies.
                var operation = (int)((uint)value * 2654435761u >> 4);
                var kind = operation & 7;
                var tenant = (operation >> 3) & 3;
                var variant = (operation >> 5) & 7;
                var generate = 1 + ((operation >> 8) & 31);
                switch (kind)
                {
                    case 0 or 1:
                        TryAdmit(tenant, variant, generate, large: false);
                        break;
                    case 2:
                        foreach (var running in _running)
                        {
                            Decode(running);
                        }

                        break;
                    case 3 when _running.Count > 0:
                        Finish(_running[variant % _running.Count]);
                        break;
                    case 4 when _running.Count > 0:
                        Cancel(_running[variant % _running.Count]);
                        break;
                    case 5:
                        _saved.Clear();
                        break;
                    case 6:
                        TryAdmit(tenant, variant, generate: (Capacity / 2) + (generate * 6), large: true);
                        break;
                    default:
                        _policy.FreeCleared();
                        break;
                }

                CheckNoOverCommit();
            }

            foreach (var running in _running.ToArray())
            {
                Cancel(running);
            }

            _saved.Clear();
            _policy.FreeCleared();
            Assert.Equal(0, _store.LiveCells);
            Assert.Equal(Capacity, _policy.Ledger.FreeCells);
            Assert.Equal(0, _policy.Ledger.ReservedCells);
            Assert.Equal(0, _policy.Ledger.CommittedCells);
            Assert.Equal(Sequences, _policy.FreeSequenceCount);
        }

        public void Dispose()
        {
            _policy.Dispose();
            _saved.Dispose();
        }

        public Running Admit(int tenant, int variant, int generate) =>
            TryAdmit(tenant, variant, generate, large: false) ?? throw new InvalidOperationException("Not admitted.");

        public void Finish(Running running)
        {
            _running.Remove(running);
            _declaredShared[running.Request.Scope] = Math.Max(_declaredShared.GetValueOrDefault(running.Request.Scope), running.Request.SharedTokens);
            _policy.Release(running.Request, [running.Sequence], [.. _store.CellsOf(running.Sequence).Select(c => c.Token)]);
        }

        private void Cancel(Running running)
        {
            _running.Remove(running);
            _policy.Release(running.Request, [running.Sequence], residentTokens: null);
        }

        private Running? TryAdmit(int tenant, int variant, int generate, bool large)
        {
            // Tenant 0 is anonymous; odd variants share a system prompt common to every tenant.
            var scope = PrefixScope.ForTenant(tenant == 0 ? null : "t" + tenant);
            var shared = variant % 2 == 1 ? SystemTokens : 0;
            // Every tenant's prompts are the same tokens: only the policy keeps their KV apart.
            int[] prompt = [.. Enumerable.Range(1000, SystemTokens), .. Enumerable.Range(100, 8 + (variant * 6))];
            var request = new KvRequest(prompt, scope, shared, Hint: null, SequenceCount: 1, ReservedCells: prompt.Length + generate);
            if (large && request.ReservedCells > Capacity)
            {
                return null;
            }

            if (!_policy.CanAdmit(request))
            {
                return null;
            }

            var admission = _policy.Admit(request);
            var sequence = admission.Sequences[0];
            CheckHandedOnlyWhatItMayReuse(request, sequence, admission.CachedTokens);
            _store.Fill(sequence, prompt.AsSpan(admission.CachedTokens), scope, shared);
            _policy.OnPromptEvaluated(request, sequence);
            var running = new Running(request, sequence, admission.CachedTokens, generate);
            _running.Add(running);
            return running;
        }

        private void Decode(Running running)
        {
            if (running.Generated < running.MaxGenerated)
            {
                _store.Fill(running.Sequence, [7 + running.Generated], running.Request.Scope, running.Request.SharedTokens);
                running.Generated++;
            }
        }

        private void CheckHandedOnlyWhatItMayReuse(KvRequest request, int sequence, int cached)
        {
            var cells = _store.CellsOf(sequence);
            Assert.Equal(cached, cells.Count);
            Assert.True(cached < request.Prompt.Length, "the last prompt token is always evaluated");
            for (var i = 0; i < cells.Count; i++)
            {
                Assert.Equal(request.Prompt[i], cells[i].Token);
                Assert.Equal(i, cells[i].Position);
                if (cells[i].Writer != request.Scope)
                {
                    // A tenant's own resident prefix may hold another's shared cells (both had marked them shared
                    // when they were copied), so a later request of that tenant reaches them through its own cache.
                    var ownerShared = Math.Max(cells[i].WriterShared, _declaredShared.GetValueOrDefault(cells[i].Writer));
                    var readerShared = Math.Max(request.SharedTokens, _declaredShared.GetValueOrDefault(request.Scope));
                    Assert.True(
                        i < Math.Min(readerShared, ownerShared),
                        $"position {i} came from another tenant beyond the tokens both marked shared");
                }
            }
        }

        private void CheckNoOverCommit()
        {
            // What running requests may still write must fit beside every live cell, resident prefixes included.
            var stillToFill = _running.Sum(r => r.Request.ReservedCells - r.Cached - (_store.CellsOf(r.Sequence).Count - r.Cached));
            Assert.True(_store.LiveCells + stillToFill <= Capacity, $"{_store.LiveCells} live + {stillToFill} still to fill > {Capacity}");
            Assert.True(_policy.Ledger.CommittedCells <= Capacity);
        }
    }

    private sealed class Running(KvRequest request, int sequence, int cached, int maxGenerated)
    {
        public KvRequest Request { get; } = request;

        public int Sequence { get; } = sequence;

        public int Cached { get; } = cached;

        public int MaxGenerated { get; } = maxGenerated;

        public int Generated { get; set; }

        public int CachedTokens => Cached;
    }
}
