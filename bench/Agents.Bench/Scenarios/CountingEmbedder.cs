using Microsoft.Extensions.AI;

namespace Agents.Bench.Scenarios;

/// <summary>Counts the inputs and the word pieces (the inner generator's reported usage) that pass through an embedder.</summary>
internal sealed class CountingEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private long _inputs;
    private long _tokens;

    public long Inputs => Interlocked.Read(ref _inputs);

    public long Tokens => Interlocked.Read(ref _tokens);

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await base.GenerateAsync(values, options, cancellationToken);
        Interlocked.Add(ref _inputs, result.Count);
        Interlocked.Add(ref _tokens, result.Usage?.InputTokenCount ?? 0);
        return result;
    }
}
