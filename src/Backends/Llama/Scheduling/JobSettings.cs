using LLama;
using LLama.Native;
using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tokenization;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>Everything a job needs to know about its request, resolved before it is queued.</summary>
internal sealed record JobSettings
{
    public required LLamaToken[] Prompt { get; init; }

    public required int MaxCompletionTokens { get; init; }

    public required GenerationOptions Options { get; init; }

    public required IReadOnlyList<string> StopSequences { get; init; }

    public required bool IncludeLogProbabilities { get; init; }

    public required LLamaWeights Weights { get; init; }

    public required LlamaTokenizer Tokenizer { get; init; }

    public required string ModelId { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    public required long StartTimestamp { get; init; }

    public CacheHint? CacheHint { get; init; }

    /// <summary>Gets the tenant scope the request's KV belongs to; from <see cref="CacheHint"/>'s tenant when not set.</summary>
    public PrefixScope? PrefixScope { get; init; }

    /// <summary>Gets how many leading prompt tokens render the hint's shared messages, which other tenants may reuse (0: none).</summary>
    public int SharedPrefixTokens { get; init; }

    /// <summary>Gets whether updates are held until the end (the caller wants the whole result, not a stream).</summary>
    public bool BufferUpdates { get; init; }

    /// <summary>Gets the shortest time between two hand-overs of streamed updates (zero: every update at once).</summary>
    public TimeSpan StreamFlushInterval { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Gets the grammar the output must follow (a response format or tools), or <see langword="null"/>.</summary>
    public Grammar.GrammarPlan? Grammar { get; init; }
}
